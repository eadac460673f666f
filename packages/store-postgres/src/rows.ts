import {
  toIso,
  type ActivityWorkItem,
  type HistoryEvent,
  type InboxMessage,
  type InstanceRecord,
  type InstanceStatus,
  type NewHistoryEvent,
  type OutboxEntry,
  type PendingWait,
  type Tags,
  type WorkflowRecord,
  type WorkflowVersion,
} from "@weft/engine";

/**
 * Rows as node-postgres returns them (BIGINT parsed to number by the store's
 * type parsers), and their mapping to the port's types. JSON columns: SQL NULL
 * is "absent" (undefined), anything else is JSON text.
 */

export interface InstanceRow {
  instance_id: string;
  name: string;
  execution_id: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  custom_status: string | null;
  created_at: number;
  updated_at: number;
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

/** The instance columns every read selects (the lease stays inside the store). */
export const INSTANCE_COLUMNS =
  "instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, " +
  "completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits";

/**
 * Times are stored as whole milliseconds (BIGINT); the engine's are usually whole
 * already, but `ctx.sleep(1.5)` is not, and BIGINT refuses a fraction.
 *
 * `now` in comparisons with stored values becomes ⌊now⌋, which is exact: for a
 * whole v, v <= n ⟺ v <= ⌊n⌋ and v > n ⟺ v > ⌊n⌋. Times "at now" (createdAt, a
 * message visible at once) are stored as ⌊now⌋ too, so they are visible at that now.
 */
export function nowMs(now: number): number {
  return Math.floor(now);
}

/** A future moment to store (a visibleAt, a lease expiry): rounded up, so it never comes early. */
export function atMs(time: number): number {
  return Math.ceil(time);
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

export function toInstanceRecord(row: InstanceRow): InstanceRecord {
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

// ---- the server's tables ---------------------------------------------------------

export interface WorkflowRow {
  workflow_id: string;
  name: string;
  draft: string | null;
  trigger_def: string | null;
  created_at: number;
  updated_at: number;
  /** Version numbers in order, and their publish times (two arrays of one subquery each). */
  versions: number[];
  published: number[];
}

export interface WorkflowVersionRow {
  workflow_id: string;
  version: number;
  definition: string | null;
  published_at: number;
}

export interface OutboxRow {
  id: number;
  channel: string;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  instance_id: string | null;
  task_id: number | null;
  created_at: number;
}

export function toWorkflowRecord(row: WorkflowRow): WorkflowRecord {
  const versions = row.versions.map((version, index) => ({ version, publishedAt: toIso(row.published[index] ?? 0) }));
  const record: WorkflowRecord = {
    workflowId: row.workflow_id,
    name: row.name,
    draft: fromJson(row.draft),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    latestVersion: versions[versions.length - 1]?.version ?? 0,
    versions,
  };
  if (row.draft === null) delete (record as { draft?: unknown }).draft;
  if (row.trigger_def !== null) record.trigger = fromJson(row.trigger_def);
  return record;
}

export function toWorkflowVersion(row: WorkflowVersionRow): WorkflowVersion {
  const version: WorkflowVersion = {
    workflowId: row.workflow_id,
    version: row.version,
    definition: fromJson(row.definition),
    publishedAt: toIso(row.published_at),
  };
  if (row.definition === null) delete (version as { definition?: unknown }).definition;
  return version;
}

export function toOutboxEntry(row: OutboxRow): OutboxEntry {
  const entry: OutboxEntry = { id: row.id, channel: row.channel, createdAt: toIso(row.created_at) };
  if (row.recipient !== null) entry.to = row.recipient;
  if (row.subject !== null) entry.subject = row.subject;
  if (row.body !== null) entry.body = fromJson(row.body);
  if (row.instance_id !== null) entry.instanceId = row.instance_id;
  if (row.task_id !== null) entry.taskId = row.task_id;
  return entry;
}
