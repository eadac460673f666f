import { type Clock, type IdGenerator, randomIdGenerator, systemClock } from "../core/clock.js";
import type { Orchestrator } from "../core/context.js";
import { ActivityCancelledError, ActivityProcessDiedError, TimeoutError, toFailureDetails } from "../core/errors.js";
import { toIso } from "../core/history.js";
import {
  type ActivityContext,
  type ActivityFunction,
  type ActivityLogger,
  type ActivityTaskInfo,
  consoleActivityLogger,
  lazyActivityLogger,
} from "./activity.js";
import { ActivityAbort } from "./activity-abort.js";
import { nextTurn, turnIsSpent } from "./event-loop-turns.js";
import { type InstanceRecord, isTerminal } from "./instance.js";
import { asLocalCommit, instanceAfter, localWorkItem } from "./local-dispatch.js";
import {
  type CachedExecutor,
  DEFAULT_LIMITS,
  jsonBytes,
  type Limits,
  type OrchestratorResolver,
  runTurn,
  type TurnEnvironment,
  type TurnResult,
} from "./orchestration-turn.js";
import { ReplayCache } from "./replay-cache.js";
import type { ActivityResult, ActivityWorkItem, NewActivityTask, OrchestrationWorkItem, Store, TurnCommit, TurnOutcome } from "./store.js";
import { Wakeup } from "./wakeup.js";

/** Activities one worker runs at once unless told otherwise (see WorkerOptions.activityConcurrency). */
export const DEFAULT_ACTIVITY_CONCURRENCY = 100;

export interface WorkerOptions {
  store: Store;
  /** Orchestrators by name. */
  // biome-ignore lint/suspicious/noExplicitAny: each orchestrator types its own input and output
  orchestrators?: Record<string, Orchestrator<any, any>>;
  /** Consulted for names not in `orchestrators` (the definition interpreter resolves workflows here). */
  resolveOrchestrator?: OrchestratorResolver;
  /**
   * Activities by name. The worker reads the record on every claim, so a composition
   * root may add, replace or delete entries while it runs (`weft dev` reloads this way).
   */
  activities?: Record<string, ActivityFunction>;
  /**
   * The same activities (some of them), each run in a process of its own that it may
   * kill without taking the worker down. Used for suspects only (attempts claimed before
   * without a result: their worker died, maybe because of them), so a poison activity
   * kills the worker once, then only its disposable processes, until it is given up.
   * Such a function throws {@link ActivityProcessDiedError} when its process died before
   * reporting back; the worker runs it again (isolated) until its runs without a result
   * reach `maxClaimsPerAttempt`. Read on every run, like `activities`.
   */
  isolatedActivities?: Record<string, ActivityFunction>;
  /**
   * Activity names that other workers serve (remote HTTP workers). With it, this worker
   * claims only tasks it can run (the names in `activities`) plus tasks whose name nobody
   * serves — neither in `activities` nor here — which it fails at once with a
   * non-retryable `UnknownActivityError`. Tasks for names served elsewhere stay queued
   * for their workers, however long that takes. Called on every claim, so names
   * registered while the worker runs count.
   *
   * The worker learns which unknown names exist from the turns it commits itself, so a
   * task scheduled by another process (or before a restart) under a name nobody serves
   * waits in the queue instead of failing fast.
   *
   * Without this option a worker with `activities` claims every task, as nothing else
   * could run them.
   */
  servedElsewhere?: () => ReadonlySet<string>;
  /** The logger each activity gets as `ctx.log`. Default: {@link consoleActivityLogger}. */
  activityLogger?: (task: ActivityTaskInfo) => ActivityLogger;
  /** Called with what an activity passes to `ctx.heartbeat(details)`. */
  onHeartbeat?: (task: ActivityTaskInfo, details: unknown) => void;
  clock?: Clock;
  ids?: IdGenerator;
  /** Identifies this worker in leases. Default: a random id. */
  workerId?: string;
  /** Instances claimed, run and committed together (one transaction). Default 64. */
  orchestrationBatchSize?: number;
  /**
   * Activities running at once in this process. Default 100 (as Temporal's TypeScript
   * worker): activities mostly wait on IO. A turn's commit claims the activities it
   * schedules only while there is room (local dispatch); the rest are reserved for this
   * worker a while (sticky dispatch), then queued for any. The slots bound how many
   * instances move at once: 1,000 instances × 3 steps ran 890 → 1,370 instances/s on
   * PostgreSQL and 1,440 → 1,800 on SQLite going from 32 to 100–128 (bench scenario 2).
   * The cost: a process that dies repeats up to this many interrupted activities, and
   * downstream services see this many calls at once.
   */
  activityConcurrency?: number;
  /** Default 30 s; renewed while an activity runs. */
  leaseMs?: number;
  /**
   * Sticky dispatch, with local dispatch: a task a turn schedules for this worker while it
   * has no room is kept for this worker's claims this long (`reserveFor`), then any
   * worker may take it. The worker holds the instance's executor, so the next turn runs
   * here without a replay; with several worker processes on PostgreSQL steps otherwise
   * hop between processes under load. Default 2,000 ms; 0 turns it off.
   */
  affinityMs?: number;
  /** The longest a dispatcher sleeps without a notification. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Live executors kept in memory. Default 10,000. */
  cacheSize?: number;
  /** How long stop() lets running activities finish before aborting them. Default 10 s. */
  shutdownGraceMs?: number;
  /** Which dispatchers run. Default both. */
  dispatch?: { orchestrations?: boolean; activities?: boolean };
  /**
   * Local dispatch (see local-dispatch.ts), with both dispatchers running: a turn's commit
   * claims the activities it schedules that this worker runs and has room for, and when
   * one finishes the next turn runs at once and commits with the result — a sequential
   * step is one durable commit. Default true; false sends every step through the queue
   * tables (for comparison, and for tests of the queued path).
   */
  localDispatch?: boolean;
  /**
   * An attempt claimed more often than this without a result (its workers kept dying while
   * running it) fails with PoisonActivityError instead of running again. Default 3.
   */
  maxClaimsPerAttempt?: number;
  /**
   * How often this worker asks the store for workers that died holding leases (stores
   * with worker liveness, such as PostgreSQL), so their work resumes within this interval
   * instead of after their leases run out. Default: a third of the lease, at most 1 s.
   */
  livenessCheckMs?: number;
  /** Payload and history limits (defaults: 256 KiB, 50,000 events). */
  limits?: Partial<Limits>;
  /** Unexpected errors (store failures and the like); the worker keeps going. */
  onError?: (error: unknown, where: string) => void;
}

export interface WorkerMetrics {
  turns: number;
  turnsRejected: number;
  cacheHits: number;
  cacheMisses: number;
  /** Events orchestrators were run over, replays included: the cost the cache keeps flat. */
  eventsProcessed: number;
  activitiesStarted: number;
  activitiesFailed: number;
  /** Attempts this worker gave up as poison (PoisonActivityError). */
  activitiesPoisoned: number;
  /** Isolated runs of suspects whose process died before reporting back. */
  isolatedProcessDeaths: number;
  /** Activities running in this process right now. */
  activitiesRunning: number;
  /** Milliseconds spent running and committing turns (divide by turns for the mean step latency). */
  turnMillis: number;
  /** Turns run straight on this worker's activity results (local dispatch), included in `turns`. */
  localTurns: number;
  /** Local turns the store refused because the instance had changed meanwhile; their results took the queued path. */
  localTurnsRejected: number;
  /** Activities claimed by the commit of the turn that scheduled them. */
  activitiesClaimedLocally: number;
}

export interface Worker {
  readonly workerId: string;
  start(): void;
  /** Graceful: stops claiming, lets running activities finish (up to the grace period), flushes results. */
  stop(): Promise<void>;
  /** Wakes the dispatchers now (after a fake clock advanced, say). */
  poke(): void;
  metrics(): WorkerMetrics;
}

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
export const DEFAULT_MAX_CLAIMS_PER_ATTEMPT = 3;

export function createWorker(options: WorkerOptions): Worker {
  return new TaskHubWorker(options);
}

class TaskHubWorker implements Worker {
  readonly workerId: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #options: WorkerOptions;
  readonly #cache: ReplayCache;
  readonly #orchestrationWake: Wakeup;
  readonly #activityWake: Wakeup;
  readonly #leaseMs: number;
  readonly #affinityMs: number;
  readonly #pollMs: number;
  readonly #activityConcurrency: number;
  readonly #maxClaims: number;
  readonly #metrics: WorkerMetrics = {
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
  #running = false;
  #loops: Promise<void>[] = [];
  #unsubscribe: (() => void) | undefined;
  readonly #runningActivities = new Map<string, { item: ActivityWorkItem; abort: ActivityAbort; done: Promise<void> }>();
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
  #completions: ActivityResult[] = [];
  /** Results that wait for their instance's local turn in flight (see #runLocalTurns). */
  readonly #deferred: ActivityResult[] = [];
  /**
   * Instances this worker is writing right now (value: whether the write may end them), so
   * the notifications of its own writes do not set off lease checks of its running activities.
   */
  readonly #ownWrites = new Map<string, boolean>();
  #flushing: Promise<void> | undefined;
  /** Cancel functions of the timers that repeat while the worker runs (see #repeat). */
  readonly #repeating: (() => void)[] = [];
  /** Settles once the store knows this worker is alive (or could not be told): claims wait for it. */
  #registered: Promise<void> = Promise.resolve();
  /** Names this worker's turns scheduled that it has no function for (see `servedElsewhere`). */
  readonly #unservedNames = new Set<string>();
  /** Instances that changed while their activities run here: checked (renewed) together, shortly. */
  readonly #changedInstances = new Set<string>();
  #checkScheduled = false;
  /** Whether this worker claims in its turn commits and runs local turns (see `localDispatch`). */
  readonly #local: boolean;
  /** Instances with a local turn running now: their next results wait for it (see #flushCompletions). */
  readonly #localInFlight = new Set<string>();

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#ids = options.ids ?? randomIdGenerator;
    this.workerId = options.workerId ?? `worker-${this.#ids.newId().slice(0, 8)}`;
    this.#cache = new ReplayCache(options.cacheSize ?? 10_000);
    this.#orchestrationWake = new Wakeup(this.#clock);
    this.#activityWake = new Wakeup(this.#clock);
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#affinityMs = Math.max(0, options.affinityMs ?? DEFAULT_AFFINITY_MS);
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#activityConcurrency = options.activityConcurrency ?? DEFAULT_ACTIVITY_CONCURRENCY;
    this.#maxClaims = options.maxClaimsPerAttempt ?? DEFAULT_MAX_CLAIMS_PER_ATTEMPT;
    const dispatch = options.dispatch ?? {};
    this.#local = options.localDispatch !== false && dispatch.orchestrations !== false && dispatch.activities !== false;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#store.subscribe((notification) => {
      if (notification.kind === "instance-changed") {
        this.#instanceChanged(notification.instanceId);
        return;
      }
      if (notification.queue === "orchestration") this.#orchestrationWake.notify();
      else this.#activityWake.notify();
    });
    this.#registered = this.#register();
    this.#scheduleLivenessCheck();
    const dispatch = this.#options.dispatch ?? {};
    if (dispatch.orchestrations !== false) this.#loops.push(this.#orchestrationLoop());
    if (dispatch.activities !== false) {
      this.#loops.push(this.#activityLoop());
      this.#scheduleRenewal();
    }
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#orchestrationWake.notify();
    this.#activityWake.notify();
    await Promise.all(this.#loops);
    this.#loops = [];
    const inFlight = [...this.#runningActivities.values()];
    if (inFlight.length > 0) {
      let cancelGrace: (() => void) | undefined;
      const grace = new Promise<void>((resolve) => {
        cancelGrace = this.#clock.setTimer(resolve, this.#options.shutdownGraceMs ?? 10_000);
      });
      await Promise.race([Promise.all(inFlight.map((a) => a.done)), grace]);
      cancelGrace?.();
      // Whatever is still running is abandoned: its lease lapses and another worker runs it again.
      for (const activity of this.#runningActivities.values()) activity.abort.abort(new Error("Worker stopped"));
    }
    // Everything finished is handed over before stopping, a flush (a bounded batch) at a time.
    while (this.#completions.length > 0) {
      const before = this.#completions.length;
      await this.#flushSoon();
      // No progress: the store is failing; the leases lapse and another worker runs them.
      if (this.#completions.length >= before) break;
    }
    for (const cancel of this.#repeating) cancel();
    this.#unsubscribe?.();
    await this.#registered;
    try {
      await this.#store.unregisterWorker?.(this.workerId);
    } catch (error) {
      this.#report(error, "unregistering the worker");
    }
  }

  poke(): void {
    this.#orchestrationWake.notify();
    this.#activityWake.notify();
  }

  metrics(): WorkerMetrics {
    return { ...this.#metrics, activitiesRunning: this.#runningActivities.size };
  }

  // ---- orchestrations ----------------------------------------------------------

  async #orchestrationLoop(): Promise<void> {
    const batchSize = this.#options.orchestrationBatchSize ?? 64;
    await this.#registered;
    while (this.#running) {
      let claimed = 0;
      try {
        const items = await this.#store.claimOrchestrations({
          owner: this.workerId,
          limit: batchSize,
          leaseMs: this.#leaseMs,
          now: this.#clock.now(),
        });
        claimed = items.length;
        if (claimed > 0) await this.#runTurns(items);
      } catch (error) {
        this.#report(error, "orchestration dispatcher");
      }
      // A short batch means nothing else was visible: sleep until notified (a notification that
      // arrived meanwhile is remembered) instead of asking the store again for nothing.
      if (claimed < batchSize && this.#running) await this.#sleep(this.#orchestrationWake);
      // Embedded stores commit synchronously (SQLite's fsync holds the thread): without a
      // macrotask between batches, a run of turns that keep notifying each other (a chain of
      // sub-orchestrations) would commit back to back and starve every request of the process.
      if (claimed > 0) await nextMacrotask();
    }
  }

  async #runTurns(items: OrchestrationWorkItem[]): Promise<void> {
    const started = performance.now();
    const env = this.#turnEnvironment();
    const slice = sliceGate();
    const results = await Promise.all(
      items.map(async (item): Promise<{ item: OrchestrationWorkItem; result: TurnResult } | undefined> => {
        // A batch runs in slices of the event loop, requests served in between (64 turns of a
        // drawn workflow are ~10 ms of CPU); the turns still commit together.
        await slice();
        const id = item.instance.instanceId;
        // The executor is mutated by the turn: taken out until the commit succeeds.
        const cached = this.#cache.take(id);
        const hit = cached !== undefined && cached.lastSeq === item.instance.lastSeq;
        if (hit) this.#metrics.cacheHits += 1;
        else this.#metrics.cacheMisses += 1;
        try {
          return { item, result: await runTurn(item, cached, env) };
        } catch (error) {
          // Left leased: the lease lapses and the turn is retried, instead of spinning on it.
          this.#report(error, `turn of instance '${id}'`);
          return undefined;
        }
      }),
    );
    const ready = results.filter((r) => r !== undefined);
    if (ready.length === 0) return;
    await this.#commit(
      ready.map(({ item, result }) => ({ from: item.instance, result })),
      false,
    );
    this.#metrics.turnMillis += performance.now() - started;
  }

  #turnEnvironment(): TurnEnvironment {
    return {
      now: this.#clock.now(),
      newId: () => this.#ids.newId(),
      resolveOrchestrator: this.#resolve,
      loadHistory: (instanceId: string) => this.#store.getHistory(instanceId),
      ...(this.#options.limits ? { limits: this.#options.limits } : {}),
    };
  }

  /**
   * Commits turns in one call (group commit), claiming the tasks they schedule that this
   * worker will run, and starts those. `from` is the instance each turn was computed from.
   * Returns one outcome per turn.
   */
  async #commit(turns: readonly { from: InstanceRecord; result: TurnResult }[], local: boolean): Promise<TurnOutcome[]> {
    const commits = this.#claimLocally(turns.map(({ result }) => result.commit));
    for (const commit of commits) this.#ownWrites.set(commit.instanceId, commit.cancelActivities === true);
    let outcomes: TurnOutcome[];
    try {
      outcomes = await this.#store.commitTurns(commits, this.#clock.now());
    } finally {
      this.#ownWrites.clear();
    }
    turns.forEach(({ from, result }, i) => {
      const outcome = outcomes[i];
      const commit = commits[i] as TurnCommit;
      this.#metrics.eventsProcessed += result.eventsProcessed;
      if (!outcome?.committed) {
        // A refused local turn did not happen: its results take the queued path (see #runLocalTurns).
        if (local) this.#metrics.localTurnsRejected += 1;
        else {
          this.#metrics.turns += 1;
          this.#metrics.turnsRejected += 1;
        }
        return;
      }
      this.#metrics.turns += 1;
      if (local) this.#metrics.localTurns += 1;
      if (result.cache) this.#cache.set(commit.instanceId, { ...result.cache, instance: instanceAfter(from, commit) });
      this.#noteScheduled(commit.activities);
      for (const item of outcome.claimed) this.#startActivity(item);
      this.#metrics.activitiesClaimedLocally += outcome.claimed.length;
    });
    return outcomes;
  }

  /**
   * Marks the tasks these turns schedule that this worker should run itself: names it
   * serves, visible now, as many as it has room for. The commit claims them
   * (`claimFor`); the others stay queued for any worker.
   */
  #claimLocally(commits: readonly TurnCommit[]): TurnCommit[] {
    if (!this.#local || !this.#running) return [...commits];
    const own = this.#options.activities ?? {};
    const now = this.#clock.now();
    let room = this.#activityConcurrency - this.#runningActivities.size - this.#suspects.length;
    const reserveFor = this.#affinityMs > 0 ? { owner: this.workerId, forMs: this.#affinityMs } : undefined;
    return commits.map((commit) => {
      if (commit.activities.length === 0) return commit;
      const activities = commit.activities.map((task): NewActivityTask => {
        if (!Object.hasOwn(own, task.name) || (task.visibleAt !== undefined && task.visibleAt > now)) return task;
        if (room <= 0) return reserveFor ? { ...task, reserveFor } : task;
        room -= 1;
        return { ...task, claimFor: { owner: this.workerId, leaseMs: this.#leaseMs } };
      });
      return { ...commit, activities };
    });
  }

  readonly #resolve: OrchestratorResolver = (name, instance) => {
    const own = this.#options.orchestrators?.[name];
    if (own) return own as Orchestrator<unknown, unknown>;
    return this.#options.resolveOrchestrator?.(name, instance);
  };

  // ---- activities ----------------------------------------------------------------

  async #activityLoop(): Promise<void> {
    await this.#registered;
    while (this.#running) {
      const capacity = this.#activityConcurrency - this.#runningActivities.size - this.#suspects.length;
      let claimed = 0;
      if (capacity > 0) {
        try {
          const names = this.#claimNames();
          const items = await this.#store.claimActivities({
            owner: this.workerId,
            limit: capacity,
            leaseMs: this.#leaseMs,
            now: this.#clock.now(),
            ...(names ? { names } : {}),
            suspects: this.#suspectRunning || this.#suspects.length > 0 ? 0 : 1,
          });
          claimed = items.length;
          for (const item of items) {
            // Past its claims it is given up without running: nothing to isolate.
            if (item.claimCount > 1 && item.claimCount <= this.#maxClaims) this.#suspects.push(item);
            else this.#startActivity(item);
          }
          this.#startSuspect();
        } catch (error) {
          this.#report(error, "activity dispatcher");
        }
      }
      // Full (capacity 0) or a short claim: wait for a finished activity or new work.
      if ((capacity <= 0 || claimed < capacity) && this.#running) await this.#sleep(this.#activityWake);
      // As between orchestration batches: quick activities wake this loop again at once, and
      // each claim is a synchronous commit on embedded stores; let pending I/O in between.
      if (claimed > 0) await nextMacrotask();
    }
  }

  /** undefined = every name. */
  #claimNames(): string[] | undefined {
    const own = this.#options.activities;
    if (!own) return [];
    const elsewhere = this.#options.servedElsewhere?.();
    if (!elsewhere) return undefined;
    const names = Object.keys(own);
    for (const name of this.#unservedNames) {
      if (!Object.hasOwn(own, name) && !elsewhere.has(name)) names.push(name);
    }
    return names;
  }

  #noteScheduled(tasks: readonly { name: string }[]): void {
    if (!this.#options.servedElsewhere) return;
    const own = this.#options.activities ?? {};
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
  #instanceChanged(instanceId: string): void {
    if (this.#runningActivities.size === 0 && this.#suspects.length === 0) return;
    // Our own commit of a turn that did not end the instance, or of an activity result,
    // cannot have cancelled this instance's other activities: no check needed.
    if (this.#ownWrites.get(instanceId) === false) return;
    this.#changedInstances.add(instanceId);
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    // A microtask, not a clock timer: the batch is "the notifications of this commit", and fake clocks must not stall it.
    queueMicrotask(() => {
      this.#checkScheduled = false;
      const changed = new Set(this.#changedInstances);
      this.#changedInstances.clear();
      const items = this.#heldActivities().filter((i) => changed.has(i.instanceId));
      void this.#renew(items);
    });
  }

  #startActivity(item: ActivityWorkItem, suspect = false): void {
    const abort = new ActivityAbort();
    this.#metrics.activitiesStarted += 1;
    const done = this.#runActivity(item, abort, suspect).finally(() => {
      // Was the activity dispatcher waiting for room? Otherwise it sleeps on: a finished
      // activity brings no new work of its own (its next steps are announced by their commits).
      const wasFull = this.#runningActivities.size + this.#suspects.length >= this.#activityConcurrency;
      this.#runningActivities.delete(item.id);
      if (suspect) {
        this.#suspectRunning = false;
        this.#startSuspect();
      }
      if (wasFull || suspect) this.#activityWake.notify();
    });
    this.#runningActivities.set(item.id, { item, abort, done });
  }

  /** Starts the next suspect, unless one is running (see #suspects). */
  #startSuspect(): void {
    if (this.#suspectRunning || !this.#running) return;
    const next = this.#suspects.shift();
    if (!next) return;
    this.#suspectRunning = true;
    this.#startActivity(next, true);
  }

  /** What this worker holds leases on: running activities and the suspects waiting to run. */
  #heldActivities(): ActivityWorkItem[] {
    return [...[...this.#runningActivities.values()].map((a) => a.item), ...this.#suspects];
  }

  async #runActivity(item: ActivityWorkItem, abort: ActivityAbort, suspect: boolean): Promise<void> {
    const startedAt = toIso(this.#clock.now());
    const own = this.#options.activities;
    const fn = own && Object.hasOwn(own, item.name) ? own[item.name] : undefined;
    const isolatedAll = this.#options.isolatedActivities;
    const isolated = suspect && isolatedAll && Object.hasOwn(isolatedAll, item.name) ? isolatedAll[item.name] : undefined;
    const task: ActivityTaskInfo = { instanceId: item.instanceId, taskId: item.taskId, name: item.name, attempt: item.attempt };
    const context: ActivityContext = {
      instanceId: item.instanceId,
      executionId: item.executionId,
      taskId: item.taskId,
      attempt: item.attempt,
      name: item.name,
      tags: item.tags,
      idempotencyKey: `${item.instanceId}:${item.executionId}:${item.taskId}`,
      get signal() {
        return abort.signal;
      },
      heartbeat: (details?: unknown) => {
        if (details !== undefined) this.#options.onHeartbeat?.(task, details);
        void this.#renew([item]);
      },
      log: lazyActivityLogger(() => (this.#options.activityLogger ?? consoleActivityLogger)(task)),
    };
    let outcome: { result: unknown } | { error: unknown };
    let cancelTimeout: (() => void) | undefined;
    const maxClaims = this.#maxClaims;
    try {
      if (!fn) {
        outcome = {
          error: Object.assign(new Error(`No activity named '${item.name}' is registered with this worker.`), {
            name: "UnknownActivityError",
            nonRetryable: true,
          }),
        };
      } else if (item.claimCount > maxClaims) {
        // Claimed this often without a result: its workers died running it (a poison activity
        // that crashes the process). Give this attempt up instead of killing worker after worker;
        // the retry policy decides whether another attempt runs.
        outcome = { error: poisonError(item, item.claimCount - 1) };
      } else {
        const run = isolated
          ? this.#runIsolated(isolated, item, context, abort.signal)
          : Promise.resolve().then(() => fn(item.input, context));
        const timeout =
          item.timeoutMs === undefined
            ? undefined
            : new Promise<never>((_, reject) => {
                cancelTimeout = this.#clock.setTimer(() => {
                  const error = new TimeoutError(`Activity '${item.name}' did not finish within ${item.timeoutMs} ms.`);
                  abort.abort(error);
                  reject(error);
                }, item.timeoutMs ?? 0);
              });
        outcome = { result: await (timeout ? Promise.race([run, timeout]) : run) };
      }
    } catch (error) {
      outcome = { error };
    } finally {
      cancelTimeout?.();
    }
    // A stop() that aborted us means the lease is abandoned: another worker will run it.
    if (abort.aborted && !(abort.reason instanceof TimeoutError)) return;
    const at = toIso(this.#clock.now());
    const base = { taskId: item.taskId, attempt: item.attempt, startedAt, at, name: item.name };
    if ("result" in outcome) {
      const limit = this.#options.limits?.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes;
      const bytes = jsonBytes(outcome.result);
      if (bytes > limit) {
        outcome = {
          error: Object.assign(
            new Error(
              `Activity '${item.name}' returned ${Math.ceil(bytes / 1024)} KiB; the limit is ${Math.floor(limit / 1024)} KiB. Return a reference (a URL, a key) instead of the data.`,
            ),
            { name: "PayloadTooLargeError", nonRetryable: true },
          ),
        };
      }
    }
    if ("error" in outcome) this.#metrics.activitiesFailed += 1;
    if ("error" in outcome && (outcome.error as { name?: unknown } | undefined)?.name === "PoisonActivityError")
      this.#metrics.activitiesPoisoned += 1;
    this.#completions.push({
      id: item.id,
      leaseToken: item.leaseToken,
      message: {
        instanceId: item.instanceId,
        executionId: item.executionId,
        event:
          "error" in outcome
            ? { type: "TaskFailed", ...base, error: toFailureDetails(outcome.error) }
            : { type: "TaskCompleted", ...base, result: outcome.result },
      },
    });
    await this.#flushSoon();
  }

  /**
   * Runs a suspect in a process of its own, again after each time that process died, until
   * its runs without a result (the claims before this one, then these) reach the claim
   * limit: then the attempt is given up as poison, and this worker never died for it.
   */
  async #runIsolated(fn: ActivityFunction, item: ActivityWorkItem, context: ActivityContext, signal: AbortSignal): Promise<unknown> {
    const workerDeaths = item.claimCount - 1;
    const deaths: ActivityProcessDiedError[] = [];
    for (;;) {
      try {
        return await fn(item.input, context);
      } catch (error) {
        if (!(error instanceof ActivityProcessDiedError) || signal.aborted) throw error;
        deaths.push(error);
        this.#metrics.isolatedProcessDeaths += 1;
        if (workerDeaths + deaths.length >= this.#maxClaims) throw poisonError(item, workerDeaths, deaths);
      }
    }
  }

  /** Results that finish in the same turn of the event loop go to the store in one call (one transaction). */
  #flushSoon(): Promise<void> {
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
    if (this.#completions.length === 0) return;
    // At most a bounded batch per flush, the rest in the next: each flush looks at every
    // result it takes (its instance's cache entry, the grouping), and a local turn slice
    // runs only a few milliseconds of them — taking the whole backlog each time made a
    // burst of results cost quadratic time (200 activities at once on a busy server).
    const batch = this.#completions.splice(0, FLUSH_BATCH_MAX);
    if (this.#completions.length > 0) void this.#flushSoon();
    let queued: ActivityResult[];
    try {
      queued = await this.#runLocalTurns(batch);
    } catch (error) {
      this.#report(error, "running local turns");
      queued = batch;
    }
    if (queued.length === 0) return;
    try {
      for (const result of queued)
        if (!this.#ownWrites.has(result.message.instanceId)) this.#ownWrites.set(result.message.instanceId, false);
      try {
        await this.#store.completeActivities(queued, this.#clock.now());
      } finally {
        this.#ownWrites.clear();
      }
    } catch (error) {
      // Keep the results and try again shortly; the leases are renewed meanwhile.
      this.#report(error, "completing activities");
      this.#completions.unshift(...queued);
      if (this.#running) this.#clock.setTimer(() => void this.#flushSoon(), this.#pollMs);
    }
  }

  /**
   * Runs the next turn of each instance whose executor this worker holds, straight on its
   * results, and commits them together (local turns, see local-dispatch.ts). Returns the
   * results that must take the queued path: no current executor here, or the store
   * refused the local turn because the instance changed meanwhile.
   */
  async #runLocalTurns(batch: readonly ActivityResult[]): Promise<ActivityResult[]> {
    if (!this.#local || !this.#running) return [...batch];
    const queued: ActivityResult[] = [];
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
      const cached = this.#cache.take(id);
      if (!cached?.instance || cached.instance.status !== "running" || cached.executionId !== result.message.executionId) {
        if (cached) this.#cache.putBack(id, cached);
        queued.push(result);
        continue;
      }
      byInstance.set(id, { cached: cached as CachedExecutor & { instance: InstanceRecord }, results: [result] });
    }
    if (byInstance.size === 0) return queued;
    const started = performance.now();
    const env = this.#turnEnvironment();
    for (const id of byInstance.keys()) this.#localInFlight.add(id);
    try {
      const turns: { from: InstanceRecord; results: ActivityResult[]; result: TurnResult }[] = [];
      // A slice of the event loop (shared with expressions, see event-loop-turns.ts), not the
      // whole batch: what is left runs in a later macrotask, so requests are served in between
      // (many instances finishing steps at once would otherwise hold the loop for tens of
      // milliseconds per batch). At least one turn runs, so a busy loop still makes progress.
      for (const [id, { cached, results }] of byInstance) {
        if (turns.length > 0 && turnIsSpent(performance.now())) {
          this.#cache.putBack(id, cached);
          this.#deferred.push(...results);
          continue;
        }
        const item = localWorkItem(cached, results, env.now);
        try {
          const result = await runTurn(item, cached, env);
          this.#metrics.cacheHits += 1;
          turns.push({ from: item.instance, results, result: { ...result, commit: asLocalCommit(result.commit, item.instance, results) } });
        } catch (error) {
          this.#report(error, `local turn of instance '${id}'`);
          queued.push(...results);
        }
      }
      if (turns.length > 0) {
        const outcomes = await this.#commit(turns, true);
        turns.forEach((turn, i) => {
          if (!outcomes[i]?.committed) queued.push(...turn.results);
        });
      }
    } finally {
      for (const id of byInstance.keys()) this.#localInFlight.delete(id);
      this.#metrics.turnMillis += performance.now() - started;
      if (this.#deferred.length > 0) {
        this.#completions.push(...this.#deferred.splice(0));
        void this.#flushSoon();
      }
    }
    return queued;
  }

  #scheduleRenewal(): void {
    this.#repeat(Math.max(10, Math.floor(this.#leaseMs / 3)), () => this.#renew(this.#heldActivities()));
  }

  /** Runs `work` every `ms` while the worker runs, the next run timed from the end of the last. */
  #repeat(ms: number, work: () => Promise<void>): void {
    const slot = this.#repeating.length;
    const tick = (): void => {
      if (!this.#running) return;
      void work().finally(() => {
        if (this.#running) this.#repeating[slot] = this.#clock.setTimer(tick, ms);
      });
    };
    this.#repeating.push(this.#clock.setTimer(tick, ms));
  }

  async #renew(items: ActivityWorkItem[]): Promise<void> {
    if (items.length === 0) return;
    try {
      const held = new Set(
        await this.#store.renewActivityLeases(
          items.map((i) => ({ id: i.id, leaseToken: i.leaseToken })),
          this.#leaseMs,
          this.#clock.now(),
        ),
      );
      for (const item of items) {
        if (held.has(item.id)) continue;
        // A waiting suspect whose lease is gone (its instance ended) is not run.
        const waiting = this.#suspects.indexOf(item);
        if (waiting >= 0) this.#suspects.splice(waiting, 1);
        const running = this.#runningActivities.get(item.id);
        if (!running || running.abort.aborted) continue;
        running.abort.abort(await this.#cancellation(item));
      }
    } catch (error) {
      this.#report(error, "renewing activity leases");
    }
  }

  async #cancellation(item: ActivityWorkItem): Promise<ActivityCancelledError> {
    const where = `Activity '${item.name}' (task ${item.taskId} of instance '${item.instanceId}')`;
    const instance = await this.#store.getInstance(item.instanceId).catch(() => undefined);
    if (!instance || isTerminal(instance.status) || instance.executionId !== item.executionId) {
      const state = instance ? (instance.executionId === item.executionId ? instance.status : "restarted") : "gone";
      return new ActivityCancelledError(
        item.instanceId,
        item.taskId,
        "instance-ended",
        `${where} was cancelled: the instance is ${state}.`,
      );
    }
    return new ActivityCancelledError(
      item.instanceId,
      item.taskId,
      "lease-lost",
      `${where} lost its lease (the worker was too slow to renew it); another worker may run it again.`,
    );
  }

  // ---- worker liveness ---------------------------------------------------------------

  async #register(): Promise<void> {
    try {
      await this.#store.registerWorker?.(this.workerId);
    } catch (error) {
      // Not fatal: this worker's leases then only end by expiring, as with stores without liveness.
      this.#report(error, "registering the worker");
    }
  }

  /** Looks for dead workers' leases now and then; work they held becomes claimable at once. */
  #scheduleLivenessCheck(): void {
    if (!this.#store.releaseDeadWorkers) return;
    this.#repeat(Math.max(10, this.#options.livenessCheckMs ?? Math.min(1000, Math.floor(this.#leaseMs / 3))), () =>
      this.#releaseDeadWorkers(),
    );
  }

  async #releaseDeadWorkers(): Promise<void> {
    try {
      const dead = (await this.#store.releaseDeadWorkers?.(this.#clock.now())) ?? 0;
      // The store notifies every process of the freed work; this one need not wait for the echo.
      if (dead > 0) this.poke();
    } catch (error) {
      this.#report(error, "releasing dead workers' leases");
    }
  }

  // ---- shared ----------------------------------------------------------------------

  async #sleep(wakeup: Wakeup): Promise<void> {
    // Woken already: no need to ask the store when the next timer is due.
    if (wakeup.pending) return wakeup.wait(0);
    let delay = this.#pollMs;
    try {
      const now = this.#clock.now();
      const next = await this.#store.nextWakeAt(now);
      if (next !== undefined) delay = Math.min(delay, Math.max(0, next - now));
    } catch (error) {
      this.#report(error, "reading the next wake-up time");
    }
    await wakeup.wait(delay);
  }

  #report(error: unknown, where: string): void {
    if (this.#options.onError) this.#options.onError(error, where);
    else console.error(`[weft worker ${this.workerId}] ${where}:`, error);
  }
}

/**
 * How long a task scheduled here without room stays reserved for this worker (sticky
 * dispatch): long enough for a burst's tasks to wait for a free slot here (a slot frees
 * every few milliseconds under a burst of quick steps), short enough that a busy worker's
 * backlog soon goes to idle ones.
 */
const DEFAULT_AFFINITY_MS = 2_000;

/** The most activity results one flush takes (see #flushCompletions). */
const FLUSH_BATCH_MAX = 256;

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

/** Resolves after pending I/O had its turn (not a timer: fake clocks are not involved). */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The failure of an attempt that kept killing the processes that ran it: `workerDeaths`
 * workers (claims without a result), then the isolated processes in `processDeaths`.
 */
function poisonError(item: ActivityWorkItem, workerDeaths: number, processDeaths: readonly ActivityProcessDiedError[] = []): Error {
  const what = `Activity '${item.name}' (task ${item.taskId}, attempt ${item.attempt})`;
  const last = processDeaths.at(-1);
  const message =
    processDeaths.length === 0
      ? `${what} was started ${workerDeaths} times and its worker never reported back; it may crash the process. This attempt is given up.`
      : `${what} was started ${workerDeaths + processDeaths.length} times and never reported back: its worker died ${workerDeaths} time(s), then the process it ran alone in died ${processDeaths.length} time(s) (last: ${last?.message}). It crashes the process it runs in; this attempt is given up.`;
  return Object.assign(new Error(message), { name: "PoisonActivityError" });
}
