/**
 * The parts of a rewind and a terminate that read the history: which failures the last
 * turn delivered, what to run again for each, and which children are still running.
 * The turn itself (orchestration-turn.ts) records the events and commits.
 */
import type { HistoryEvent } from "../core/history.js";
import { CHILD_LIMIT_ERRORS } from "./child-limits.js";
import type { InstanceRecord } from "./instance.js";
import type { NewMessage, TurnCommit } from "./store.js";

/** The failed completion of the last execution and the step failures its turn delivered; undefined when it did not fail. */
export function lastFailedTurn(history: readonly HistoryEvent[]): { failed: HistoryEvent[]; completed: HistoryEvent } | undefined {
  const completedAt = findLastIndex(history, (e) => e.type === "ExecutionCompleted" && e.status === "failed");
  if (completedAt < 0) return undefined;
  const turnStart = findLastIndex(history.slice(0, completedAt), (e) => e.type === "OrchestratorStarted");
  const failed = history.slice(turnStart + 1, completedAt).filter((e) => e.type === "TaskFailed" || e.type === "SubOrchestrationFailed");
  return { failed, completed: history[completedAt] as HistoryEvent };
}

/**
 * Runs each rewound failure again: a failed activity is queued again with the same task id
 * and attempt, a failed child is rewound, and a child a limit refused fails again.
 */
export function retryFailures(
  instance: InstanceRecord,
  history: readonly HistoryEvent[],
  failed: readonly HistoryEvent[],
  at: string,
  commit: Pick<TurnCommit, "activities" | "messages"> & { activities: TurnCommit["activities"][number][]; messages: NewMessage[] },
): void {
  for (const failure of failed) {
    const scheduled = history.find(
      (e) => e.taskId === failure.taskId && (e.type === "TaskScheduled" || e.type === "SubOrchestrationCreated"),
    );
    if (!scheduled) continue;
    if (scheduled.type === "TaskScheduled") {
      commit.activities.push({
        instanceId: instance.instanceId,
        executionId: instance.executionId,
        taskId: scheduled.taskId ?? 0,
        name: scheduled.name ?? "",
        input: scheduled.input,
        attempt: scheduled.attempt ?? 1,
        ...(scheduled.tags ? { tags: scheduled.tags } : {}),
        ...(scheduled.timeoutMs !== undefined ? { timeoutMs: scheduled.timeoutMs } : {}),
      });
    } else if (isChildLimitRefusal(failure)) {
      // That child was never created (a limit refused it): nothing can rewind it, so the
      // step fails again with the same reason instead of waiting forever. Restart the instance
      // after raising the limit.
      commit.messages.push({
        instanceId: instance.instanceId,
        executionId: instance.executionId,
        event: {
          type: "SubOrchestrationFailed",
          at,
          taskId: failure.taskId,
          instanceId: scheduled.instanceId,
          ...(failure.error ? { error: failure.error } : {}),
        },
      });
    } else if (scheduled.instanceId) {
      commit.messages.push({
        instanceId: scheduled.instanceId,
        event: { type: "ExecutionRewound", at, reason: `Parent '${instance.instanceId}' was rewound` },
      });
    }
  }
}

/** The children started and not yet finished, by the history. */
export function runningChildren(history: readonly HistoryEvent[]): string[] {
  const open = new Map<number, string>();
  for (const event of history) {
    if (event.type === "SubOrchestrationCreated" && event.taskId !== undefined && event.instanceId) {
      open.set(event.taskId, event.instanceId);
    } else if ((event.type === "SubOrchestrationCompleted" || event.type === "SubOrchestrationFailed") && event.taskId !== undefined) {
      open.delete(event.taskId);
    }
  }
  return [...open.values()];
}

const CHILD_LIMIT_NAMES = new Set(Object.values(CHILD_LIMIT_ERRORS));

/** A child's failure that the parent's own turn recorded because a limit refused to create it. */
function isChildLimitRefusal(event: HistoryEvent): boolean {
  const details = event.error?.details as { limit?: unknown } | undefined;
  return CHILD_LIMIT_NAMES.has(event.error?.name ?? "") && typeof details?.limit === "string";
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}
