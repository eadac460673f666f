/**
 * The activity side of a worker: its slots (activityConcurrency), the loop that claims
 * queued tasks while slots are free, the suspects (claimed before without a result) run
 * one at a time, and the leases of what it holds — renewed on a timer, on a heartbeat,
 * and at once when an instance it runs activities for changes (a terminate deletes them).
 */
import { ActivityAbort } from "./activity-abort.js";
import { cancellation, executeActivity } from "./activity-execution.js";
import type { ActivityResult, ActivityWorkItem } from "./store.js";
import { nextMacrotask, type WorkerShared } from "./worker-shared.js";

interface RunningActivity {
  item: ActivityWorkItem;
  abort: ActivityAbort;
  done: Promise<void>;
}

export class ActivityDispatcher {
  readonly #shared: WorkerShared;
  /** Hands a finished activity's result over to be committed (completion-flusher.ts). */
  readonly #complete: (result: ActivityResult) => Promise<void>;
  readonly #running = new Map<string, RunningActivity>();
  /**
   * Suspects: activities claimed before without a result (the worker running them died, or
   * stalled past its lease), waiting to run here. A worker runs one suspect at a time, and
   * its claims ask for one at a time, so the suspects of one crash spread over the workers
   * and never run beside each other: a poison that kills the process takes no other suspect
   * with it, and an innocent activity that shared one of its crashes is not given up with it.
   * (Fresh activities do run beside a suspect: holding them back would make recovery from a
   * crash of the whole process, where everything in flight is a suspect, one at a time.)
   */
  readonly #suspects: ActivityWorkItem[] = [];
  #suspectRunning = false;
  /** Names this worker's turns scheduled that it has no function for (see `servedElsewhere`). */
  readonly #unservedNames = new Set<string>();
  /** Instances that changed while their activities run here: checked (renewed) together, shortly. */
  readonly #changedInstances = new Set<string>();
  #checkScheduled = false;
  /** `renew`, bound once: every activity's heartbeat calls it. */
  readonly #renewItems = (items: ActivityWorkItem[]): Promise<void> => this.renew(items);

  constructor(shared: WorkerShared, complete: (result: ActivityResult) => Promise<void>) {
    this.#shared = shared;
    this.#complete = complete;
  }

  /** Activities running here now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /** Free slots: neither running nor waiting suspects. */
  room(): number {
    return this.#shared.activityConcurrency - this.#running.size - this.#suspects.length;
  }

  async loop(): Promise<void> {
    const shared = this.#shared;
    await shared.registered;
    while (shared.running) {
      const capacity = this.room();
      let claimed = 0;
      if (capacity > 0) {
        try {
          const names = this.#claimNames();
          const items = await shared.store.claimActivities({
            owner: shared.workerId,
            limit: capacity,
            leaseMs: shared.leaseMs,
            now: shared.clock.now(),
            ...(names ? { names } : {}),
            suspects: this.#suspectRunning || this.#suspects.length > 0 ? 0 : 1,
          });
          claimed = items.length;
          for (const item of items) {
            // Past its claims it is given up without running: nothing to isolate.
            if (item.claimCount > 1 && item.claimCount <= shared.maxClaims) this.#suspects.push(item);
            else this.start(item);
          }
          this.#startSuspect();
        } catch (error) {
          shared.report(error, "activity dispatcher");
        }
      }
      // Full (capacity 0) or a short claim: wait for a finished activity or new work.
      if ((capacity <= 0 || claimed < capacity) && shared.running) await shared.sleep(shared.activityWake);
      // As between orchestration batches: quick activities wake this loop again at once, and
      // each claim is a synchronous commit on embedded stores; let pending I/O in between.
      if (claimed > 0) await nextMacrotask();
    }
  }

  /** undefined = every name. */
  #claimNames(): string[] | undefined {
    const own = this.#shared.options.activities;
    if (!own) return [];
    const elsewhere = this.#shared.options.servedElsewhere?.();
    if (!elsewhere) return undefined;
    const names = Object.keys(own);
    for (const name of this.#unservedNames) {
      if (!Object.hasOwn(own, name) && !elsewhere.has(name)) names.push(name);
    }
    return names;
  }

  /** Remembers the names committed turns scheduled that this worker has no function for. */
  noteScheduled(tasks: readonly { name: string }[]): void {
    if (!this.#shared.options.servedElsewhere) return;
    const own = this.#shared.options.activities ?? {};
    for (const task of tasks) {
      // Bounded: names are few; a runaway generator of names must not grow this forever.
      if (!Object.hasOwn(own, task.name) && this.#unservedNames.size < 10_000) this.#unservedNames.add(task.name);
    }
  }

  /**
   * A terminate (or any end of the instance) deletes its activity tasks; renewing the
   * leases of this instance's running activities finds them gone and aborts them now,
   * not at the next renewal tick. Batched: one renewal for the notifications of one commit.
   */
  instanceChanged(instanceId: string): void {
    if (this.#running.size === 0 && this.#suspects.length === 0) return;
    // Our own commit of a turn that did not end the instance, or of an activity result,
    // cannot have cancelled this instance's other activities: no check needed.
    if (this.#shared.ownWrites.get(instanceId) === false) return;
    this.#changedInstances.add(instanceId);
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    // A microtask, not a clock timer: the batch is "the notifications of this commit", and fake clocks must not stall it.
    queueMicrotask(() => {
      this.#checkScheduled = false;
      const changed = new Set(this.#changedInstances);
      this.#changedInstances.clear();
      const items = this.held().filter((i) => changed.has(i.instanceId));
      void this.renew(items);
    });
  }

  /** Runs a claimed activity in a slot. */
  start(item: ActivityWorkItem, suspect = false): void {
    const shared = this.#shared;
    const abort = new ActivityAbort();
    shared.metrics.activitiesStarted += 1;
    const run = { item, abort, suspect, renew: this.#renewItems, complete: this.#complete };
    const done = executeActivity(shared, run).finally(() => {
      // Was the activity dispatcher waiting for room? Otherwise it sleeps on: a finished
      // activity brings no new work of its own (its next steps are announced by their commits).
      const wasFull = this.#running.size + this.#suspects.length >= shared.activityConcurrency;
      this.#running.delete(item.id);
      if (suspect) {
        this.#suspectRunning = false;
        this.#startSuspect();
      }
      if (wasFull || suspect) shared.activityWake.notify();
    });
    this.#running.set(item.id, { item, abort, done });
  }

  /** Starts the next suspect, unless one is running (see #suspects). */
  #startSuspect(): void {
    if (this.#suspectRunning || !this.#shared.running) return;
    const next = this.#suspects.shift();
    if (!next) return;
    this.#suspectRunning = true;
    this.start(next, true);
  }

  /** What this worker holds leases on: running activities and the suspects waiting to run. */
  held(): ActivityWorkItem[] {
    return [...[...this.#running.values()].map((a) => a.item), ...this.#suspects];
  }

  /** Renews the leases of what this worker holds every third of a lease, while it runs. */
  scheduleRenewal(): void {
    this.#shared.repeat(Math.max(10, Math.floor(this.#shared.leaseMs / 3)), () => this.renew(this.held()));
  }

  /** Renews these leases; an activity whose lease is gone is aborted, a waiting suspect dropped. */
  async renew(items: ActivityWorkItem[]): Promise<void> {
    if (items.length === 0) return;
    const shared = this.#shared;
    try {
      const held = new Set(
        await shared.store.renewActivityLeases(
          items.map((i) => ({ id: i.id, leaseToken: i.leaseToken })),
          shared.leaseMs,
          shared.clock.now(),
        ),
      );
      for (const item of items) {
        if (held.has(item.id)) continue;
        // A waiting suspect whose lease is gone (its instance ended) is not run.
        const waiting = this.#suspects.indexOf(item);
        if (waiting >= 0) this.#suspects.splice(waiting, 1);
        const running = this.#running.get(item.id);
        if (!running || running.abort.aborted) continue;
        running.abort.abort(await cancellation(shared, item));
      }
    } catch (error) {
      shared.report(error, "renewing activity leases");
    }
  }

  /**
   * At stop(): waits for the running activities up to the grace period, then abandons the
   * rest (their leases lapse and another worker runs them again).
   */
  async drain(graceMs: number): Promise<void> {
    const inFlight = [...this.#running.values()];
    if (inFlight.length === 0) return;
    let cancelGrace: (() => void) | undefined;
    const grace = new Promise<void>((resolve) => {
      cancelGrace = this.#shared.clock.setTimer(resolve, graceMs);
    });
    await Promise.race([Promise.all(inFlight.map((a) => a.done)), grace]);
    cancelGrace?.();
    for (const activity of this.#running.values()) activity.abort.abort(new Error("Worker stopped"));
  }
}
