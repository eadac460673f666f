import type Database from "better-sqlite3";
import type { ActivityClaimRequest, ActivityResult, ActivityWorkItem } from "@weft/engine";
import { toActivityWorkItem, type ActivityRow } from "./rows.js";
import type { Statements } from "./statements.js";
import type { StoreContext } from "./store-context.js";
import { insertMessage, newLeaseToken } from "./writes.js";
import { parseTaskId } from "@weft/store-sql-kit";

/**
 * claimActivities, renewActivityLeases and completeActivities: their transactions,
 * built once at open (the store runs them IMMEDIATE, see sqlite-store.ts).
 */
export class Activities {
  readonly claim: Database.Transaction<(request: ActivityClaimRequest) => ActivityWorkItem[]>;
  readonly renew: Database.Transaction<(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number) => string[]>;
  readonly complete: Database.Transaction<(results: readonly ActivityResult[], now: number) => boolean[]>;
  readonly #ctx: StoreContext;

  constructor(db: Database.Database, ctx: StoreContext) {
    this.#ctx = ctx;
    this.claim = db.transaction((request: ActivityClaimRequest) => this.#claim(request));
    this.renew = db.transaction((leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number) =>
      this.#renew(leases, leaseMs, now),
    );
    this.complete = db.transaction((results: readonly ActivityResult[], now: number) => this.#complete(results, now));
  }

  #claim(request: ActivityClaimRequest): ActivityWorkItem[] {
    const { s } = this.#ctx;
    const { now, limit, leaseMs, owner } = request;
    if (limit <= 0) return [];
    const names = request.names === undefined ? undefined : JSON.stringify(request.names);
    const bounded = request.suspects !== undefined;
    const select = (statement: Database.Statement, max: number) =>
      (names === undefined
        ? statement.all({ now, limit: max, maxClaims: bounded ? 0 : Number.MAX_SAFE_INTEGER })
        : statement.all({ now, limit: max, maxClaims: bounded ? 0 : Number.MAX_SAFE_INTEGER, names })) as ActivityRow[];
    const candidates = select(names === undefined ? s.claimableActivities : s.claimableActivitiesNamed, limit);
    const suspects = Math.min(limit, Math.floor(request.suspects ?? 0));
    if (suspects > 0) {
      candidates.push(...select(names === undefined ? s.claimableSuspects : s.claimableSuspectsNamed, suspects));
      candidates.sort((a, b) => a.visible_at - b.visible_at || a.id - b.id);
      candidates.length = Math.min(candidates.length, limit);
    }
    // The rows as read, leased by a plain update (no RETURNING, see insertLeasedActivity).
    return candidates.map((row) => {
      const token = newLeaseToken();
      const expiresAt = now + leaseMs;
      s.leaseActivity.run({ id: row.id, token, owner, expiresAt });
      return toActivityWorkItem({ ...row, lease_token: token, lease_expires_at: expiresAt, claim_count: row.claim_count + 1 });
    });
  }

  #renew(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): string[] {
    const held: string[] = [];
    for (const { id, leaseToken } of leases) {
      const rowId = parseTaskId(id);
      if (rowId === undefined) continue;
      const renewed = this.#ctx.s.renewActivity.run({ id: rowId, token: leaseToken, expiresAt: now + leaseMs, now }).changes > 0;
      if (renewed) held.push(id);
    }
    return held;
  }

  #complete(results: readonly ActivityResult[], now: number): boolean[] {
    const { s } = this.#ctx;
    return results.map((result) => {
      if (!taskHeld(s, result.id, result.leaseToken, now)) return false;
      s.deleteActivity.run(Number(result.id));
      // The owning instance may be gone (purged, replaced): the task still completes.
      if (s.instanceStatus.get(result.message.instanceId) !== undefined) {
        insertMessage(s, result.message, now, this.#ctx.changes);
      }
      return true;
    });
  }
}

/** Whether the task is still leased to `leaseToken` at `now`. */
export function taskHeld(s: Statements, id: string, leaseToken: string, now: number): boolean {
  const rowId = parseTaskId(id);
  if (rowId === undefined) return false;
  const lease = s.activityLease.get(rowId) as { lease_token: string | null; lease_expires_at: number | null } | undefined;
  return lease !== undefined && lease.lease_token === leaseToken && (lease.lease_expires_at ?? 0) > now;
}
