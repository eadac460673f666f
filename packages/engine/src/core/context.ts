import type { Tags } from "./history.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Task } from "./tasks.js";

export interface ActivityOptions {
  retry?: RetryPolicy;
  /** Per attempt; the activity's AbortSignal fires and the attempt fails with a TimeoutError. */
  timeoutMs?: number;
  /** Recorded on every TaskScheduled of this call (and its retry timers). */
  tags?: Tags;
}

export interface SubOrchestratorOptions {
  /** Default: derived from the parent's id, execution and the task id. */
  instanceId?: string;
  retry?: RetryPolicy;
  /** Recorded on the SubOrchestrationCreated event (and retry timers). */
  tags?: Tags;
  /** Tags the child instance starts with (the server puts the child workflow's version here). */
  instanceTags?: Record<string, string>;
}

export interface TimerOptions {
  tags?: Tags;
}

export interface WaitForEventOptions {
  /** When it passes first, the task fails with a TimeoutError. */
  timeoutMs?: number;
  /** Shown in the instance's pending waits (the definition puts nodeId and approval data here). */
  tags?: Tags;
}

/**
 * What an orchestrator sees. Everything here is deterministic: the same history
 * produces the same calls, ids, times and random numbers on every replay.
 * Orchestrator code must not do IO, read the clock or call Math.random; use
 * activities, `now()` and `random()` instead.
 */
export interface OrchestrationContext {
  readonly instanceId: string;
  readonly executionId: string;
  /** The orchestrator's name. */
  readonly name: string;
  readonly parentInstanceId: string | undefined;
  /** Tags the instance was started with. */
  readonly tags: Readonly<Record<string, string>>;
  /** True while re-running code for events already in history (use it to silence logs). */
  readonly isReplaying: boolean;

  /** The current turn's time, as recorded in history. */
  now(): Date;
  /** A deterministic UUID. */
  newGuid(): string;
  /** A deterministic number in [0, 1). */
  random(): number;

  /**
   * Schedules an activity.
   * @example const pdf = yield ctx.callActivity("order.createPdf", order, { retry: { maxAttempts: 3 } });
   */
  callActivity<T = unknown>(name: string, input?: unknown, options?: ActivityOptions): Task<T>;
  /** Starts a child orchestration and completes with its output. */
  callSubOrchestrator<T = unknown>(name: string, input?: unknown, options?: SubOrchestratorOptions): Task<T>;
  /** A durable timer that fires at `fireAt`. */
  createTimer(fireAt: Date, options?: TimerOptions): Task<void>;
  /** A durable timer that fires `delayMs` after now(). */
  sleep(delayMs: number, options?: TimerOptions): Task<void>;
  /** Completes with the payload of the next event of this name (events raised earlier are kept, FIFO). */
  waitForEvent<T = unknown>(name: string, options?: WaitForEventOptions): Task<T>;
  /** Completes with every result, in order; fails as soon as one fails. */
  all<T>(tasks: readonly Task<T>[]): Task<T[]>;
  /** Completes with the first task to settle (inspect its isFailed / result). */
  any<T>(tasks: readonly Task<T>[]): Task<Task<T>>;
  /** Ends this execution when the orchestrator returns, and starts a fresh one with `input`. */
  continueAsNew(input: unknown): void;
  setCustomStatus(status: unknown): void;
  /** Raises an event on another instance (fire and forget). */
  sendEvent(instanceId: string, name: string, payload?: unknown): void;
}

/** Yields from `callActivity` & co. resume with the task's result, typed by the caller. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the value a yield resumes with is typed at the use site
export type YieldResult = any;

/**
 * An orchestrator of any input and output, for registries that hold many: an input is a
 * parameter, so `Orchestrator<unknown>` would refuse one that takes `{ orderId: string }`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: parameters are contravariant
export type AnyOrchestrator = Orchestrator<any, any>;

export type Orchestrator<TInput = unknown, TOutput = unknown> = (
  context: OrchestrationContext,
  input: TInput,
) => Generator<Task<unknown>, TOutput, YieldResult> | AsyncGenerator<Task<unknown>, TOutput, YieldResult>;
