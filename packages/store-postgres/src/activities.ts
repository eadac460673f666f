import type { ActivityResult, ActivityWorkItem, ActivityClaimRequest } from "@weft/engine";
import type { PlannedWrite } from "./connection.js";
import { atMs, nowMs, toActivityWorkItem, type ActivityRow } from "./rows.js";
import { messageColumns } from "./writes.js";
import { parseTaskId } from "@weft/store-sql-kit";

/**
 * claimActivities: one statement. The inner SELECTs lock up to `limit`
 * available tasks, oldest first, skipping rows other claimers hold (and at most
 * `suspects` of the tasks claimed before), and up to `limit` tasks reserved for this
 * owner (sticky dispatch, NewActivityTask.reserveFor); a row
 * claimed and committed by someone else after this statement's snapshot is
 * re-checked by PostgreSQL (its available_at is now in the future) and left out.
 * Each claimed row gets its own fresh token (gen_random_uuid per row).
 */
export function planClaimActivities(s: string, request: ActivityClaimRequest): PlannedWrite<ActivityWorkItem[]> {
  const { now, leaseMs, owner } = request;
  const limit = Math.floor(request.limit);
  const byName = request.names !== undefined;
  const bounded = request.suspects !== undefined;
  const suspects = bounded ? Math.max(0, Math.min(limit, Math.floor(request.suspects ?? 0))) : 0;
  const name = byName ? "AND name = ANY($7::text[])" : "";
  // Queued tasks (no owner) by visibility, in their partial index; owned ones — leased, or
  // reserved (sticky dispatch) — once the lease or reservation has run out (available_at),
  // in theirs (schema version 5).
  const pick = (where: string, limitParam: string) =>
    `SELECT id, visible_at FROM ${s}.activity_tasks
      WHERE ${where} ${name}
      ORDER BY visible_at, id
      LIMIT ${limitParam}
      FOR UPDATE SKIP LOCKED`;
  // With a bound, suspects (tasks claimed before) are picked apart, at most $6 of them; the
  // outer LIMIT may leave some picked rows out (locked, unchanged, until this statement commits).
  // A queued task was never claimed (claim counts move only with a lease), so suspects are owned.
  // Tasks reserved for this owner are its to take before their reservation ends.
  const statement = {
    text: `WITH queued AS (
       ${pick("lease_owner IS NULL AND visible_at <= $1 AND claim_count <= $5", "$2")}
     ), lapsed AS (
       ${pick("lease_owner IS NOT NULL AND available_at <= $1 AND claim_count <= $5", "$2")}
     ), suspects AS (
       ${pick("lease_owner IS NOT NULL AND available_at <= $1 AND claim_count > 0", "$6")}
     ), reserved AS (
       ${pick("lease_owner = $3 AND lease_token IS NULL AND available_at > $1 AND visible_at <= $1", "$2")}
     ), chosen AS (
       SELECT id FROM (
         SELECT * FROM queued UNION ALL SELECT * FROM lapsed UNION ALL SELECT * FROM suspects UNION ALL SELECT * FROM reserved
       ) AS picked
        ORDER BY visible_at, id LIMIT $2
     )
     UPDATE ${s}.activity_tasks t
        SET lease_token = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, available_at = $4,
            claim_count = t.claim_count + 1
       FROM chosen
      WHERE t.id = chosen.id
     RETURNING t.*`,
    values: [nowMs(now), limit, owner, atMs(now + leaseMs), bounded ? 0 : 2_147_483_647, suspects, ...(byName ? [request.names] : [])],
  };
  return {
    statements: [statement],
    // RETURNING has no order of its own.
    interpret: (results) =>
      ((results[0]?.rows ?? []) as ActivityRow[]).sort((a, b) => a.visible_at - b.visible_at || a.id - b.id).map(toActivityWorkItem),
  };
}

/** renewActivityLeases: one statement; rows are locked in id order before they are updated. */
export function planRenewActivityLeases(
  s: string,
  leases: readonly { id: string; leaseToken: string }[],
  leaseMs: number,
  now: number,
): PlannedWrite<string[]> {
  const valid = leases.filter((lease) => parseTaskId(lease.id) !== undefined);
  return {
    statements: [
      {
        text: `WITH wanted AS (
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
        values: [valid.map((lease) => lease.id), valid.map((lease) => lease.leaseToken), nowMs(now), atMs(now + leaseMs)],
        prepared: true,
      },
    ],
    interpret: (results) => {
      const renewed = new Set(((results[0]?.rows ?? []) as { id: number }[]).map((row) => String(row.id)));
      return leases.filter((lease) => renewed.has(lease.id)).map((lease) => lease.id);
    },
  };
}

/**
 * completeActivities: one statement. Lock the tasks (id order) and read their newest
 * versions; accept per task the first result whose lease still holds (a second
 * result for the same task is rejected); delete the accepted tasks and enqueue their
 * messages, in the given order, to owning instances that still exist (FOR KEY SHARE).
 * An owning instance that is gone (purged, replaced): the task still completes, its
 * message is dropped.
 */
export function planCompleteActivities(s: string, results: readonly ActivityResult[], now: number): PlannedWrite<boolean[]> {
  const valid = results.flatMap((result, index) => (parseTaskId(result.id) === undefined ? [] : [{ result, index }]));
  return {
    statements: [
      {
        text: `WITH input AS (
                 SELECT * FROM unnest($1::integer[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
                   AS r(pos, id, token, instance_id, execution_id, event_type, event, visible_at)
               ), held AS MATERIALIZED (
                 SELECT t.id, t.lease_token, t.lease_expires_at FROM ${s}.activity_tasks t
                  WHERE t.id IN (SELECT id FROM input)
                  ORDER BY t.id
                  FOR UPDATE
               ), accepted AS MATERIALIZED (
                 SELECT DISTINCT ON (r.id) r.*
                   FROM input r JOIN held h ON h.id = r.id AND h.lease_token = r.token AND h.lease_expires_at > $9
                  ORDER BY r.id, r.pos
               ), deleted AS (
                 DELETE FROM ${s}.activity_tasks t USING accepted a WHERE t.id = a.id
               ), targets AS (
                 SELECT instance_id FROM ${s}.instances WHERE instance_id IN (SELECT instance_id FROM accepted) FOR KEY SHARE
               ), inserted AS (
                 INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
                 SELECT instance_id, execution_id, event_type, event, visible_at
                   FROM accepted WHERE instance_id IN (SELECT instance_id FROM targets)
                  ORDER BY pos
                 RETURNING instance_id
               )
               SELECT ARRAY(SELECT pos FROM accepted) AS accepted, ARRAY(SELECT DISTINCT instance_id FROM inserted) AS messaged`,
        values: [
          valid.map((v) => v.index),
          valid.map((v) => v.result.id),
          valid.map((v) => v.result.leaseToken),
          ...messageColumns(
            valid.map((v) => v.result.message),
            now,
          ),
          nowMs(now),
        ],
        prepared: true,
      },
    ],
    interpret: (rows, changes) => {
      const row = rows[0]?.rows[0] as { accepted: number[]; messaged: string[] } | undefined;
      const accepted = new Set(row?.accepted ?? []);
      for (const id of row?.messaged ?? []) changes.instances.add(id);
      if ((row?.messaged.length ?? 0) > 0) changes.orchestrationWork = true;
      return results.map((_, index) => accepted.has(index));
    },
  };
}
