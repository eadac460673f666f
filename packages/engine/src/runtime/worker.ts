/**
 * A worker runs the two dispatchers of the task hub against a store. Its parts, one
 * concern each:
 *
 * - orchestration-dispatcher.ts claims instances with visible inbox messages and runs
 *   their turns;
 * - activity-dispatcher.ts claims activity tasks while it has free slots, runs them
 *   (activity-execution.ts) and keeps their leases;
 * - completion-flusher.ts hands finished activities' results over: as local turns where
 *   this worker holds the instance's executor, through the queue otherwise;
 * - turn-committer.ts commits both kinds of turn (group commit, local claims);
 * - worker-shared.ts is what they share; worker-options.ts the public contract.
 *
 * This file puts them together and owns the lifecycle: start, stop, and the worker's
 * liveness record in the store.
 */
import { ActivityDispatcher } from "./activity-dispatcher.js";
import { CompletionFlusher } from "./completion-flusher.js";
import { OrchestrationDispatcher } from "./orchestration-dispatcher.js";
import { TurnCommitter } from "./turn-committer.js";
import type { Worker, WorkerMetrics, WorkerOptions } from "./worker-options.js";
import { WorkerShared } from "./worker-shared.js";

export { DEFAULT_ACTIVITY_CONCURRENCY, DEFAULT_MAX_CLAIMS_PER_ATTEMPT } from "./worker-options.js";
export type { Worker, WorkerMetrics, WorkerOptions } from "./worker-options.js";

/**
 * A worker runs the two dispatchers of the task hub against a store: one claims
 * instances with visible inbox messages and runs their turns, the other claims
 * activity tasks and runs them.
 *
 * @example
 * const worker = createWorker({ store, orchestrators: { greet }, activities: { hello } });
 * worker.start();
 * // … later
 * await worker.stop();
 */
export function createWorker(options: WorkerOptions): Worker {
  return new TaskHubWorker(options);
}

class TaskHubWorker implements Worker {
  readonly workerId: string;
  readonly #shared: WorkerShared;
  readonly #activities: ActivityDispatcher;
  readonly #completions: CompletionFlusher;
  readonly #orchestrations: OrchestrationDispatcher;
  #loops: Promise<void>[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    const shared = new WorkerShared(options);
    this.#shared = shared;
    this.workerId = shared.workerId;
    // The activity side hands results to the flusher, which commits through the committer,
    // which starts the activities its commits claim: built in that order (the first hand-over
    // comes once the worker runs, when the flusher exists).
    this.#activities = new ActivityDispatcher(shared, (result) => this.#completions.add(result));
    const committer = new TurnCommitter(shared, this.#activities);
    this.#completions = new CompletionFlusher(shared, committer);
    this.#orchestrations = new OrchestrationDispatcher(shared, committer);
  }

  start(): void {
    const shared = this.#shared;
    if (shared.running) return;
    shared.running = true;
    this.#unsubscribe = shared.store.subscribe((notification) => {
      if (notification.kind === "instance-changed") {
        this.#activities.instanceChanged(notification.instanceId);
        return;
      }
      if (notification.queue === "orchestration") shared.orchestrationWake.notify();
      else shared.activityWake.notify();
    });
    shared.registered = this.#register();
    this.#scheduleLivenessCheck();
    const dispatch = shared.options.dispatch ?? {};
    if (dispatch.orchestrations !== false) this.#loops.push(this.#orchestrations.loop());
    if (dispatch.activities !== false) {
      this.#loops.push(this.#activities.loop());
      this.#activities.scheduleRenewal();
    }
  }

  async stop(): Promise<void> {
    const shared = this.#shared;
    if (!shared.running) return;
    shared.running = false;
    shared.orchestrationWake.notify();
    shared.activityWake.notify();
    await Promise.all(this.#loops);
    this.#loops = [];
    // Whatever is still running after the grace period is abandoned: its lease lapses and another worker runs it again.
    await this.#activities.drain(shared.options.shutdownGraceMs ?? 10_000);
    // Everything finished is handed over before stopping, a flush (a bounded batch) at a time.
    while (this.#completions.pending > 0) {
      const before = this.#completions.pending;
      await this.#completions.flushSoon();
      // No progress: the store is failing; the leases lapse and another worker runs them.
      if (this.#completions.pending >= before) break;
    }
    shared.stopRepeating();
    this.#unsubscribe?.();
    await shared.registered;
    try {
      await shared.store.unregisterWorker?.(this.workerId);
    } catch (error) {
      shared.report(error, "unregistering the worker");
    }
  }

  poke(): void {
    this.#shared.orchestrationWake.notify();
    this.#shared.activityWake.notify();
  }

  metrics(): WorkerMetrics {
    return { ...this.#shared.metrics, activitiesRunning: this.#activities.runningCount };
  }

  // ---- worker liveness ---------------------------------------------------------------

  async #register(): Promise<void> {
    try {
      await this.#shared.store.registerWorker?.(this.workerId);
    } catch (error) {
      // Not fatal: this worker's leases then only end by expiring, as with stores without liveness.
      this.#shared.report(error, "registering the worker");
    }
  }

  /** Looks for dead workers' leases now and then; work they held becomes claimable at once. */
  #scheduleLivenessCheck(): void {
    const shared = this.#shared;
    if (!shared.store.releaseDeadWorkers) return;
    shared.repeat(Math.max(10, shared.options.livenessCheckMs ?? Math.min(1000, Math.floor(shared.leaseMs / 3))), () =>
      this.#releaseDeadWorkers(),
    );
  }

  async #releaseDeadWorkers(): Promise<void> {
    try {
      const dead = (await this.#shared.store.releaseDeadWorkers?.(this.#shared.clock.now())) ?? 0;
      // The store notifies every process of the freed work; this one need not wait for the echo.
      if (dead > 0) this.poke();
    } catch (error) {
      this.#shared.report(error, "releasing dead workers' leases");
    }
  }
}
