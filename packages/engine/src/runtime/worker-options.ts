/**
 * The worker's public contract: its options, its metrics and the Worker handle
 * (createWorker in worker.ts builds one from the parts in this directory).
 */
import type { Clock, IdGenerator } from "./clock.js";
import type { AnyOrchestrator } from "../core/context.js";
import type { ActivityFunction, ActivityLogger, ActivityTaskInfo } from "./activity.js";
import type { Limits, OrchestratorResolver } from "./orchestration-turn.js";
import type { TaskHubStore } from "./store.js";

/** Activities one worker runs at once unless told otherwise (see WorkerOptions.activityConcurrency). */
export const DEFAULT_ACTIVITY_CONCURRENCY = 100;

export interface WorkerOptions {
  store: TaskHubStore;
  /** Orchestrators by name. */
  orchestrators?: Record<string, AnyOrchestrator>;
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

/** How many times an activity may be claimed without a result before it is given up as poison. */
export const DEFAULT_MAX_CLAIMS_PER_ATTEMPT = 3;

/**
 * How long a task scheduled here without room stays reserved for this worker (sticky
 * dispatch): long enough for a burst's tasks to wait for a free slot here (a slot frees
 * every few milliseconds under a burst of quick steps), short enough that a busy worker's
 * backlog soon goes to idle ones.
 */
export const DEFAULT_AFFINITY_MS = 2_000;
