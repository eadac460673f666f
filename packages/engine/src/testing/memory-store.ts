import { InstanceExistsError } from "../core/errors.js";
import type { HistoryEvent } from "../core/history.js";
import { instanceChanged, statusAfterTurn } from "../store-kit/turn-status.js";
import { INSTANCE_STATUSES, type InstanceRecord, type InstanceStatus, isTerminal } from "../runtime/instance.js";
import type {
  ActivityResult,
  ActivityWorkItem,
  ActivityClaimRequest,
  ClaimRequest,
  CreateOutcome,
  EnqueueResult,
  InboxMessage,
  InstancePage,
  InstanceQuery,
  MessageToEnqueue,
  NewInstance,
  NewMessage,
  OrchestrationWorkItem,
  TaskHubStore,
  StoreNotification,
  TurnCommit,
  TurnOutcome,
} from "../runtime/store.js";
import { clone, iso } from "./memory-values.js";

interface Lease {
  token: string;
  expiresAt: number;
}

interface StoredActivity extends Omit<ActivityWorkItem, "leaseToken" | "leaseExpiresAt"> {
  visibleAt: number;
  seqNo: number;
  lease?: Lease;
}

/**
 * The reference task hub: everything in memory, the port's semantics written as
 * plainly as possible. The engine's own tests run on it; it runs the contract suite
 * like every other store. Values are cloned through JSON on the way in and out, as a
 * database would. (The server's tables in memory: `@weft/workflow-store/testing`.)
 */
export class MemoryStore implements TaskHubStore {
  readonly kind = "memory";
  #instances = new Map<string, InstanceRecord>();
  #history = new Map<string, HistoryEvent[]>();
  #inbox: InboxMessage[] = [];
  #leases = new Map<string, Lease>();
  #activities = new Map<string, StoredActivity>();
  #listeners = new Set<(n: StoreNotification) => void>();
  #nextMessageId = 1;
  #nextActivityId = 1;
  #nextToken = 1;

  async createInstance(init: NewInstance, now: number): Promise<void> {
    const existing = this.#instances.get(init.instanceId);
    if (existing && !isTerminal(existing.status)) throw new InstanceExistsError(init.instanceId, existing.status);
    if (existing) this.#deleteInstance(init.instanceId);
    this.#insertInstance(init, now);
    this.#emit({ kind: "instance-changed", instanceId: init.instanceId });
    this.#emit({ kind: "work-available", queue: "orchestration" });
  }

  async createInstances(inits: readonly NewInstance[], now: number): Promise<CreateOutcome[]> {
    const outcomes = inits.map((init): CreateOutcome => {
      const existing = this.#instances.get(init.instanceId);
      if (existing && !isTerminal(existing.status)) return { created: false, status: existing.status };
      if (existing) this.#deleteInstance(init.instanceId);
      this.#insertInstance(init, now);
      this.#emit({ kind: "instance-changed", instanceId: init.instanceId });
      return { created: true };
    });
    if (outcomes.some((o) => o.created)) this.#emit({ kind: "work-available", queue: "orchestration" });
    return outcomes;
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const instance = this.#instances.get(instanceId);
    return instance ? clone(instance) : undefined;
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const matches = [...this.#instances.values()]
      .filter((i) => !query.status || query.status.includes(i.status))
      .filter((i) => query.name === undefined || i.name === query.name)
      .filter((i) => !query.tags || Object.entries(query.tags).every(([k, v]) => i.tags[k] === v))
      .filter((i) => query.createdFrom === undefined || i.createdAt >= query.createdFrom)
      .filter((i) => query.createdTo === undefined || i.createdAt < query.createdTo)
      .filter((i) => query.idContains === undefined || i.instanceId.includes(query.idContains))
      .filter((i) => query.parentInstanceId === undefined || i.parentInstanceId === query.parentInstanceId)
      .sort(newestFirst)
      .filter((i) => !after || newestFirst(i, { createdAt: after.createdAt, instanceId: after.instanceId }) > 0);
    const items = matches.slice(0, limit).map(clone);
    const last = items[items.length - 1];
    return matches.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  async countInstances(): Promise<Record<InstanceStatus, number>> {
    const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
    for (const instance of this.#instances.values()) counts[instance.status] += 1;
    return counts;
  }

  async queueDepth(now: number): Promise<{ orchestrations: number; activities: number }> {
    const instances = new Set<string>();
    for (const message of this.#inbox) {
      const lease = this.#leases.get(message.instanceId);
      if (message.visibleAt <= now && !(lease && lease.expiresAt > now)) instances.add(message.instanceId);
    }
    let activities = 0;
    for (const activity of this.#activities.values()) {
      if (activity.visibleAt <= now && (!activity.lease || activity.lease.expiresAt <= now)) activities += 1;
    }
    return { orchestrations: instances.size, activities };
  }

  async getHistory(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEvent[]> {
    const after = options.afterSeq ?? 0;
    const events = (this.#history.get(instanceId) ?? []).filter((e) => e.seq > after);
    return clone(options.limit === undefined ? events : events.slice(0, options.limit));
  }

  async enqueueMessage(message: NewMessage, options: { onlyIfStatus?: readonly string[] } = {}): Promise<EnqueueResult> {
    const instance = this.#instances.get(message.instanceId);
    if (!instance) return "not-found";
    if (options.onlyIfStatus && !options.onlyIfStatus.includes(instance.status)) return "rejected";
    this.#insertMessage(message, Number.NEGATIVE_INFINITY);
    this.#emit({ kind: "instance-changed", instanceId: message.instanceId });
    this.#emit({ kind: "work-available", queue: "orchestration" });
    return "ok";
  }

  async enqueueMessages(messages: readonly MessageToEnqueue[]): Promise<EnqueueResult[]> {
    const results: EnqueueResult[] = [];
    for (const { message, onlyIfStatus } of messages) {
      results.push(await this.enqueueMessage(message, onlyIfStatus ? { onlyIfStatus } : {}));
    }
    return results;
  }

  async purgeInstance(instanceId: string): Promise<"purged" | "not-found" | "not-terminal"> {
    const instance = this.#instances.get(instanceId);
    if (!instance) return "not-found";
    if (!isTerminal(instance.status)) return "not-terminal";
    this.#deleteInstance(instanceId);
    this.#emit({ kind: "instance-changed", instanceId });
    return "purged";
  }

  async claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): Promise<OrchestrationWorkItem[]> {
    const { now, limit } = request;
    const candidates = new Map<string, InboxMessage[]>();
    for (const message of this.#inbox) {
      if (message.visibleAt > now) continue;
      const instance = this.#instances.get(message.instanceId);
      if (!instance) continue;
      const lease = this.#leases.get(message.instanceId);
      if (lease && lease.expiresAt > now) continue;
      if (instance.status === "suspended" && !RUNS_WHEN_SUSPENDED.has(message.event.type)) continue;
      const list = candidates.get(message.instanceId) ?? [];
      list.push(message);
      candidates.set(message.instanceId, list);
    }
    const items: OrchestrationWorkItem[] = [];
    for (const [instanceId, messages] of candidates) {
      if (items.length >= limit) break;
      const instance = this.#instances.get(instanceId) as InstanceRecord;
      const token = `o${this.#nextToken++}`;
      this.#leases.set(instanceId, { token, expiresAt: now + request.leaseMs });
      items.push({
        instance: clone(instance),
        leaseToken: token,
        messages: clone(messages.slice(0, request.maxMessages ?? 1000)),
      });
    }
    return items;
  }

  async commitTurns(turns: readonly TurnCommit[], now: number): Promise<TurnOutcome[]> {
    let unclaimedTasks = false;
    const results = turns.map((turn): TurnOutcome => {
      const instance = this.#instances.get(turn.instanceId);
      if (!instance || !this.#fenceHolds(instance, turn, now)) return { committed: false, claimed: [] };
      for (const task of turn.local?.completes ?? []) this.#activities.delete(task.id);
      const claimed = this.#applyTurn(instance, turn, now);
      if (claimed.length < turn.activities.length) unclaimedTasks = true;
      return { committed: true, claimed };
    });
    if (results.some((r) => r.committed)) this.#emit({ kind: "work-available", queue: "orchestration" });
    if (unclaimedTasks) this.#emit({ kind: "work-available", queue: "activity" });
    return results;
  }

  /** A claimed turn needs its lease; a local turn needs the state it was computed from, and its tasks' leases. */
  #fenceHolds(instance: InstanceRecord, turn: TurnCommit, now: number): boolean {
    const lease = this.#leases.get(turn.instanceId);
    const local = turn.local;
    if (!local) return lease !== undefined && lease.token === turn.leaseToken && lease.expiresAt > now;
    if (lease && lease.expiresAt > now) return false;
    if (instance.status !== "running" || instance.lastSeq !== local.lastSeq || instance.executionId !== local.executionId) return false;
    return local.completes.every((task) => {
      const activity = this.#activities.get(task.id);
      return activity?.lease !== undefined && activity.lease.token === task.leaseToken && activity.lease.expiresAt > now;
    });
  }

  async releaseOrchestration(instanceId: string, leaseToken: string): Promise<void> {
    if (this.#leases.get(instanceId)?.token === leaseToken) this.#leases.delete(instanceId);
  }

  async claimActivities(request: ActivityClaimRequest): Promise<ActivityWorkItem[]> {
    const { now } = request;
    const claimed: ActivityWorkItem[] = [];
    const ready = [...this.#activities.values()]
      .filter((a) => a.visibleAt <= now && (!a.lease || a.lease.expiresAt <= now))
      .filter((a) => !request.names || request.names.includes(a.name))
      .sort((a, b) => a.visibleAt - b.visibleAt || a.seqNo - b.seqNo);
    let suspects = 0;
    const picked = ready
      .filter((a) => {
        if (request.suspects === undefined || a.claimCount === 0) return true;
        suspects += 1;
        return suspects <= request.suspects;
      })
      .slice(0, request.limit);
    for (const activity of picked) {
      activity.lease = { token: `a${this.#nextToken++}`, expiresAt: now + request.leaseMs };
      activity.claimCount += 1;
      const { seqNo: _seqNo, visibleAt: _visibleAt, lease, ...item } = activity;
      claimed.push(clone({ ...item, leaseToken: lease.token, leaseExpiresAt: lease.expiresAt }));
    }
    return claimed;
  }

  async renewActivityLeases(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): Promise<string[]> {
    const held: string[] = [];
    for (const { id, leaseToken } of leases) {
      const activity = this.#activities.get(id);
      if (!activity?.lease || activity.lease.token !== leaseToken || activity.lease.expiresAt <= now) continue;
      activity.lease.expiresAt = now + leaseMs;
      held.push(id);
    }
    return held;
  }

  async completeActivities(results: readonly ActivityResult[], now: number): Promise<boolean[]> {
    const outcome = results.map((result) => {
      const activity = this.#activities.get(result.id);
      if (!activity?.lease || activity.lease.token !== result.leaseToken || activity.lease.expiresAt <= now) return false;
      this.#activities.delete(result.id);
      if (this.#instances.has(result.message.instanceId)) {
        this.#insertMessage(result.message, now);
        this.#emit({ kind: "instance-changed", instanceId: result.message.instanceId });
      }
      return true;
    });
    if (outcome.some(Boolean)) this.#emit({ kind: "work-available", queue: "orchestration" });
    return outcome;
  }

  async nextWakeAt(now: number): Promise<number | undefined> {
    let next: number | undefined;
    const consider = (t: number): void => {
      if (t > now && (next === undefined || t < next)) next = t;
    };
    for (const message of this.#inbox) consider(message.visibleAt);
    for (const lease of this.#leases.values()) consider(lease.expiresAt);
    for (const activity of this.#activities.values()) {
      consider(activity.visibleAt);
      if (activity.lease) consider(activity.lease.expiresAt);
    }
    return next;
  }

  subscribe(listener: (notification: StoreNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  // ---- internals --------------------------------------------------------------------

  /** Returns the tasks the turn claimed (`claimFor`). */
  #applyTurn(instance: InstanceRecord, turn: TurnCommit, now: number): ActivityWorkItem[] {
    const id = turn.instanceId;
    const consumed = new Set(turn.consumedMessageIds);
    this.#inbox = this.#inbox.filter((m) => !(m.instanceId === id && consumed.has(m.id)));
    let history = this.#history.get(id) ?? [];
    if (turn.deleteHistoryThroughSeq !== undefined) {
      const through = turn.deleteHistoryThroughSeq;
      history = history.filter((e) => e.seq > through);
    }
    history.push(...clone(turn.events));
    this.#history.set(id, history);
    const { update } = turn;
    instance.lastSeq = update.lastSeq;
    instance.updatedAt = iso(now);
    if (update.status !== undefined) instance.status = update.status;
    if (update.executionId !== undefined) instance.executionId = update.executionId;
    if (update.input !== undefined) instance.input = clone(update.input);
    if (update.customStatus !== undefined) instance.customStatus = clone(update.customStatus);
    if (update.pendingWaits !== undefined) instance.pendingWaits = clone(update.pendingWaits);
    setOrClear(instance, "output", update.output);
    setOrClear(instance, "error", update.error);
    setOrClear(instance, "completedAt", update.completedAt);
    if (turn.cancelActivities) {
      for (const [key, activity] of this.#activities) if (activity.instanceId === id) this.#activities.delete(key);
    }
    if (turn.dropInbox) this.#inbox = this.#inbox.filter((m) => m.instanceId !== id);
    for (const child of turn.instances) {
      if (!this.#instances.has(child.instanceId)) this.#insertInstance(child, now);
    }
    for (const message of turn.messages) {
      if (this.#instances.has(message.instanceId)) this.#insertMessage(message, now);
    }
    const claimed: ActivityWorkItem[] = [];
    // One process runs all work here: a reservation (sticky dispatch) changes nothing.
    for (const { claimFor, reserveFor: _reserveFor, ...task } of turn.activities) {
      const key = `t${this.#nextActivityId++}`;
      const stored = {
        ...clone(task),
        id: key,
        visibleAt: task.visibleAt ?? now,
        seqNo: this.#nextActivityId,
        claimCount: 0,
      } as StoredActivity;
      if (claimFor) {
        stored.lease = { token: `a${this.#nextToken++}`, expiresAt: now + claimFor.leaseMs };
        stored.claimCount = 1;
        const { seqNo: _seqNo, visibleAt: _visibleAt, lease, ...item } = stored;
        claimed.push(clone({ ...item, leaseToken: lease.token, leaseExpiresAt: lease.expiresAt }));
      }
      this.#activities.set(key, stored);
    }
    if (!turn.local) this.#leases.delete(id);
    const touched = new Set([id, ...turn.messages.map((m) => m.instanceId), ...turn.instances.map((c) => c.instanceId)]);
    for (const instanceId of touched) {
      if (!this.#instances.has(instanceId)) continue;
      this.#emit(instanceChanged(instanceId, instanceId === id ? statusAfterTurn(turn) : undefined));
    }
    return claimed;
  }

  #insertInstance(init: NewInstance, now: number): void {
    const at = iso(now);
    const record: InstanceRecord = {
      instanceId: init.instanceId,
      name: init.name,
      executionId: init.executionId,
      status: "pending",
      input: clone(init.input),
      createdAt: at,
      updatedAt: at,
      tags: { ...(init.tags ?? {}) },
      lastSeq: 0,
      pendingWaits: [],
    };
    if (init.parentInstanceId !== undefined) record.parentInstanceId = init.parentInstanceId;
    if (init.parentTaskId !== undefined) record.parentTaskId = init.parentTaskId;
    this.#instances.set(init.instanceId, record);
    this.#history.set(init.instanceId, []);
    this.#insertMessage(
      {
        instanceId: init.instanceId,
        executionId: init.executionId,
        event: {
          type: "ExecutionStarted",
          at,
          name: init.name,
          input: init.input,
          executionId: init.executionId,
          ...(init.parentInstanceId ? { instanceId: init.parentInstanceId } : {}),
          ...(init.parentTaskId !== undefined ? { taskId: init.parentTaskId } : {}),
        },
        ...(init.visibleAt !== undefined ? { visibleAt: init.visibleAt } : {}),
      },
      now,
    );
  }

  #insertMessage(message: NewMessage, now: number): void {
    this.#inbox.push({
      ...clone(message),
      id: this.#nextMessageId++,
      visibleAt: message.visibleAt ?? (Number.isFinite(now) ? now : 0),
    } as InboxMessage);
  }

  #deleteInstance(instanceId: string): void {
    this.#instances.delete(instanceId);
    this.#history.delete(instanceId);
    this.#leases.delete(instanceId);
    this.#inbox = this.#inbox.filter((m) => m.instanceId !== instanceId);
    for (const [key, activity] of this.#activities) if (activity.instanceId === instanceId) this.#activities.delete(key);
  }

  #emit(notification: StoreNotification): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(notification);
      } catch {
        // A listener's failure is its own business.
      }
    }
  }
}

const RUNS_WHEN_SUSPENDED = new Set<string>(["ExecutionResumed", "ExecutionTerminated"]);

export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}

function newestFirst(a: Pick<InstanceRecord, "createdAt" | "instanceId">, b: Pick<InstanceRecord, "createdAt" | "instanceId">): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.instanceId === b.instanceId) return 0;
  return a.instanceId < b.instanceId ? 1 : -1;
}

function encodeCursor(instance: InstanceRecord): string {
  return Buffer.from(JSON.stringify([instance.createdAt, instance.instanceId])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; instanceId: string } | undefined {
  try {
    const [createdAt, instanceId] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    return typeof createdAt === "string" && typeof instanceId === "string" ? { createdAt, instanceId } : undefined;
  } catch {
    return undefined;
  }
}

function setOrClear<K extends "output" | "error" | "completedAt">(record: InstanceRecord, key: K, value: unknown): void {
  if (value === undefined) return;
  if (value === null) delete record[key];
  else (record as unknown as Record<string, unknown>)[key] = clone(value);
}
