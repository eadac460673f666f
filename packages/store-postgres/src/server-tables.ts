import { WorkflowNotFoundError } from "@weft/engine";
import {
  type NewOutboxEntry,
  type OutboxEntry,
  type WorkflowDraft,
  type WorkflowRecord,
  type WorkflowSummary,
  type WorkflowVersion,
} from "@weft/workflow-store";
import { lastVersionKey } from "@weft/workflow-store";
import { prepared, type Queryable } from "./connection.js";
import {
  atMs,
  nowMs,
  toJson,
  toOutboxEntry,
  toWorkflowRecord,
  toWorkflowVersion,
  type OutboxRow,
  type WorkflowRow,
  type WorkflowVersionRow,
} from "./rows.js";

/**
 * The Store methods for the server's tables: workflow drafts and published
 * versions, once keys, values and the outbox. None of them touch instances,
 * so none of them notify. Each function is one statement unless it says
 * otherwise; the store decides which run inside a transaction.
 */

const DEFAULT_OUTBOX_LIMIT = 50;
const MAX_OUTBOX_LIMIT = 1000;
/** Expired once keys removed per claim: more than a claim adds, so the table cannot grow without bound. */
export const ONCE_KEY_SWEEP = 100;

/** A workflow row with its version listing, read in one statement (one snapshot). */
const workflowSelect = (s: string, columns = "w.workflow_id, w.name, w.draft, w.trigger_def, w.created_at, w.updated_at"): string =>
  `SELECT ${columns},
          ARRAY(SELECT v.version FROM ${s}.workflow_versions v WHERE v.workflow_id = w.workflow_id ORDER BY v.version) AS versions,
          ARRAY(SELECT v.published_at FROM ${s}.workflow_versions v WHERE v.workflow_id = w.workflow_id ORDER BY v.version) AS published
     FROM ${s}.workflows w`;

/** Replaces the draft (keeping created_at) and returns the record, in one statement. */
export async function saveWorkflowDraft(c: Queryable, s: string, draft: WorkflowDraft, now: number): Promise<WorkflowRecord> {
  const result = await c.query<WorkflowRow>(
    `WITH saved AS (
       INSERT INTO ${s}.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (workflow_id) DO UPDATE SET
         name = EXCLUDED.name, draft = EXCLUDED.draft, trigger_def = EXCLUDED.trigger_def, updated_at = EXCLUDED.updated_at
       RETURNING *
     )
     SELECT w.*,
            ARRAY(SELECT v.version FROM ${s}.workflow_versions v WHERE v.workflow_id = w.workflow_id ORDER BY v.version) AS versions,
            ARRAY(SELECT v.published_at FROM ${s}.workflow_versions v WHERE v.workflow_id = w.workflow_id ORDER BY v.version) AS published
       FROM saved w`,
    [draft.workflowId, draft.name, toJson(draft.draft), toJson(draft.trigger), nowMs(now)],
  );
  return toWorkflowRecord(result.rows[0] as WorkflowRow);
}

export async function getWorkflow(c: Queryable, s: string, workflowId: string): Promise<WorkflowRecord | undefined> {
  const result = await c.query<WorkflowRow>(prepared(`${workflowSelect(s)} WHERE w.workflow_id = $1`, [workflowId]));
  const row = result.rows[0];
  return row ? toWorkflowRecord(row) : undefined;
}

/** Without the draft: listing must not ship and parse every drawing (see Store.listWorkflows). */
export async function listWorkflows(c: Queryable, s: string): Promise<WorkflowSummary[]> {
  const columns = "w.workflow_id, w.name, NULL AS draft, w.trigger_def, w.created_at, w.updated_at";
  const result = await c.query<WorkflowRow>(`${workflowSelect(s, columns)} ORDER BY w.workflow_id`);
  return result.rows.map(toWorkflowRecord);
}

/**
 * Run inside a transaction. The workflow's row lock serialises publishes of
 * one workflow; the MAX is read by a later statement, whose snapshot is taken
 * after the lock was granted, so it sees every version committed before.
 */
export async function publishWorkflowVersion(
  c: Queryable,
  s: string,
  workflowId: string,
  definition: unknown,
  now: number,
): Promise<number> {
  const locked = await c.query(`SELECT 1 FROM ${s}.workflows WHERE workflow_id = $1 FOR UPDATE`, [workflowId]);
  if (locked.rows.length === 0) throw new WorkflowNotFoundError(workflowId);
  const result = await c.query<{ version: number }>(
    `INSERT INTO ${s}.workflow_versions (workflow_id, version, definition, published_at)
     SELECT $1,
            GREATEST(COALESCE((SELECT MAX(version) FROM ${s}.workflow_versions WHERE workflow_id = $1), 0),
                     COALESCE((SELECT value::integer FROM ${s}.kv WHERE key = $4), 0)) + 1,
            $2, $3
     RETURNING version`,
    [workflowId, toJson(definition), nowMs(now), lastVersionKey(workflowId)],
  );
  return (result.rows[0] as { version: number }).version;
}

export async function getWorkflowVersion(
  c: Queryable,
  s: string,
  workflowId: string,
  version: number,
): Promise<WorkflowVersion | undefined> {
  if (!Number.isSafeInteger(version) || version < 1 || version > 2 ** 31 - 1) return undefined;
  const result = await c.query<WorkflowVersionRow>(
    prepared(`SELECT workflow_id, version, definition, published_at FROM ${s}.workflow_versions WHERE workflow_id = $1 AND version = $2`, [
      workflowId,
      version,
    ]),
  );
  const row = result.rows[0];
  return row ? toWorkflowVersion(row) : undefined;
}

/**
 * Run inside a transaction. The workflow row goes first (waiting for a publish
 * in progress), then its versions, by a statement that sees that publish's row.
 */
export async function deleteWorkflow(c: Queryable, s: string, workflowId: string): Promise<boolean> {
  const deleted = await c.query(`DELETE FROM ${s}.workflows WHERE workflow_id = $1`, [workflowId]);
  // Numbers continue past these versions if the id is used again (see publishWorkflowVersion).
  await c.query(
    `INSERT INTO ${s}.kv (key, value)
     SELECT $2, MAX(version)::text FROM ${s}.workflow_versions WHERE workflow_id = $1 HAVING MAX(version) IS NOT NULL
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [workflowId, lastVersionKey(workflowId)],
  );
  await c.query(`DELETE FROM ${s}.workflow_versions WHERE workflow_id = $1`, [workflowId]);
  return (deleted.rowCount ?? 0) > 0;
}

/** Sweeps up to ONCE_KEY_SWEEP expired keys (never the one being claimed, never one another claim holds). */
export async function sweepOnceKeys(c: Queryable, s: string, key: string, now: number): Promise<void> {
  await c.query(
    `DELETE FROM ${s}.once_keys WHERE key IN (
       SELECT key FROM ${s}.once_keys WHERE expires_at <= $1 AND key <> $2
        ORDER BY expires_at LIMIT ${ONCE_KEY_SWEEP} FOR UPDATE SKIP LOCKED)`,
    [nowMs(now), key],
  );
}

/**
 * Inserts a new key, or takes over an expired one; a live record is left as it
 * is (not extended). A concurrent claim of the same key waits for this one and
 * then finds a live record, so exactly one of them is granted.
 */
export async function claimOnce(c: Queryable, s: string, key: string, expiresAt: number, now: number): Promise<boolean> {
  const result = await c.query(
    `INSERT INTO ${s}.once_keys AS k (key, expires_at) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE k.expires_at <= $3`,
    [key, atMs(expiresAt), nowMs(now)],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getValue(c: Queryable, s: string, key: string): Promise<string | undefined> {
  const result = await c.query<{ value: string }>(`SELECT value FROM ${s}.kv WHERE key = $1`, [key]);
  return result.rows[0]?.value;
}

export async function setValue(c: Queryable, s: string, key: string, value: string): Promise<void> {
  await c.query(`INSERT INTO ${s}.kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, value]);
}

export async function appendOutbox(c: Queryable, s: string, entry: NewOutboxEntry, now: number): Promise<OutboxEntry> {
  const result = await c.query<OutboxRow>(
    `INSERT INTO ${s}.outbox (channel, recipient, subject, body, instance_id, task_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [
      entry.channel,
      entry.to ?? null,
      entry.subject ?? null,
      toJson(entry.body),
      entry.instanceId ?? null,
      entry.taskId ?? null,
      nowMs(now),
    ],
  );
  return toOutboxEntry(result.rows[0] as OutboxRow);
}

export async function listOutbox(
  c: Queryable,
  s: string,
  options: { limit?: number; beforeId?: number; instanceId?: string } = {},
): Promise<OutboxEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_OUTBOX_LIMIT), 1), MAX_OUTBOX_LIMIT);
  // id < beforeId ⟺ id < ⌈beforeId⌉ for whole ids.
  const beforeId = atMs(options.beforeId ?? Number.MAX_SAFE_INTEGER);
  const result =
    options.instanceId === undefined
      ? await c.query<OutboxRow>(`SELECT * FROM ${s}.outbox WHERE id < $1 ORDER BY id DESC LIMIT $2`, [beforeId, limit])
      : await c.query<OutboxRow>(`SELECT * FROM ${s}.outbox WHERE instance_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, [
          options.instanceId,
          beforeId,
          limit,
        ]);
  return result.rows.map(toOutboxEntry);
}
