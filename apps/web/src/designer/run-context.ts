import type { HistoryEvent } from "@weft/client";
import type { ExpressionContext } from "@weft/definition";

/**
 * What an expression of a step saw in a past run, as far as the history tells: the run's
 * input, and each step's output — an activity's or sub-workflow's result (the last one, for a
 * step that ran several times), a wait's event payload. Enough to preview an expression
 * against real values; `vars` and transform outputs are not in the history.
 */
export function runContext(history: readonly HistoryEvent[]): ExpressionContext {
  const steps: Record<string, unknown> = {};
  const nodeOfTask = new Map<number, string>();
  let input: unknown;
  for (const e of history) {
    if (e.type === "ExecutionStarted") input = e.input;
    const nodeId = typeof e.tags?.nodeId === "string" ? e.tags.nodeId : undefined;
    if (
      (e.type === "TaskScheduled" || e.type === "SubOrchestrationCreated") &&
      nodeId &&
      e.taskId !== undefined &&
      e.tags?.index === undefined
    ) {
      nodeOfTask.set(e.taskId, nodeId);
    } else if ((e.type === "TaskCompleted" || e.type === "SubOrchestrationCompleted") && e.taskId !== undefined) {
      const node = nodeOfTask.get(e.taskId);
      if (node) steps[node] = e.result;
    }
  }
  return { input, steps };
}
