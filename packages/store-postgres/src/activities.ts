import type { ActivityResult, ActivityWorkItem, ActivityClaimRequest } from "@weft/engine";
import type { Changes, Queryable } from "./connection.js";
import { atMs, nowMs, toActivityWorkItem, type ActivityRow } from "./rows.js";
import { insertMessages } from "./writes.js";

/**
 * claimActivities: one statement. The inner SELECTs lock up to `limit`
 * available tasks, oldest first, skipping rows other claimers hold (and at most
 * `suspects` of the tasks claimed before); a row
 * claimed and committed by someone else after this statement's snapshot is
 * re-checked by PostgreSQL (its available_at is now in the future) and left out.
 * Each claimed row gets its own fresh token (gen_random_uuid per row).
 */
export async function claimActivities(c: Queryable, s: string, request: ActivityClaimRequest): Promise<ActivityWorkItem[]> {
  const { now, leaseMs, owner } = request;
  const limit = Math.floor(request.limit);
  if (!(limit > 0)) return [];
  const byName = request.names !== undefined;
  const bounded = request.suspects !== undefined;
  const suspects = bounded ? Math.max(0, Math.min(limit, Math.floor(request.suspects ?? 0))) : 0;
  const pick = (condition: string, limitParam: string) =>
    `SELECT id, visible_at FROM ${s}.activity_tasks
      WHERE available_at <= $1 AND ${condition} ${byName ? "AND name = ANY($7::text[])" : ""}
      ORDER BY visible_at, id
      LIMIT ${limitParam}
      FOR UPDATE SKIP LOCKED`;
  // With a bound, suspects (tasks claimed before) are picked apart, at most $6 of them; the
  // outer LIMIT may leave some picked rows out (locked, unchanged, until this statement commits).
  const result = await c.query<ActivityRow>(
    `WITH others AS (
       ${pick("claim_count <= $5", "$2")}
     ), suspects AS (
       ${pick("claim_count > 0", "$6")}
     ), chosen AS (
       SELECT id FROM (SELECT * FROM others UNION ALL SELECT * FROM suspects) AS picked ORDER BY visible_at, id LIMIT $2
     )
     UPDATE ${s}.activity_tasks t
        SET lease_token = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, available_at = $4,
            claim_count = t.claim_count + 1
       FROM chosen
      WHERE t.id = chosen.id
     RETURNING t.*`,
    [nowMs(now), limit, owner, atMs(now + leaseMs), bounded ? 0 : 2_147_483_647, suspects, ...(byName ? [request.names] : [])],
  );
  // RETURNING has no order of its own.
  return result.rows.sort((a, b) => a.visible_at - b.visible_at || a.id - b.id).map(toActivityWorkItem);
}

/** renewActivityLeases: one statement; rows are locked in id order before they are updated. */
export async function renewActivityLeases(
  c: Queryable,
  s: string,
  leases: readonly { id: string; leaseToken: string }[],
  leaseMs: number,
  now: number,
): Promise<string[]> {
  const valid = leases.filter((lease) => parseTaskId(lease.id) !== undefined);
  if (valid.length === 0) return [];
  const result = await c.query<{ id: number }>(
    `WITH wanted AS (
       SELECT * FROM unnest($1::bigint[], $2::text[]) AS w(id, token)
     ), locked AS (
       SELECT t.id FROM ${s}.activity_tasks t JOIN wanted ON wanted.id = t.id AND wanted.token = t.lease_token
        WHERE t.lease_expires_at > $3
        ORDER BY t.id
        FOR UPDATE OF t
     )
     UPDATE ${s}.activity_tasks t SET lease_expires_at = $4, available_at = $4
       FROM locked WHERE t.id = locked.id
     RETURNING t.id`,
    [valid.map((lease) => lease.id), valid.map((lease) => lease.leaseToken), nowMs(now), atMs(now + leaseMs)],
  );
  const renewed = new Set(result.rows.map((row) => String(row.id)));
  return leases.filter((lease) => renewed.has(lease.id)).map((lease) => lease.id);
}

/**
 * completeActivities, inside a transaction: lock the tasks (id order), decide
 * per result whether its lease still holds, then delete the accepted tasks and
 * enqueue their messages (to owning instances that still exist). A task is
 * completed at most once: a second result for it in the same call is rejected.
 */
export async function completeActivities(
  c: Queryable,
  s: string,
  results: readonly ActivityResult[],
  now: number,
  changes: Changes,
): Promise<boolean[]> {
  const ids = [...new Set(results.map((r) => r.id).filter((id) => parseTaskId(id) !== undefined))];
  if (ids.length === 0) return results.map(() => false);
  const locked = await c.query<{ id: number; lease_token: string | null; lease_expires_at: number | null }>(
    `SELECT id, lease_token, lease_expires_at FROM ${s}.activity_tasks WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const leases = new Map(locked.rows.map((row) => [String(row.id), row]));
  const accepted: ActivityResult[] = [];
  const outcome = results.map((result) => {
    const lease = leases.get(result.id);
    const held = lease !== undefined && lease.lease_token === result.leaseToken && (lease.lease_expires_at ?? 0) > now;
    if (!held) return false;
    leases.delete(result.id);
    accepted.push(result);
    return true;
  });
  if (accepted.length === 0) return outcome;
  await c.query(`DELETE FROM ${s}.activity_tasks WHERE id = ANY($1::bigint[])`, [accepted.map((r) => r.id)]);
  // The owning instance may be gone (purged, replaced): the task still completes, its message is dropped.
  await insertMessages(c, s, accepted.map((r) => r.message), now, changes);
  return outcome;
}

/** Activity ids are the row ids, as decimal strings. */
function parseTaskId(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}
