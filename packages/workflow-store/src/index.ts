export type {
  NewOutboxEntry,
  OutboxEntry,
  Store,
  WorkflowDraft,
  WorkflowRecord,
  WorkflowStore,
  WorkflowSummary,
  WorkflowVersion,
} from "./workflow-store.js";
export { lastVersionKey } from "./last-version-key.js";
