import type { ClaimRequest, OrchestrationWorkItem, TurnCommit } from "@weft/engine";
import type { Changes, Queryable } from "./connection.js";
import { INSTANCE_COLUMNS, atMs, historyEventJson, nowMs, toInboxMessage, toInstanceRecord, toJson, type InboxRow, type InstanceRow } from "./rows.js";
import { instanceColumns, messageColumns, newLeaseToken, taskColumns } from "./writes.js";

/** A suspended instance is woken only by these; its other messages wait. */
const RUNS_WHEN_SUSPENDED = "('ExecutionResumed', 'ExecutionTerminated')";
const DEFAULT_MAX_MESSAGES = 1000;

/**
 * claimOrchestrations, inside a transaction:
 *
 * 1. Lock (FOR NO KEY UPDATE … SKIP LOCKED) up to `limit` unleased instances that
 *    have a visible message that counts, oldest work first. Rows another claimer
 *    or committer holds are skipped, never waited for; a row that changed after
 *    this statement's snapshot is re-checked by PostgreSQL (a lease taken
 *    meanwhile excludes it) and returned in its newest version.
 * 2. In a second statement (a fresh snapshot, taken after the locks): read their
 *    counting visible messages and lease the instances that still have some.
 *    The candidates' messages were chosen from the first snapshot; a commit that
 *    consumed them in between must not hand them out again.
 */
export async function claimOrchestrations(
  c: Queryable,
  s: string,
  request: ClaimRequest & { maxMessages?: number },
): Promise<OrchestrationWorkItem[]> {
  const { now, leaseMs, owner } = request;
  const limit = Math.floor(request.limit);
  if (!(limit > 0)) return [];
  const maxMessages = Math.max(0, Math.trunc(request.maxMessages ?? DEFAULT_MAX_MESSAGES));
  const locked = await c.query<InstanceRow>(
    `SELECT ${INSTANCE_COLUMNS.split(", ").map((column) => `i.${column}`).join(", ")}
       FROM ${s}.instances i
       JOIN (
         SELECT m.instance_id, MIN(m.id) AS first_id
           FROM ${s}.inbox m JOIN ${s}.instances w ON w.instance_id = m.instance_id
          WHERE m.visible_at <= $1
            AND (w.lease_expires_at IS NULL OR w.lease_expires_at <= $1)
            AND (w.status <> 'suspended' OR m.event_type IN ${RUNS_WHEN_SUSPENDED})
          GROUP BY m.instance_id
       ) work ON work.instance_id = i.instance_id
      WHERE i.lease_expires_at IS NULL OR i.lease_expires_at <= $1
      ORDER BY work.first_id
      LIMIT $2
      FOR NO KEY UPDATE OF i SKIP LOCKED`,
    [nowMs(now), limit],
  );
  if (locked.rows.length === 0) return [];

  const ids = locked.rows.map((row) => row.instance_id);
  const tokens = ids.map(() => newLeaseToken());
  const claimed = await c.query<InboxRow>(
    `WITH msgs AS (
       SELECT m.id, m.instance_id, m.execution_id, m.event, m.visible_at
         FROM ${s}.instances i
         CROSS JOIN LATERAL (
           SELECT * FROM ${s}.inbox m
            WHERE m.instance_id = i.instance_id AND m.visible_at <= $2
              AND (i.status <> 'suspended' OR m.event_type IN ${RUNS_WHEN_SUSPENDED})
            ORDER BY m.id
            LIMIT $3
         ) m
        WHERE i.instance_id = ANY($1::text[])
     ), leased AS (
       UPDATE ${s}.instances i SET lease_token = t.token, lease_owner = $5, lease_expires_at = $6
         FROM unnest($1::text[], $4::text[]) AS t(instance_id, token)
        WHERE i.instance_id = t.instance_id
          AND EXISTS (SELECT 1 FROM msgs WHERE msgs.instance_id = t.instance_id)
     )
     SELECT * FROM msgs ORDER BY instance_id, id`,
    [ids, nowMs(now), Math.max(1, maxMessages), tokens, owner, atMs(now + leaseMs)],
  );
  const byInstance = new Map<string, InboxRow[]>();
  for (const row of claimed.rows) {
    const list = byInstance.get(row.instance_id) ?? [];
    list.push(row);
    byInstance.set(row.instance_id, list);
  }
  const items: OrchestrationWorkItem[] = [];
  locked.rows.forEach((row, index) => {
    const messages = byInstance.get(row.instance_id);
    // Locked, but its messages were consumed meanwhile: not leased, not returned.
    if (!messages) return;
    items.push({
      instance: toInstanceRecord(row),
      leaseToken: tokens[index] as string,
      messages: (maxMessages === 0 ? [] : messages).map(toInboxMessage),
    });
  });
  return items;
}

/**
 * commitTurns, inside one transaction (group commit). First the fence: every
 * instance of the batch is locked FOR NO KEY UPDATE in instance-id order (a
 * fixed order, so two committers cannot deadlock on each other), and each
 * turn's lease is checked: same token, not expired at `now`, not already
 * released by an earlier turn of this batch. A rejected turn writes nothing;
 * each accepted turn is applied by one statement.
 */
export async function commitTurns(c: Queryable, s: string, turns: readonly TurnCommit[], now: number, changes: Changes): Promise<boolean[]> {
  const ids = [...new Set(turns.map((turn) => turn.instanceId))];
  const leases = await c.query<{ instance_id: string; lease_token: string | null; lease_expires_at: number | null }>(
    `SELECT instance_id, lease_token, lease_expires_at FROM ${s}.instances
      WHERE instance_id = ANY($1::text[]) ORDER BY instance_id FOR NO KEY UPDATE`,
    [ids],
  );
  const held = new Map(leases.rows.map((row) => [row.instance_id, row]));
  const results: boolean[] = [];
  for (const turn of turns) {
    const lease = held.get(turn.instanceId);
    const ok = lease !== undefined && lease.lease_token === turn.leaseToken && (lease.lease_expires_at ?? 0) > now;
    results.push(ok);
    if (!ok) continue;
    // Committing releases the lease: a second turn of the same claim is rejected.
    held.delete(turn.instanceId);
    await applyTurn(c, s, turn, now, changes);
  }
  return results;
}

/**
 * Applies one fenced turn in one statement. Its clean-up (consumed messages,
 * dropInbox, cancelActivities, deleteHistoryThroughSeq) only sees rows that
 * existed before the statement, so a turn never deletes what it produces.
 * Messages go to instances that exist (locked FOR KEY SHARE) or that this turn
 * creates; a created child's ExecutionStarted comes before the turn's own
 * messages. The turn's own instance is excluded from the KEY SHARE lock: this
 * statement updates it, and this transaction already holds a stronger lock.
 */
async function applyTurn(c: Queryable, s: string, turn: TurnCommit, now: number, changes: Changes): Promise<void> {
  const u = turn.update;
  const set = (value: unknown): boolean => value !== undefined;
  const params: unknown[] = [
    turn.instanceId, // $1
    turn.dropInbox === true, // $2
    turn.consumedMessageIds, // $3
    turn.cancelActivities === true, // $4
    turn.deleteHistoryThroughSeq ?? null, // $5
    turn.events.map((e) => e.seq), // $6
    turn.events.map((e) => e.type), // $7
    turn.events.map((e) => e.at), // $8
    turn.events.map(historyEventJson), // $9
    u.lastSeq, // $10
    nowMs(now), // $11
    set(u.status), // $12
    u.status ?? null, // $13
    set(u.executionId), // $14
    u.executionId ?? null, // $15
    set(u.input), // $16
    toJson(u.input), // $17
    // null clears output, error and completedAt: SQL NULL is "absent".
    set(u.output), // $18
    u.output === null ? null : toJson(u.output), // $19
    set(u.error), // $20
    u.error === null || u.error === undefined ? null : JSON.stringify(u.error), // $21
    set(u.customStatus), // $22
    toJson(u.customStatus), // $23
    set(u.completedAt), // $24
    u.completedAt ?? null, // $25
    set(u.pendingWaits), // $26
    JSON.stringify(u.pendingWaits ?? []), // $27
    ...instanceColumns(turn.instances, now), // $28 … $36
    ...messageColumns(turn.messages, now), // $37 … $41
    ...taskColumns(turn.activities, now), // $42 … $50
  ];
  const result = await c.query<{ children: string[]; messaged: string[]; tasks: number; leftover: boolean }>(
    `WITH
     consumed AS (
       DELETE FROM ${s}.inbox WHERE instance_id = $1 AND ($2::boolean OR id = ANY($3::bigint[]))
     ), cancelled AS (
       DELETE FROM ${s}.activity_tasks WHERE $4::boolean AND instance_id = $1
     ), trimmed AS (
       DELETE FROM ${s}.history WHERE $5::integer IS NOT NULL AND instance_id = $1 AND seq <= $5::integer
     ), appended AS (
       INSERT INTO ${s}.history (instance_id, seq, type, at, event)
       SELECT $1, e.seq, e.type, e.at, e.event FROM unnest($6::integer[], $7::text[], $8::text[], $9::text[]) AS e(seq, type, at, event)
     ), updated AS (
       UPDATE ${s}.instances SET
         last_seq      = $10,
         updated_at    = $11,
         status        = CASE WHEN $12::boolean THEN $13::text ELSE status END,
         execution_id  = CASE WHEN $14::boolean THEN $15::text ELSE execution_id END,
         input         = CASE WHEN $16::boolean THEN $17::text ELSE input END,
         output        = CASE WHEN $18::boolean THEN $19::text ELSE output END,
         error         = CASE WHEN $20::boolean THEN $21::text ELSE error END,
         custom_status = CASE WHEN $22::boolean THEN $23::text ELSE custom_status END,
         completed_at  = CASE WHEN $24::boolean THEN $25::text ELSE completed_at END,
         pending_waits = CASE WHEN $26::boolean THEN $27::text ELSE pending_waits END,
         lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
       WHERE instance_id = $1
     ), child_input AS (
       SELECT * FROM unnest($28::text[], $29::text[], $30::text[], $31::text[], $32::text[], $33::integer[], $34::text[], $35::text[], $36::bigint[])
         WITH ORDINALITY AS c(instance_id, name, execution_id, input, parent_instance_id, parent_task_id, tags, start_event, visible_at, ord)
     ), children AS (
       INSERT INTO ${s}.instances (instance_id, name, execution_id, status, input, created_at, updated_at,
                                   parent_instance_id, parent_task_id, tags, last_seq, pending_waits)
       SELECT instance_id, name, execution_id, 'pending', input, $11, $11, parent_instance_id, parent_task_id, tags, 0, '[]'
         FROM child_input WHERE instance_id <> $1 ORDER BY ord
       ON CONFLICT (instance_id) DO NOTHING
       RETURNING instance_id
     ), msg_input AS (
       SELECT * FROM unnest($37::text[], $38::text[], $39::text[], $40::text[], $41::bigint[])
         WITH ORDINALITY AS m(instance_id, execution_id, event_type, event, visible_at, ord)
     ), targets AS (
       SELECT instance_id FROM ${s}.instances
        WHERE instance_id IN (SELECT instance_id FROM msg_input) AND instance_id <> $1
        FOR KEY SHARE
     ), messages AS (
       INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
       SELECT instance_id, execution_id, event_type, event, visible_at FROM (
         SELECT c.instance_id, c.execution_id, 'ExecutionStarted' AS event_type, c.start_event AS event, c.visible_at, 0 AS grp, c.ord
           FROM child_input c WHERE c.instance_id IN (SELECT instance_id FROM children)
         UNION ALL
         SELECT m.instance_id, m.execution_id, m.event_type, m.event, m.visible_at, 1 AS grp, m.ord
           FROM msg_input m
          WHERE m.instance_id = $1
             OR m.instance_id IN (SELECT instance_id FROM targets)
             OR m.instance_id IN (SELECT instance_id FROM children)
       ) x ORDER BY grp, ord
       RETURNING instance_id
     ), tasks AS (
       INSERT INTO ${s}.activity_tasks (instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at)
       SELECT t.instance_id, t.execution_id, t.task_id, t.name, t.input, t.attempt, t.tags, t.timeout_ms, t.visible_at, t.visible_at
         FROM unnest($42::text[], $43::text[], $44::integer[], $45::text[], $46::text[], $47::integer[], $48::text[], $49::double precision[], $50::bigint[])
           WITH ORDINALITY AS t(instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, ord)
        ORDER BY t.ord
       RETURNING id
     )
     SELECT ARRAY(SELECT instance_id FROM children) AS children,
            ARRAY(SELECT DISTINCT instance_id FROM messages) AS messaged,
            (SELECT count(*)::integer FROM tasks) AS tasks,
            (NOT $2::boolean AND EXISTS (
               SELECT 1 FROM ${s}.inbox m WHERE m.instance_id = $1 AND NOT (m.id = ANY($3::bigint[])))) AS leftover`,
    params,
  );
  const row = result.rows[0];
  changes.instances.add(turn.instanceId);
  if (!row) return;
  for (const id of row.children) changes.instances.add(id);
  for (const id of row.messaged) changes.instances.add(id);
  if (row.messaged.length > 0) changes.orchestrationWork = true;
  if (row.tasks > 0) changes.activityWork = true;
  // The lease is released: if visible messages are left, another claim can take them now.
  if (row.leftover) changes.orchestrationWork = true;
}

/** releaseOrchestration: clears the lease if this token still holds it. */
export async function releaseOrchestration(c: Queryable, s: string, instanceId: string, leaseToken: string, changes: Changes): Promise<void> {
  const result = await c.query<{ has_messages: boolean }>(
    `UPDATE ${s}.instances SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE instance_id = $1 AND lease_token = $2
     RETURNING EXISTS (SELECT 1 FROM ${s}.inbox WHERE instance_id = $1) AS has_messages`,
    [instanceId, leaseToken],
  );
  if (result.rows[0]?.has_messages) changes.orchestrationWork = true;
}
