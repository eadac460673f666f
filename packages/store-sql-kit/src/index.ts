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
export { parseTaskId } from "./task-ids.js";
