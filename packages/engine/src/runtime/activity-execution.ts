/**
 * Running one claimed activity attempt to its result: the context it gets, its timeout,
 * the poison rule (claimed too often without a result), the isolated re-runs of a
 * suspect, and the payload limit on what it returns. The result message (TaskCompleted
 * or TaskFailed) goes to `complete`; the dispatcher (activity-dispatcher.ts) owns the
 * slots and the leases.
 */
import { ActivityCancelledError, ActivityProcessDiedError, TimeoutError, toFailureDetails } from "../core/errors.js";
import { toIso } from "../core/history.js";
import {
  type ActivityContext,
  type ActivityFunction,
  type ActivityTaskInfo,
  consoleActivityLogger,
  lazyActivityLogger,
} from "./activity.js";
import type { ActivityAbort } from "./activity-abort.js";
import { isTerminal } from "./instance.js";
import { DEFAULT_LIMITS, jsonBytes } from "./orchestration-turn.js";
import type { ActivityResult, ActivityWorkItem } from "./store.js";
import type { WorkerShared } from "./worker-shared.js";

export interface ActivityRun {
  item: ActivityWorkItem;
  abort: ActivityAbort;
  /** A suspect runs isolated when its function has an isolated form (see WorkerOptions.isolatedActivities). */
  suspect: boolean;
  /** Renews the lease now (a heartbeat). */
  renew: (items: ActivityWorkItem[]) => Promise<void>;
  /** Hands the result over to be committed. */
  complete: (result: ActivityResult) => Promise<void>;
}

/** Runs the attempt and hands its result to `complete`; nothing when stop() abandoned it. */
export async function executeActivity(shared: WorkerShared, run: ActivityRun): Promise<void> {
  const { item, abort } = run;
  const startedAt = toIso(shared.clock.now());
  let outcome = await outcomeOf(shared, run);
  // A stop() that aborted us means the lease is abandoned: another worker will run it.
  if (abort.aborted && !(abort.reason instanceof TimeoutError)) return;
  const at = toIso(shared.clock.now());
  const base = { taskId: item.taskId, attempt: item.attempt, startedAt, at, name: item.name };
  if ("result" in outcome) outcome = withinPayloadLimit(shared, item, outcome);
  if ("error" in outcome) shared.metrics.activitiesFailed += 1;
  if ("error" in outcome && (outcome.error as { name?: unknown } | undefined)?.name === "PoisonActivityError")
    shared.metrics.activitiesPoisoned += 1;
  await run.complete({
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
}

type Outcome = { result: unknown } | { error: unknown };

async function outcomeOf(shared: WorkerShared, run: ActivityRun): Promise<Outcome> {
  const { item, abort } = run;
  const own = shared.options.activities;
  const fn = own && Object.hasOwn(own, item.name) ? own[item.name] : undefined;
  const isolatedAll = shared.options.isolatedActivities;
  const isolated = run.suspect && isolatedAll && Object.hasOwn(isolatedAll, item.name) ? isolatedAll[item.name] : undefined;
  let cancelTimeout: (() => void) | undefined;
  try {
    if (!fn) {
      return {
        error: Object.assign(new Error(`No activity named '${item.name}' is registered with this worker.`), {
          name: "UnknownActivityError",
          nonRetryable: true,
        }),
      };
    }
    if (item.claimCount > shared.maxClaims) {
      // Claimed this often without a result: its workers died running it (a poison activity
      // that crashes the process). Give this attempt up instead of killing worker after worker;
      // the retry policy decides whether another attempt runs.
      return { error: poisonError(item, item.claimCount - 1) };
    }
    const context = activityContext(shared, run);
    const running = isolated
      ? runIsolated(shared, isolated, item, context, abort.signal)
      : Promise.resolve().then(() => fn(item.input, context));
    const timeout =
      item.timeoutMs === undefined
        ? undefined
        : new Promise<never>((_, reject) => {
            cancelTimeout = shared.clock.setTimer(() => {
              const error = new TimeoutError(`Activity '${item.name}' did not finish within ${item.timeoutMs} ms.`);
              abort.abort(error);
              reject(error);
            }, item.timeoutMs ?? 0);
          });
    return { result: await (timeout ? Promise.race([running, timeout]) : running) };
  } catch (error) {
    return { error };
  } finally {
    cancelTimeout?.();
  }
}

function activityContext(shared: WorkerShared, { item, abort, renew }: ActivityRun): ActivityContext {
  const task: ActivityTaskInfo = { instanceId: item.instanceId, taskId: item.taskId, name: item.name, attempt: item.attempt };
  return {
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
      if (details !== undefined) shared.options.onHeartbeat?.(task, details);
      void renew([item]);
    },
    log: lazyActivityLogger(() => (shared.options.activityLogger ?? consoleActivityLogger)(task)),
  };
}

/** A result over the payload limit fails the attempt (for good: it would be as large again). */
function withinPayloadLimit(shared: WorkerShared, item: ActivityWorkItem, outcome: { result: unknown }): Outcome {
  const limit = shared.options.limits?.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes;
  const bytes = jsonBytes(outcome.result);
  if (bytes <= limit) return outcome;
  return {
    error: Object.assign(
      new Error(
        `Activity '${item.name}' returned ${Math.ceil(bytes / 1024)} KiB; the limit is ${Math.floor(limit / 1024)} KiB. Return a reference (a URL, a key) instead of the data.`,
      ),
      { name: "PayloadTooLargeError", nonRetryable: true },
    ),
  };
}

/**
 * Runs a suspect in a process of its own, again after each time that process died, until
 * its runs without a result (the claims before this one, then these) reach the claim
 * limit: then the attempt is given up as poison, and this worker never died for it.
 */
async function runIsolated(
  shared: WorkerShared,
  fn: ActivityFunction,
  item: ActivityWorkItem,
  context: ActivityContext,
  signal: AbortSignal,
): Promise<unknown> {
  const workerDeaths = item.claimCount - 1;
  const deaths: ActivityProcessDiedError[] = [];
  for (;;) {
    try {
      return await fn(item.input, context);
    } catch (error) {
      if (!(error instanceof ActivityProcessDiedError) || signal.aborted) throw error;
      deaths.push(error);
      shared.metrics.isolatedProcessDeaths += 1;
      if (workerDeaths + deaths.length >= shared.maxClaims) throw poisonError(item, workerDeaths, deaths);
    }
  }
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

/** Why an activity whose lease renewal failed is aborted: its instance ended, or the lease was lost. */
export async function cancellation(shared: WorkerShared, item: ActivityWorkItem): Promise<ActivityCancelledError> {
  const where = `Activity '${item.name}' (task ${item.taskId} of instance '${item.instanceId}')`;
  const instance = await shared.store.getInstance(item.instanceId).catch(() => undefined);
  if (!instance || isTerminal(instance.status) || instance.executionId !== item.executionId) {
    const state = instance ? (instance.executionId === item.executionId ? instance.status : "restarted") : "gone";
    return new ActivityCancelledError(item.instanceId, item.taskId, "instance-ended", `${where} was cancelled: the instance is ${state}.`);
  }
  return new ActivityCancelledError(
    item.instanceId,
    item.taskId,
    "lease-lost",
    `${where} lost its lease (the worker was too slow to renew it); another worker may run it again.`,
  );
}
