import type { HistoryEvent } from "@weft/client";
import { evaluateExpression } from "@weft/definition";
import { describe, expect, it } from "vitest";
import { runContext } from "./run-context";

let seq = 0;
const ev = (type: HistoryEvent["type"], extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  seq: ++seq,
  type,
  at: "2026-01-01T00:00:00.000Z",
  ...extra,
});

describe("previewing an expression against a past run (issue 17, item 8)", () => {
  it("gives the run's input and each step's last output, leaving out map items", async () => {
    const history = [
      ev("ExecutionStarted", { input: { orderId: "o-9" } }),
      ev("TaskScheduled", { taskId: 1, tags: { nodeId: "save" } }),
      ev("TaskCompleted", { taskId: 1, result: { id: "s-1" } }),
      ev("TaskScheduled", { taskId: 2, tags: { nodeId: "transcode", index: 0 } }),
      ev("TaskCompleted", { taskId: 2, result: { path: "/0.mp4" } }),
      ev("TaskScheduled", { taskId: 3, tags: { nodeId: "save" } }),
      ev("TaskCompleted", { taskId: 3, result: { id: "s-2" } }),
    ];
    const context = runContext(history);
    expect(context).toEqual({ input: { orderId: "o-9" }, steps: { save: { id: "s-2" } } });
    const value = await evaluateExpression('input.orderId & "/" & steps.save.id', context, { now: () => 0, random: () => 0.5 });
    expect(value).toBe("o-9/s-2");
  });
});
