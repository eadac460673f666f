import { toIso, type InstanceRecord } from "@weft/engine";
import { type OutboxEntry, type WorkflowRecord, type WorkflowVersion } from "@weft/workflow-store";
import {
  fromJson,
  toInstanceRecord as toRecord,
  toOutboxEntry as toEntry,
  toWorkflowVersion as toVersion,
  type InstanceRow as SharedInstanceRow,
  type OutboxRow as SharedOutboxRow,
  type WorkflowVersionRow as SharedWorkflowVersionRow,
} from "@weft/store-sql-kit";

export { fromJson, historyEventJson, toActivityWorkItem, toHistoryEvent, toInboxMessage, toJson } from "@weft/store-sql-kit";
export type { ActivityRow, HistoryRow, InboxRow } from "@weft/store-sql-kit";

/**
 * Rows as node-postgres returns them (BIGINT parsed to number by the store's type
 * parsers). The mapping to the port's types is shared with the other SQL stores
 * (`@weft/store-sql-kit`); PostgreSQL keeps times as epoch milliseconds.
 */

export type InstanceRow = SharedInstanceRow<number>;
export type WorkflowVersionRow = SharedWorkflowVersionRow<number>;
export type OutboxRow = SharedOutboxRow<number>;

export function toInstanceRecord(row: InstanceRow): InstanceRecord {
  return toRecord(row, toIso);
}

export function toWorkflowVersion(row: WorkflowVersionRow): WorkflowVersion {
  return toVersion(row, toIso);
}

export function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return toEntry(row, toIso);
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
