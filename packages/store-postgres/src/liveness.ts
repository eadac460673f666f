import type pg from "pg";
import type { Changes, Queryable } from "./connection.js";
import { nowMs } from "./rows.js";

/**
 * How long a dead worker's task waits before it can be claimed again (see releaseDead): 5 s
 * per death once it has died more than once; after its first death 2 s, or nothing when
 * the dead worker also held a task that had died before (the likelier cause of the death).
 * A poison activity then kills workers about as fast as a supervisor (systemd, Kubernetes)
 * brings them back, never several at once; an innocent task that shared a crash loses at
 * most 2 s (under lease expiry alone it lost the lease).
 */
const FIRST_DEATH_PAUSE_MS = 2000;
const REPEAT_DEATH_PAUSE_MS = 5000;

/**
 * Worker liveness through PostgreSQL sessions.
 *
 * A registered worker's store holds a session-level advisory lock, keyed by the
 * schema and the worker id, on its long-lived LISTEN connection, and has a row in
 * `workers`. When the process dies (SIGKILL, OOM, a lost machine) the connection
 * closes and PostgreSQL drops the lock with it, at once. Any other worker's
 * periodic check then finds a row whose lock it can take: that worker is dead, and
 * its leases are ended in the same transaction, so its work resumes within one
 * check interval instead of after the lease (30 s by default).
 *
 * The lock is taken before the row is written, and a checker takes the lock before
 * it deletes the row, so a worker that is registering or alive is never taken for
 * dead. A worker whose connection only blipped may be taken for dead: its leases
 * end, fencing rejects what it then tries to commit (as after an expiry), and the
 * reconnected session registers it again.
 */
export class WorkerLiveness {
  readonly #owners = new Set<string>();
  readonly #keyPrefix: string;
  readonly #s: string;

  /** `s` is the quoted schema name; `schema` the raw one (it keys the locks). */
  constructor(schema: string, s: string) {
    this.#keyPrefix = `weft:worker:${schema}:`;
    this.#s = s;
  }

  /**
   * Registers `owner` on `session` (the LISTEN connection). Without a session (it is
   * reconnecting) the owner is remembered and `hold` registers it once connected.
   */
  async register(session: pg.Client | undefined, owner: string): Promise<void> {
    this.#owners.add(owner);
    if (session) await this.#lock(session, owner);
  }

  /** Runs on every new LISTEN session: the locks of the previous one died with it. */
  async hold(session: pg.Client): Promise<void> {
    for (const owner of this.#owners) await this.#lock(session, owner);
  }

  /** Drops the lock (the session may hold it more than once) and the row. */
  async unregister(session: pg.Client | undefined, c: Queryable, owner: string): Promise<void> {
    if (!this.#owners.delete(owner)) return;
    if (session) {
      const key = this.#keyPrefix + owner;
      for (let i = 0; i < 16; i += 1) {
        const result = await session.query<{ released: boolean }>("SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS released", [key]);
        if (!result.rows[0]?.released) break;
      }
    }
    await c.query(`DELETE FROM ${this.#s}.workers WHERE owner = $1`, [owner]);
  }

  /**
   * Inside a transaction: deletes the rows of registered workers whose lock nobody holds
   * (dead), and ends their leases. Returns how many workers were dead.
   */
  async releaseDead(c: Queryable, now: number, changes: Changes): Promise<number> {
    const dead = await c.query<{ owner: string }>(
      `DELETE FROM ${this.#s}.workers w
        WHERE NOT (w.owner = ANY($2::text[]))
          AND pg_try_advisory_xact_lock(hashtextextended($1 || w.owner, 0))
       RETURNING w.owner`,
      [this.#keyPrefix, [...this.#owners]],
    );
    const owners = dead.rows.map((row) => row.owner);
    if (owners.length === 0) return 0;
    // Only live leases (instances: the partial index on lease_expires_at keeps this off a table scan).
    const instances = await c.query(
      `UPDATE ${this.#s}.instances SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
        WHERE lease_expires_at > $2 AND lease_owner = ANY($1::text[])`,
      [owners, nowMs(now)],
    );
    // The token stays (so its holder's late result is still refused: the lease has expired)
    // and so does the claim count (a poison activity's deaths keep counting). The task is
    // visible again after a pause that grows with its deaths (see FIRST_DEATH_PAUSE_MS).
    const tasks = await c.query(
      `UPDATE ${this.#s}.activity_tasks t
          SET lease_expires_at = $2,
              available_at = $2 + CASE
                WHEN t.claim_count > 1 THEN (t.claim_count - 1) * $4::bigint
                WHEN EXISTS (SELECT 1 FROM ${this.#s}.activity_tasks o
                              WHERE o.lease_owner = t.lease_owner AND o.claim_count > 1 AND o.lease_expires_at > $2) THEN 0
                ELSE $3::bigint
              END
        WHERE t.available_at > $2 AND t.lease_expires_at > $2 AND t.lease_owner = ANY($1::text[])`,
      [owners, nowMs(now), FIRST_DEATH_PAUSE_MS, REPEAT_DEATH_PAUSE_MS],
    );
    // Tasks reserved for a dead worker (sticky dispatch) never ran: anyone may take them now.
    const reserved = await c.query(
      `UPDATE ${this.#s}.activity_tasks SET lease_owner = NULL, available_at = GREATEST(visible_at, $2)
        WHERE lease_token IS NULL AND lease_owner = ANY($1::text[])`,
      [owners, nowMs(now)],
    );
    if ((instances.rowCount ?? 0) > 0) changes.orchestrationWork = true;
    if ((tasks.rowCount ?? 0) > 0 || (reserved.rowCount ?? 0) > 0) changes.activityWork = true;
    return owners.length;
  }

  async #lock(session: pg.Client, owner: string): Promise<void> {
    const key = this.#keyPrefix + owner;
    // Try, not wait: a blocked query would hold up the notifications on this connection.
    // The lock is busy only for a moment (another worker checking this one, which it
    // found dead during a reconnect) or, with two processes under one worker id, for good.
    for (let attempt = 0; ; attempt += 1) {
      const result = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [key]);
      if (result.rows[0]?.locked) break;
      if (attempt >= 20) {
        throw new Error(
          `Worker id '${owner}' is held by another live session of schema ${this.#s}: two processes use the same worker id. Its leases will only end by expiring.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await session.query(`INSERT INTO ${this.#s}.workers (owner) VALUES ($1) ON CONFLICT (owner) DO NOTHING`, [owner]);
  }
}
