export {
  fromJson,
  historyEventJson,
  toActivityWorkItem,
  toHistoryEvent,
  toInboxMessage,
  toInstanceRecord,
  toJson,
  toOutboxEntry,
  toWorkflowVersion,
} from "./rows.js";
export type { ActivityRow, HistoryRow, InboxRow, InstanceRow, OutboxRow, TimeColumn, ToIso, WorkflowVersionRow } from "./rows.js";
export { lastVersionKey } from "./keys.js";
export { instanceChanged, statusAfterTurn } from "./turn-status.js";
