import { expect, it } from "vitest";
import { historyProblems } from "./support/history-checks.js";

// The checker the crash, timer and event scenarios rely on must itself catch what it claims to.
it("flags a duplicate seq, a task answered twice, a timer fired twice and two terminal events", () => {
  const history = [
    { seq: 1, type: "ExecutionStarted" },
    { seq: 2, type: "TaskScheduled", taskId: 0 },
    { seq: 3, type: "TaskCompleted", taskId: 0 },
    { seq: 3, type: "TaskCompleted", taskId: 0 },
    { seq: 4, type: "TimerCreated", taskId: 1 },
    { seq: 5, type: "TimerFired", taskId: 1 },
    { seq: 6, type: "TimerFired", taskId: 1 },
    { seq: 7, type: "ExecutionCompleted" },
    { seq: 8, type: "ExecutionTerminated" },
  ];
  expect(historyProblems(history)).toEqual([
    "seq 3 appears twice",
    "seq 3 follows 3",
    "task 0 answered 2 times",
    "timer 1 fired 2 times",
    "2 terminal events",
  ]);
  expect(historyProblems(history.filter((_, i) => ![3, 6, 8].includes(i)))).toEqual([]);
});
