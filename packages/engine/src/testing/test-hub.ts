import type { Clock } from "../runtime/clock.js";
import type { HistoryEvent } from "../core/history.js";
import { createClient, type EngineClient } from "../runtime/client.js";
import type { InstanceRecord } from "../runtime/instance.js";
import type { TaskHubStore } from "../runtime/store.js";
import { createWorker, type Worker, type WorkerOptions } from "../runtime/worker.js";
import { createFakeClock, type FakeClock } from "./fake-clock.js";
import { createMemoryStore } from "./memory-store.js";

export interface TestHubOptions extends Omit<WorkerOptions, "store" | "clock"> {
  /** Default: a fresh memory store. */
  store?: TaskHubStore;
  /** Default: a fake clock; pass systemClock for real time. */
  clock?: Clock;
}

export interface TestHub {
  store: TaskHubStore;
  client: EngineClient;
  worker: Worker;
  clock: Clock;
  /** Advances a fake clock and wakes the dispatchers. */
  advance(ms: number): void;
  /** Resolves once `predicate` holds for the instance (checked on every change). */
  until(
    instanceId: string,
    predicate: (instance: InstanceRecord, history: HistoryEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<InstanceRecord>;
  stop(): Promise<void>;
}

/**
 * A store, a client and a started worker wired together for tests.
 *
 * @example
 * const hub = createTestHub({ orchestrators: { hello }, activities: { greet } });
 * const id = await hub.client.start("hello", "world");
 * const done = await hub.client.waitForCompletion(id);
 * await hub.stop();
 */
export function createTestHub(options: TestHubOptions = {}): TestHub {
  const { store: givenStore, clock: givenClock, ...workerOptions } = options;
  const store = givenStore ?? createMemoryStore();
  const clock = givenClock ?? createFakeClock();
  const client = createClient({ store, clock });
  const worker = createWorker({ pollIntervalMs: 50, ...workerOptions, store, clock });
  worker.start();
  return {
    store,
    client,
    worker,
    clock,
    advance(ms) {
      const fake = clock as Partial<FakeClock>;
      if (typeof fake.advance !== "function") throw new Error("advance() needs a fake clock");
      fake.advance(ms);
      worker.poke();
    },
    async until(instanceId, predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const instance = await store.getInstance(instanceId);
        if (instance) {
          const history = await store.getHistory(instanceId);
          if (predicate(instance, history)) return instance;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Instance '${instanceId}' did not reach the expected state within ${timeoutMs} ms (status: ${instance?.status}).`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    async stop() {
      await worker.stop();
      await store.close();
    },
  };
}
