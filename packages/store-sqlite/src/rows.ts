import {
  fromJson,
  toInstanceRecord as toRecord,
  toOutboxEntry as toEntry,
  toWorkflowVersion as toVersion,
  type InstanceRow as SharedInstanceRow,
  type OutboxRow as SharedOutboxRow,
  type WorkflowVersionRow as SharedWorkflowVersionRow,
} from "@weft/store-sql-kit";
import type { InstanceRecord } from "@weft/engine";
import type { OutboxEntry, WorkflowRecord, WorkflowVersion } from "@weft/workflow-store";

export { fromJson, historyEventJson, toActivityWorkItem, toHistoryEvent, toInboxMessage, toJson } from "@weft/store-sql-kit";
export type { ActivityRow, HistoryRow, InboxRow } from "@weft/store-sql-kit";

/**
 * Rows as better-sqlite3 returns them. The mapping to the port's types is shared
 * with the other SQL stores (`@weft/store-sql-kit`); SQLite keeps times as ISO text.
 */

export interface InstanceRow extends SharedInstanceRow<string> {
  lease_token: string | null;
  lease_expires_at: number | null;
}
export type WorkflowVersionRow = SharedWorkflowVersionRow<string>;
export type OutboxRow = SharedOutboxRow<string>;

const iso = (time: string): string => time;

export function toInstanceRecord(row: InstanceRow): InstanceRecord {
  return toRecord(row, iso);
}

export function toWorkflowVersion(row: WorkflowVersionRow): WorkflowVersion {
  return toVersion(row, iso);
}

export function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return toEntry(row, iso);
}

export interface WorkflowRow {
  workflow_id: string;
  name: string;
  draft: string | null;
  trigger_def: string | null;
  created_at: string;
  updated_at: string;
}

/** `versions` are the workflow's version rows in version order. */
export function toWorkflowRecord(
  row: WorkflowRow,
  versions: readonly Pick<WorkflowVersionRow, "version" | "published_at">[],
): WorkflowRecord {
  const record: WorkflowRecord = {
    workflowId: row.workflow_id,
    name: row.name,
    draft: fromJson(row.draft),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    latestVersion: versions[versions.length - 1]?.version ?? 0,
    versions: versions.map((v) => ({ version: v.version, publishedAt: v.published_at })),
  };
  if (row.draft === null) delete (record as { draft?: unknown }).draft;
  if (row.trigger_def !== null) record.trigger = fromJson(row.trigger_def);
  return record;
}
