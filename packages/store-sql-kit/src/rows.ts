import type {
  ActivityWorkItem,
  HistoryEvent,
  InboxMessage,
  InstanceRecord,
  InstanceStatus,
  NewHistoryEvent,
  PendingWait,
  Tags,
} from "@weft/engine";
import type { OutboxEntry, WorkflowVersion } from "@weft/workflow-store";

/**
 * The row shapes SQL stores share and their mapping to the port's types, so every
 * store turns rows into records the same way. JSON columns are text: SQL NULL is
 * "absent" (undefined), anything else is JSON. `Time` is how a store keeps a
 * timestamp column (ISO text, or epoch milliseconds); `toTime` makes it ISO.
 */

export type TimeColumn = string | number;
export type ToIso<Time extends TimeColumn> = (time: Time) => string;

export interface InstanceRow<Time extends TimeColumn> {
  instance_id: string;
  name: string;
  execution_id: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  custom_status: string | null;
  created_at: Time;
  updated_at: Time;
  completed_at: string | null;
  parent_instance_id: string | null;
  parent_task_id: number | null;
  tags: string;
  last_seq: number;
  pending_waits: string;
}

export interface InboxRow {
  id: number;
  instance_id: string;
  execution_id: string | null;
  event: string;
  visible_at: number;
}

export interface HistoryRow {
  seq: number;
  event: string;
}

export interface ActivityRow {
  id: number;
  instance_id: string;
  execution_id: string;
  task_id: number;
  name: string;
  input: string | null;
  attempt: number;
  tags: string | null;
  timeout_ms: number | null;
  visible_at: number;
  lease_token: string | null;
  lease_expires_at: number | null;
  claim_count: number;
}

export interface WorkflowVersionRow<Time extends TimeColumn> {
  workflow_id: string;
  version: number;
  definition: string | null;
  published_at: Time;
}

export interface OutboxRow<Time extends TimeColumn> {
  id: number;
  channel: string;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  instance_id: string | null;
  task_id: number | null;
  created_at: Time;
}

/** JSON text for a value; `undefined` (absent) becomes SQL NULL. */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  // JSON.stringify returns undefined for functions and symbols: store them as absent too.
  return JSON.stringify(value) ?? null;
}

export function fromJson(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

export function toInstanceRecord<Time extends TimeColumn>(row: InstanceRow<Time>, toIso: ToIso<Time>): InstanceRecord {
  const record: InstanceRecord = {
    instanceId: row.instance_id,
    name: row.name,
    executionId: row.execution_id,
    status: row.status as InstanceStatus,
    input: fromJson(row.input),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    tags: JSON.parse(row.tags) as Record<string, string>,
    lastSeq: row.last_seq,
    pendingWaits: JSON.parse(row.pending_waits) as PendingWait[],
  };
  // Optional fields stay absent rather than present-and-undefined, as JSON would have them.
  if (row.input === null) delete record.input;
  if (row.output !== null) record.output = fromJson(row.output);
  if (row.error !== null) record.error = JSON.parse(row.error) as NonNullable<InstanceRecord["error"]>;
  if (row.custom_status !== null) record.customStatus = fromJson(row.custom_status);
  if (row.completed_at !== null) record.completedAt = row.completed_at;
  if (row.parent_instance_id !== null) record.parentInstanceId = row.parent_instance_id;
  if (row.parent_task_id !== null) record.parentTaskId = row.parent_task_id;
  return record;
}

export function toInboxMessage(row: InboxRow): InboxMessage {
  const message: InboxMessage = {
    id: row.id,
    instanceId: row.instance_id,
    event: JSON.parse(row.event) as NewHistoryEvent,
    visibleAt: row.visible_at,
  };
  if (row.execution_id !== null) message.executionId = row.execution_id;
  return message;
}

export function toHistoryEvent(row: HistoryRow): HistoryEvent {
  return { seq: row.seq, ...(JSON.parse(row.event) as NewHistoryEvent) };
}

/** The event without its seq (the seq has its own column). */
export function historyEventJson(event: HistoryEvent): string {
  const { seq: _seq, ...rest } = event;
  return JSON.stringify(rest);
}

export function toActivityWorkItem(row: ActivityRow): ActivityWorkItem {
  const item: ActivityWorkItem = {
    id: String(row.id),
    instanceId: row.instance_id,
    executionId: row.execution_id,
    taskId: row.task_id,
    name: row.name,
    input: fromJson(row.input),
    attempt: row.attempt,
    leaseToken: row.lease_token ?? "",
    leaseExpiresAt: row.lease_expires_at ?? 0,
    claimCount: row.claim_count,
  };
  if (row.input === null) delete (item as { input?: unknown }).input;
  if (row.tags !== null) item.tags = JSON.parse(row.tags) as Tags;
  if (row.timeout_ms !== null) item.timeoutMs = row.timeout_ms;
  return item;
}

export function toWorkflowVersion<Time extends TimeColumn>(row: WorkflowVersionRow<Time>, toIso: ToIso<Time>): WorkflowVersion {
  const version: WorkflowVersion = {
    workflowId: row.workflow_id,
    version: row.version,
    definition: fromJson(row.definition),
    publishedAt: toIso(row.published_at),
  };
  if (row.definition === null) delete (version as { definition?: unknown }).definition;
  return version;
}

export function toOutboxEntry<Time extends TimeColumn>(row: OutboxRow<Time>, toIso: ToIso<Time>): OutboxEntry {
  const entry: OutboxEntry = { id: row.id, channel: row.channel, createdAt: toIso(row.created_at) };
  if (row.recipient !== null) entry.to = row.recipient;
  if (row.subject !== null) entry.subject = row.subject;
  if (row.body !== null) entry.body = fromJson(row.body);
  if (row.instance_id !== null) entry.instanceId = row.instance_id;
  if (row.task_id !== null) entry.taskId = row.task_id;
  return entry;
}
