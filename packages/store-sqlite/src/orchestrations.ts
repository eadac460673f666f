import type Database from "better-sqlite3";
import type { ClaimRequest, InstanceStatus, OrchestrationWorkItem, TurnCommit, TurnOutcome } from "@weft/engine";
import { taskHeld } from "./activities.js";
import { toInboxMessage, toInstanceRecord, type InboxRow, type InstanceRow } from "./rows.js";
import type { StoreContext } from "./store-context.js";
import { applyTurn, newLeaseToken } from "./writes.js";

const DEFAULT_MAX_MESSAGES = 1000;

/**
 * claimOrchestrations and commitTurns: their transactions, built once at open, and the
 * orchestration leases between them — in memory when the store runs work alone, else the
 * instances table's lease columns (see StoreContext.leases).
 */
export class Orchestrations {
  readonly claim: Database.Transaction<(request: ClaimRequest & { maxMessages?: number }) => OrchestrationWorkItem[]>;
  readonly commit: Database.Transaction<(turns: readonly TurnCommit[], now: number) => TurnOutcome[]>;
  readonly #ctx: StoreContext;

  constructor(db: Database.Database, ctx: StoreContext) {
    this.#ctx = ctx;
    this.claim = db.transaction((request: ClaimRequest & { maxMessages?: number }) => this.#claim(request));
    this.commit = db.transaction((turns: readonly TurnCommit[], now: number) => this.#commit(turns, now));
  }

  /** In-memory leases of instances that have visible messages: readyInstances counted them as ready. */
  leasedWithWork(now: number): number {
    let n = 0;
    for (const [instanceId, lease] of this.#ctx.leases ?? []) {
      if (lease.expiresAt > now && this.#ctx.s.hasVisibleMessage.get(instanceId, now) !== undefined) n += 1;
    }
    return n;
  }

  #claim(request: ClaimRequest & { maxMessages?: number }): OrchestrationWorkItem[] {
    const { s } = this.#ctx;
    const { now, limit, leaseMs, owner } = request;
    if (limit <= 0) return [];
    const maxMessages = request.maxMessages ?? DEFAULT_MAX_MESSAGES;
    const candidates = new Set<string>();
    for (const row of s.claimableMessages.iterate({ now }) as IterableIterator<{ instance_id: string }>) {
      if (this.#leaseHeld(row.instance_id, now)) continue;
      candidates.add(row.instance_id);
      if (candidates.size >= limit) break;
    }
    const items: OrchestrationWorkItem[] = [];
    for (const instanceId of candidates) {
      const token = newLeaseToken();
      const row = this.#takeLease(instanceId, token, owner, now + leaseMs);
      const suspended = row.status === "suspended" ? 1 : 0;
      const messages: InboxRow[] = [];
      for (const message of s.claimMessages.iterate({ instanceId, now, suspended }) as IterableIterator<InboxRow>) {
        messages.push(message);
        if (messages.length >= maxMessages) break;
      }
      items.push({ instance: toInstanceRecord(row), leaseToken: token, messages: messages.map(toInboxMessage) });
    }
    return items;
  }

  #commit(turns: readonly TurnCommit[], now: number): TurnOutcome[] {
    // Group commit: one transaction for the batch. Each turn is fenced before it
    // writes anything, so a rejected turn leaves no trace while the others commit.
    return turns.map((turn) => {
      if (!this.#fenceHolds(turn, now)) return { committed: false, claimed: [] };
      const claimed = applyTurn(this.#ctx.s, turn, now, this.#ctx.changes);
      // A claimed turn's lease ends with its commit (in the table, applyTurn's instance update
      // cleared it), so a second turn of the same claim in this batch is refused.
      const lease = turn.local === undefined ? this.#ctx.leases?.get(turn.instanceId) : undefined;
      if (lease) {
        this.#ctx.leases?.delete(turn.instanceId);
        this.#ctx.released?.push([turn.instanceId, lease]);
      }
      return { committed: true, claimed };
    });
  }

  /** A claimed turn needs its lease; a local turn needs the state it was computed from, and its tasks' leases. */
  #fenceHolds(turn: TurnCommit, now: number): boolean {
    const { s, leases } = this.#ctx;
    const row = s.leaseOf.get(turn.instanceId) as InstanceFence | undefined;
    if (row === undefined) return false;
    const local = turn.local;
    if (leases) {
      const lease = leases.get(turn.instanceId);
      if (!local) return lease !== undefined && lease.token === turn.leaseToken && lease.expiresAt > now;
      if (lease !== undefined && lease.expiresAt > now) return false;
    } else {
      if (!local) return row.lease_token === turn.leaseToken && (row.lease_expires_at ?? 0) > now;
      if (row.lease_expires_at !== null && row.lease_expires_at > now) return false;
    }
    if (row.status !== "running" || row.last_seq !== local.lastSeq || row.execution_id !== local.executionId) return false;
    return local.completes.every((task) => taskHeld(s, task.id, task.leaseToken, now));
  }

  /** Whether someone holds the orchestration lease of this instance at `now` (in the table, the claim's statement already checked). */
  #leaseHeld(instanceId: string, now: number): boolean {
    const lease = this.#ctx.leases?.get(instanceId);
    return lease !== undefined && lease.expiresAt > now;
  }

  /** Leases a free instance to `token` and returns its row. */
  #takeLease(instanceId: string, token: string, owner: string, expiresAt: number): InstanceRow {
    const { s, leases } = this.#ctx;
    if (!leases) return s.leaseInstance.get(token, owner, expiresAt, instanceId) as InstanceRow;
    leases.set(instanceId, { token, expiresAt });
    return s.getInstance.get(instanceId) as InstanceRow;
  }
}

/** What commitTurns checks of an instance before applying a turn to it. */
interface InstanceFence {
  lease_token: string | null;
  lease_expires_at: number | null;
  status: InstanceStatus;
  last_seq: number;
  execution_id: string;
}
