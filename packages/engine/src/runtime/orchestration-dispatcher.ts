/**
 * The orchestration side of a worker: claims instances with visible inbox messages, a
 * batch at a time, runs their turns in slices of the event loop and commits the batch
 * together (turn-committer.ts).
 */
import { nextTurn, turnIsSpent } from "./event-loop-turns.js";
import { runTurn, type TurnResult } from "./orchestration-turn.js";
import type { OrchestrationWorkItem } from "./store.js";
import type { TurnCommitter } from "./turn-committer.js";
import { nextMacrotask, type WorkerShared } from "./worker-shared.js";

export class OrchestrationDispatcher {
  readonly #shared: WorkerShared;
  readonly #committer: TurnCommitter;

  constructor(shared: WorkerShared, committer: TurnCommitter) {
    this.#shared = shared;
    this.#committer = committer;
  }

  async loop(): Promise<void> {
    const shared = this.#shared;
    const batchSize = shared.options.orchestrationBatchSize ?? 64;
    await shared.registered;
    while (shared.running) {
      let claimed = 0;
      try {
        const items = await shared.store.claimOrchestrations({
          owner: shared.workerId,
          limit: batchSize,
          leaseMs: shared.leaseMs,
          now: shared.clock.now(),
        });
        claimed = items.length;
        if (claimed > 0) await this.#runTurns(items);
      } catch (error) {
        shared.report(error, "orchestration dispatcher");
      }
      // A short batch means nothing else was visible: sleep until notified (a notification that
      // arrived meanwhile is remembered) instead of asking the store again for nothing.
      if (claimed < batchSize && shared.running) await shared.sleep(shared.orchestrationWake);
      // Embedded stores commit synchronously (SQLite's fsync holds the thread): without a
      // macrotask between batches, a run of turns that keep notifying each other (a chain of
      // sub-orchestrations) would commit back to back and starve every request of the process.
      if (claimed > 0) await nextMacrotask();
    }
  }

  async #runTurns(items: OrchestrationWorkItem[]): Promise<void> {
    const shared = this.#shared;
    const started = performance.now();
    const env = this.#committer.environment();
    const slice = sliceGate();
    const results = await Promise.all(
      items.map(async (item): Promise<{ item: OrchestrationWorkItem; result: TurnResult } | undefined> => {
        // A batch runs in slices of the event loop, requests served in between (64 turns of a
        // drawn workflow are ~10 ms of CPU); the turns still commit together.
        await slice();
        const id = item.instance.instanceId;
        // The executor is mutated by the turn: taken out until the commit succeeds.
        const cached = shared.cache.take(id);
        const hit = cached !== undefined && cached.lastSeq === item.instance.lastSeq;
        if (hit) shared.metrics.cacheHits += 1;
        else shared.metrics.cacheMisses += 1;
        try {
          return { item, result: await runTurn(item, cached, env) };
        } catch (error) {
          // Left leased: the lease lapses and the turn is retried, instead of spinning on it.
          shared.report(error, `turn of instance '${id}'`);
          return undefined;
        }
      }),
    );
    const ready = results.filter((r) => r !== undefined);
    if (ready.length === 0) return;
    await this.#committer.commit(
      ready.map(({ item, result }) => ({ from: item.instance, result })),
      false,
    );
    shared.metrics.turnMillis += performance.now() - started;
  }
}

/**
 * Hands out turns to run one at a time, in order, within the event loop's shared slice
 * (event-loop-turns.ts): once the slice is spent, the next waits its turn in a later
 * macrotask (pending I/O runs first). Each caller awaits its turn, then runs
 * synchronously up to its first own await, so the time checked includes the work of the
 * turns before it; turns that wait on I/O (a history read) still overlap. The first
 * turn of a batch always runs: the batch makes progress however busy the loop is.
 */
function sliceGate(): () => Promise<void> {
  let gate: Promise<void> = Promise.resolve();
  let first = true;
  return () => {
    gate = gate.then(async () => {
      const spent = turnIsSpent(performance.now());
      if (first || !spent) {
        first = false;
        return;
      }
      await nextTurn();
    });
    return gate;
  };
}
