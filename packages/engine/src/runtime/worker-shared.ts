/**
 * What the parts of one worker share: its options resolved to values, the store and the
 * clock, the replay cache, the two wake-ups, the metrics, and the helpers every part uses
 * (reporting an error, sleeping until notified, repeating work on a timer).
 */
import { type Clock, type IdGenerator, randomIdGenerator, systemClock } from "./clock.js";
import { ReplayCache } from "./replay-cache.js";
import type { TaskHubStore } from "./store.js";
import { Wakeup } from "./wakeup.js";
import {
  DEFAULT_ACTIVITY_CONCURRENCY,
  DEFAULT_AFFINITY_MS,
  DEFAULT_MAX_CLAIMS_PER_ATTEMPT,
  type WorkerMetrics,
  type WorkerOptions,
} from "./worker-options.js";

export class WorkerShared {
  readonly workerId: string;
  readonly options: WorkerOptions;
  readonly store: TaskHubStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly cache: ReplayCache;
  readonly orchestrationWake: Wakeup;
  readonly activityWake: Wakeup;
  readonly leaseMs: number;
  readonly affinityMs: number;
  readonly pollMs: number;
  readonly activityConcurrency: number;
  readonly maxClaims: number;
  /** Whether this worker claims in its turn commits and runs local turns (see `localDispatch`). */
  readonly local: boolean;
  readonly metrics: WorkerMetrics = {
    turns: 0,
    turnsRejected: 0,
    cacheHits: 0,
    cacheMisses: 0,
    eventsProcessed: 0,
    activitiesStarted: 0,
    activitiesFailed: 0,
    activitiesPoisoned: 0,
    isolatedProcessDeaths: 0,
    activitiesRunning: 0,
    turnMillis: 0,
    localTurns: 0,
    localTurnsRejected: 0,
    activitiesClaimedLocally: 0,
  };
  running = false;
  /** Settles once the store knows this worker is alive (or could not be told): claims wait for it. */
  registered: Promise<void> = Promise.resolve();
  /**
   * Instances this worker is writing right now (value: whether the write may end them), so
   * the notifications of its own writes do not set off lease checks of its running activities.
   */
  readonly ownWrites = new Map<string, boolean>();
  /** Cancel functions of the timers that repeat while the worker runs (see repeat). */
  readonly #repeating: (() => void)[] = [];

  constructor(options: WorkerOptions) {
    this.options = options;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIdGenerator;
    this.workerId = options.workerId ?? `worker-${this.ids.newId().slice(0, 8)}`;
    this.cache = new ReplayCache(options.cacheSize ?? 10_000);
    this.orchestrationWake = new Wakeup(this.clock);
    this.activityWake = new Wakeup(this.clock);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.affinityMs = Math.max(0, options.affinityMs ?? DEFAULT_AFFINITY_MS);
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.activityConcurrency = options.activityConcurrency ?? DEFAULT_ACTIVITY_CONCURRENCY;
    this.maxClaims = options.maxClaimsPerAttempt ?? DEFAULT_MAX_CLAIMS_PER_ATTEMPT;
    const dispatch = options.dispatch ?? {};
    this.local = options.localDispatch !== false && dispatch.orchestrations !== false && dispatch.activities !== false;
  }

  /** Sleeps until `wakeup` is notified, the next timer is due, or the poll interval passes. */
  async sleep(wakeup: Wakeup): Promise<void> {
    // Woken already: no need to ask the store when the next timer is due.
    if (wakeup.pending) return wakeup.wait(0);
    let delay = this.pollMs;
    try {
      const now = this.clock.now();
      const next = await this.store.nextWakeAt(now);
      if (next !== undefined) delay = Math.min(delay, Math.max(0, next - now));
    } catch (error) {
      this.report(error, "reading the next wake-up time");
    }
    await wakeup.wait(delay);
  }

  /** Runs `work` every `ms` while the worker runs, the next run timed from the end of the last. */
  repeat(ms: number, work: () => Promise<void>): void {
    const slot = this.#repeating.length;
    const tick = (): void => {
      if (!this.running) return;
      void work().finally(() => {
        if (this.running) this.#repeating[slot] = this.clock.setTimer(tick, ms);
      });
    };
    this.#repeating.push(this.clock.setTimer(tick, ms));
  }

  /** Stops the repeating work (at the end of stop()). */
  stopRepeating(): void {
    for (const cancel of this.#repeating) cancel();
  }

  report(error: unknown, where: string): void {
    if (this.options.onError) this.options.onError(error, where);
    else console.error(`[weft worker ${this.workerId}] ${where}:`, error);
  }
}

/** Resolves after pending I/O had its turn (not a timer: fake clocks are not involved). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
