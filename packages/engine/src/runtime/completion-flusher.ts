/**
 * What happens to finished activities' results: those that finish in the same turn of
 * the event loop are flushed together, first as local turns — the next turn of each
 * instance whose executor this worker holds, run straight on its results and committed
 * with them (local-dispatch.ts) — and the rest through the store's queue
 * (completeActivities), in one call.
 */
import { turnIsSpent } from "./event-loop-turns.js";
import type { InstanceRecord } from "./instance.js";
import { asLocalCommit, localWorkItem } from "./local-dispatch.js";
import { type CachedExecutor, runTurn, type TurnResult } from "./orchestration-turn.js";
import type { ActivityResult } from "./store.js";
import type { TurnCommitter } from "./turn-committer.js";
import { nextMacrotask, type WorkerShared } from "./worker-shared.js";

/** The most activity results one flush takes (see #flushCompletions). */
const FLUSH_BATCH_MAX = 256;

export class CompletionFlusher {
  readonly #shared: WorkerShared;
  readonly #committer: TurnCommitter;
  #completions: ActivityResult[] = [];
  /** Results that wait for their instance's local turn in flight (see #runLocalTurns). */
  readonly #deferred: ActivityResult[] = [];
  #flushing: Promise<void> | undefined;
  /** Instances with a local turn running now: their next results wait for it (see #runLocalTurns). */
  readonly #localInFlight = new Set<string>();

  constructor(shared: WorkerShared, committer: TurnCommitter) {
    this.#shared = shared;
    this.#committer = committer;
  }

  /** Results not yet handed to the store. */
  get pending(): number {
    return this.#completions.length;
  }

  /** Takes a finished activity's result; resolves once the flush that carries it ran. */
  readonly add = (result: ActivityResult): Promise<void> => {
    this.#completions.push(result);
    return this.flushSoon();
  };

  /** Results that finish in the same turn of the event loop go to the store in one call (one transaction). */
  flushSoon(): Promise<void> {
    if (!this.#flushing) {
      // A macrotask, not a microtask: with local dispatch a chain of quick steps is result →
      // local turn → next activity → result …, and were that all microtasks it would hold the
      // event loop for the whole chain (an HTTP request would wait for a 1,000-step run to end).
      // Results that finish before the loop's check phase still share one commit.
      this.#flushing = nextMacrotask().then(async () => {
        this.#flushing = undefined;
        await this.#flushCompletions();
      });
    }
    return this.#flushing;
  }

  async #flushCompletions(): Promise<void> {
    const shared = this.#shared;
    if (this.#completions.length === 0) return;
    // At most a bounded batch per flush, the rest in the next: each flush looks at every
    // result it takes (its instance's cache entry, the grouping), and a local turn slice
    // runs only a few milliseconds of them — taking the whole backlog each time made a
    // burst of results cost quadratic time (200 activities at once on a busy server).
    const batch = this.#completions.splice(0, FLUSH_BATCH_MAX);
    if (this.#completions.length > 0) void this.flushSoon();
    let queued: ActivityResult[];
    try {
      queued = await this.#runLocalTurns(batch);
    } catch (error) {
      shared.report(error, "running local turns");
      queued = batch;
    }
    if (queued.length === 0) return;
    try {
      for (const result of queued)
        if (!shared.ownWrites.has(result.message.instanceId)) shared.ownWrites.set(result.message.instanceId, false);
      try {
        await shared.store.completeActivities(queued, shared.clock.now());
      } finally {
        shared.ownWrites.clear();
      }
    } catch (error) {
      // Keep the results and try again shortly; the leases are renewed meanwhile.
      shared.report(error, "completing activities");
      this.#completions.unshift(...queued);
      if (shared.running) shared.clock.setTimer(() => void this.flushSoon(), shared.pollMs);
    }
  }

  /**
   * Runs the next turn of each instance whose executor this worker holds, straight on its
   * results, and commits them together (local turns, see local-dispatch.ts). Returns the
   * results that must take the queued path: no current executor here, or the store
   * refused the local turn because the instance changed meanwhile.
   */
  async #runLocalTurns(batch: readonly ActivityResult[]): Promise<ActivityResult[]> {
    const shared = this.#shared;
    if (!shared.local || !shared.running) return [...batch];
    const queued: ActivityResult[] = [];
    const byInstance = this.#groupByExecutor(batch, queued);
    if (byInstance.size === 0) return queued;
    const started = performance.now();
    const env = this.#committer.environment();
    for (const id of byInstance.keys()) this.#localInFlight.add(id);
    try {
      const turns: { from: InstanceRecord; results: ActivityResult[]; result: TurnResult }[] = [];
      // A slice of the event loop (shared with expressions, see event-loop-turns.ts), not the
      // whole batch: what is left runs in a later macrotask, so requests are served in between
      // (many instances finishing steps at once would otherwise hold the loop for tens of
      // milliseconds per batch). At least one turn runs, so a busy loop still makes progress.
      for (const [id, { cached, results }] of byInstance) {
        if (turns.length > 0 && turnIsSpent(performance.now())) {
          shared.cache.putBack(id, cached);
          this.#deferred.push(...results);
          continue;
        }
        const item = localWorkItem(cached, results, env.now);
        try {
          const result = await runTurn(item, cached, env);
          shared.metrics.cacheHits += 1;
          turns.push({ from: item.instance, results, result: { ...result, commit: asLocalCommit(result.commit, item.instance, results) } });
        } catch (error) {
          shared.report(error, `local turn of instance '${id}'`);
          queued.push(...results);
        }
      }
      if (turns.length > 0) {
        const outcomes = await this.#committer.commit(turns, true);
        turns.forEach((turn, i) => {
          if (!outcomes[i]?.committed) queued.push(...turn.results);
        });
      }
    } finally {
      for (const id of byInstance.keys()) this.#localInFlight.delete(id);
      shared.metrics.turnMillis += performance.now() - started;
      if (this.#deferred.length > 0) {
        this.#completions.push(...this.#deferred.splice(0));
        void this.flushSoon();
      }
    }
    return queued;
  }

  /**
   * Groups the results by instance, each group with its executor taken out of the cache;
   * a result whose instance has no current executor here goes to `queued`, and one whose
   * instance's local turn is committing now waits for it (deferred).
   */
  #groupByExecutor(
    batch: readonly ActivityResult[],
    queued: ActivityResult[],
  ): Map<string, { cached: CachedExecutor & { instance: InstanceRecord }; results: ActivityResult[] }> {
    const cache = this.#shared.cache;
    const byInstance = new Map<string, { cached: CachedExecutor & { instance: InstanceRecord }; results: ActivityResult[] }>();
    for (const result of batch) {
      const id = result.message.instanceId;
      if (this.#localInFlight.has(id)) {
        // That instance's previous local turn is committing: this result waits for it, so
        // it can run over the executor that turn leaves behind.
        this.#deferred.push(result);
        continue;
      }
      const group = byInstance.get(id);
      if (group) {
        group.results.push(result);
        continue;
      }
      // Taken out of the cache now, not when its turn runs: the turns before it await, and a
      // claimed turn of the same instance must not run over the same executor meanwhile.
      const cached = cache.take(id);
      if (!cached?.instance || cached.instance.status !== "running" || cached.executionId !== result.message.executionId) {
        if (cached) cache.putBack(id, cached);
        queued.push(result);
        continue;
      }
      byInstance.set(id, { cached: cached as CachedExecutor & { instance: InstanceRecord }, results: [result] });
    }
    return byInstance;
  }
}
