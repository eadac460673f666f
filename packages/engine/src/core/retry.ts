/**
 * Retries of one call (an activity or a sub-orchestration) inside an orchestration: each
 * attempt is its own task in history, and the backoff between attempts a durable timer.
 */
import { toFailureDetails } from "./errors.js";
import type { FailureDetails, Tags } from "./history.js";
import { type RetryPolicy, retryDelayMs } from "./retry-policy.js";
import { type AtomicTask, DeferredTask, type Task } from "./tasks.js";
import type { TimerOptions } from "./context.js";

/** What the retries need of the executor: its deterministic time and durable timers. */
export interface RetryHost {
  readonly currentTime: number;
  createTimer(fireAt: number, options?: TimerOptions): AtomicTask<void>;
}

/**
 * Drives attempts of one call: on a retryable failure it waits on a durable
 * timer (tagged with the call's tags and `backoffFor`) and schedules the next
 * attempt. Every attempt is its own task in history.
 */
export function withRetry<T>(
  host: RetryHost,
  what: string,
  attempt: (n: number) => AtomicTask<T>,
  policy: RetryPolicy | undefined,
  tags: Tags | undefined,
): Task<T> {
  const first = attempt(1);
  if (!policy || policy.maxAttempts <= 1) {
    first.whenDone(() => relabelFailure(first, what, 1));
    return first;
  }
  const outcome = new DeferredTask<T>();
  const startedAt = host.currentTime;
  const watch = (task: AtomicTask<T>, n: number): void => {
    task.whenDone(() => {
      if (task.isCompleted) {
        outcome.settleWith(task.result as T);
        return;
      }
      const failure = failureOf(task.error);
      const delay = retryDelayMs(policy, n);
      const elapsed = host.currentTime - startedAt;
      const outOfTime = policy.totalTimeoutMs !== undefined && elapsed + delay >= policy.totalTimeoutMs;
      if (failure.nonRetryable || n >= policy.maxAttempts || outOfTime) {
        relabelFailure(task, what, n);
        outcome.failWith(task.error ?? new Error(`${what} failed`));
        return;
      }
      const timer = host.createTimer(host.currentTime + delay, {
        tags: { ...tags, backoffFor: task.id, attempt: n + 1 },
      });
      timer.whenDone(() => watch(attempt(n + 1), n + 1));
    });
  };
  watch(first, 1);
  return outcome;
}

function failureOf(error: Error | undefined): FailureDetails {
  const failure = (error as { failure?: FailureDetails } | undefined)?.failure;
  return failure ?? toFailureDetails(error);
}

/** Gives the error the orchestrator sees a message that names the step and the attempts. */
function relabelFailure(task: AtomicTask<unknown>, what: string, attempts: number): void {
  const error = task.error;
  if (!task.isFailed || !error) return;
  const cause = failureOf(error);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  error.message = `${what} failed${tries}: ${cause.message}`;
}
