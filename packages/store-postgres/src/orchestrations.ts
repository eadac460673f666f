import type { ClaimRequest, OrchestrationWorkItem } from "@weft/engine";
import type { PlannedWrite, Statement } from "./connection.js";
import { INSTANCE_COLUMNS, atMs, nowMs, toInboxMessage, toInstanceRecord, type InboxRow, type InstanceRow } from "./rows.js";
import { newLeaseToken } from "./writes.js";

/** A suspended instance is woken only by these; its other messages wait. */
const RUNS_WHEN_SUSPENDED = "('ExecutionResumed', 'ExecutionTerminated')";
const DEFAULT_MAX_MESSAGES = 1000;

/**
 * claimOrchestrations: two statements of one transaction, sent together.
 *
 * 1. Lock (FOR NO KEY UPDATE … SKIP LOCKED) up to `limit` unleased instances that
 *    have a visible message that counts, oldest work first, and lease them with this
 *    claim's tokens. Rows another claimer or committer holds are skipped, never waited
 *    for; a row that changed after this statement's snapshot is re-checked by
 *    PostgreSQL (a lease taken meanwhile excludes it).
 * 2. A fresh snapshot, taken after the locks: read the leased instances' counting
 *    visible messages, and end the lease of those that have none left. The candidates
 *    were chosen from the first snapshot; a commit that consumed their messages in
 *    between must not see them handed out again.
 *
 * The second statement finds this claim's instances by their expiry (indexed) and tokens.
 */
export function planClaimOrchestrations(
  s: string,
  request: ClaimRequest & { maxMessages?: number },
): PlannedWrite<OrchestrationWorkItem[]> {
  const { now, leaseMs, owner } = request;
  const limit = Math.floor(request.limit);
  const maxMessages = Math.max(0, Math.trunc(request.maxMessages ?? DEFAULT_MAX_MESSAGES));
  const tokens = Array.from({ length: limit }, () => newLeaseToken());
  const expiresAt = atMs(now + leaseMs);
  const lease: Statement = {
    text: `WITH candidates AS (
             SELECT i.instance_id, work.first_id
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
              FOR NO KEY UPDATE OF i SKIP LOCKED
           ), numbered AS (
             SELECT instance_id, row_number() OVER (ORDER BY first_id)::integer AS n FROM candidates
           )
           UPDATE ${s}.instances i SET lease_token = ($5::text[])[c.n], lease_owner = $3, lease_expires_at = $4
             FROM numbered c
            WHERE i.instance_id = c.instance_id
           RETURNING c.n, ${INSTANCE_COLUMNS.split(", ")
             .map((column) => `i.${column}`)
             .join(", ")}`,
    values: [nowMs(now), limit, owner, expiresAt, tokens],
  };
  const read: Statement = {
    text: `WITH leased AS (
             SELECT instance_id, status FROM ${s}.instances WHERE lease_expires_at = $3 AND lease_token = ANY($4::text[])
           ), msgs AS (
             SELECT m.id, m.instance_id, m.execution_id, m.event, m.visible_at
               FROM leased i
               CROSS JOIN LATERAL (
                 SELECT * FROM ${s}.inbox m
                  WHERE m.instance_id = i.instance_id AND m.visible_at <= $1
                    AND (i.status <> 'suspended' OR m.event_type IN ${RUNS_WHEN_SUSPENDED})
                  ORDER BY m.id
                  LIMIT $2
               ) m
           ), idle AS (
             UPDATE ${s}.instances i SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
               FROM leased l
              WHERE i.instance_id = l.instance_id AND NOT EXISTS (SELECT 1 FROM msgs WHERE msgs.instance_id = l.instance_id)
           )
           SELECT * FROM msgs ORDER BY instance_id, id`,
    values: [nowMs(now), Math.max(1, maxMessages), expiresAt, tokens],
  };
  return {
    statements: [lease, read],
    interpret: (results) => {
      const locked = ((results[0]?.rows ?? []) as (InstanceRow & { n: number })[]).sort((a, b) => a.n - b.n);
      const byInstance = new Map<string, InboxRow[]>();
      for (const row of (results[1]?.rows ?? []) as InboxRow[]) {
        const list = byInstance.get(row.instance_id) ?? [];
        list.push(row);
        byInstance.set(row.instance_id, list);
      }
      const items: OrchestrationWorkItem[] = [];
      for (const row of locked) {
        const messages = byInstance.get(row.instance_id);
        // Locked, but its messages were consumed meanwhile: not leased, not returned.
        if (!messages) continue;
        items.push({
          instance: toInstanceRecord(row),
          leaseToken: tokens[row.n - 1] as string,
          messages: (maxMessages === 0 ? [] : messages).map(toInboxMessage),
        });
      }
      return items;
    },
  };
}

/** releaseOrchestration: clears the lease if this token still holds it. */
export function planReleaseOrchestration(s: string, instanceId: string, leaseToken: string): PlannedWrite<void> {
  return {
    statements: [
      {
        text: `UPDATE ${s}.instances SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
                WHERE instance_id = $1 AND lease_token = $2
               RETURNING EXISTS (SELECT 1 FROM ${s}.inbox WHERE instance_id = $1) AS has_messages`,
        values: [instanceId, leaseToken],
      },
    ],
    interpret: (results, changes) => {
      if ((results[0]?.rows[0] as { has_messages?: boolean } | undefined)?.has_messages) changes.orchestrationWork = true;
    },
  };
}
