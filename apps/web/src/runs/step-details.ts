import type { HistoryEvent } from "@weft/client";
import type { NodeState } from "@weft/definition";

/** One attempt of an activity (or one call of a sub-workflow) of a step, from the history. */
export interface StepAttempt {
  taskId: number;
  attempt: number;
  /** The map item, for a step inside a map's body. */
  index?: number;
  name: string;
  scheduledAt: string;
  endedAt?: string;
  status: "running" | "succeeded" | "failed" | "rewound";
  input?: unknown;
  result?: unknown;
  error?: unknown;
  /** What the activity's context carries as `idempotencyKey` (instance : execution : task). */
  idempotencyKey?: string;
  childInstanceId?: string;
}

/** An event a wait step received (or is waiting for). */
export interface StepWait {
  event: string;
  since?: string;
  timeoutAt?: string;
  receivedAt?: string;
  payload?: unknown;
}

export interface StepDetails {
  nodeId: string;
  attempts: StepAttempt[];
  wait?: StepWait;
}

const tagged = (event: HistoryEvent, nodeId: string) => event.tags?.nodeId === nodeId;

/**
 * Everything the history says about one step of a drawn run beyond its node state (which has
 * the retry it waits for): each attempt with its input, result or error and idempotency key (a
 * rewound failure kept, marked, beside the attempt that ran again), and for a wait the event it
 * got. Pure.
 *
 */
export function stepDetails(
  nodeId: string,
  history: readonly HistoryEvent[],
  options: {
    /** The run's id (the idempotency keys start with it). */
    instanceId: string;
    state?: NodeState | undefined;
    /** The event a wait step waits for (its node's `event`), if it is one. */
    event?: string | undefined;
  },
): StepDetails {
  const { instanceId, state, event } = options;
  let executionId: string | undefined;
  const attempts: StepAttempt[] = [];
  const byTask = new Map<number, StepAttempt>();
  const endedBy = new Map<number, StepAttempt>();
  let wait: StepWait | undefined;

  for (const e of history) {
    if (e.type === "ExecutionStarted") executionId = e.executionId ?? executionId;
    if ((e.type === "TaskScheduled" || e.type === "SubOrchestrationCreated") && tagged(e, nodeId) && e.taskId !== undefined) {
      const index = e.tags?.index;
      const attempt: StepAttempt = {
        taskId: e.taskId,
        attempt: e.attempt ?? 1,
        ...(typeof index === "number" ? { index } : {}),
        name: e.name ?? "",
        scheduledAt: e.at,
        status: "running",
        input: e.input,
        ...(e.type === "TaskScheduled" && executionId ? { idempotencyKey: `${instanceId}:${executionId}:${e.taskId}` } : {}),
        ...(e.type === "SubOrchestrationCreated" && typeof e.instanceId === "string" ? { childInstanceId: e.instanceId } : {}),
      };
      attempts.push(attempt);
      byTask.set(e.taskId, attempt);
    } else if (e.taskId !== undefined && /^(Task|SubOrchestration)(Completed|Failed)$/.test(e.type)) {
      const attempt = byTask.get(e.taskId);
      if (!attempt) continue;
      attempt.endedAt = e.at;
      if (e.type.endsWith("Failed")) {
        attempt.status = "failed";
        attempt.error = e.error;
      } else {
        attempt.status = "succeeded";
        attempt.result = e.result;
      }
      endedBy.set(e.seq, attempt);
    } else if (e.type === "ExecutionRewound") {
      // The failures it lists are taken back: each attempt runs again (same task, same attempt).
      for (const seq of e.rewound ?? []) {
        const failed = endedBy.get(seq);
        if (!failed) continue;
        failed.status = "rewound";
        const again: StepAttempt = { ...failed, scheduledAt: e.at, status: "running" };
        delete again.endedAt;
        delete again.error;
        attempts.push(again);
        byTask.set(failed.taskId, again);
      }
    } else if (e.type === "TimerCreated" && tagged(e, nodeId) && e.tags?.timeoutFor !== undefined && event !== undefined) {
      wait = { event, since: e.at, ...(e.fireAt ? { timeoutAt: e.fireAt } : {}) };
    } else if (e.type === "EventRaised" && event !== undefined && e.name === event && state?.startedAt && e.at >= state.startedAt) {
      wait = { ...(wait ?? { event, since: state.startedAt }), receivedAt: e.at, payload: e.input };
    }
  }

  if (event !== undefined && !wait && state?.startedAt) wait = { event, since: state.startedAt };
  return { nodeId, attempts, ...(wait ? { wait } : {}) };
}
