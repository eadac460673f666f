import { describe, expect, it } from "vitest";
import { ev, resetSeq, T0 } from "./history-fixtures";
import { describeRow } from "./timeline-layout";
import { buildTimeline } from "./timeline-model";

describe("buildTimeline after a rewind (issue 17, bug 2)", () => {
  it("keeps the rewound attempt, marked, and draws the attempt that ran again after it", () => {
    resetSeq();
    const history = [
      ev(0, "ExecutionStarted"),
      ev(0, "OrchestratorStarted"),
      ev(10, "TaskScheduled", { taskId: 1, attempt: 1, name: "payments.charge", tags: { nodeId: "charge" } }),
      ev(100, "OrchestratorStarted"),
      ev(100, "TaskFailed", { taskId: 1, error: { name: "Declined", message: "card declined" } }),
      ev(100, "ExecutionCompleted", { error: { name: "Declined", message: "card declined" } }),
    ];
    const failedSeq = 5;
    history.push(
      ev(5000, "OrchestratorStarted"),
      ev(5000, "ExecutionRewound", { rewound: [failedSeq] }),
      ev(5200, "OrchestratorStarted"),
      ev(5200, "TaskCompleted", { taskId: 1, result: { charged: true } }),
      ev(5200, "TaskScheduled", { taskId: 2, attempt: 1, name: "notify.send", tags: { nodeId: "notify" } }),
    );
    const running = buildTimeline(history, { labels: { charge: "Charge", notify: "Notify" } });
    expect(running.rows.map((r) => r.label)).toEqual(["Charge", "Notify"]);
    expect(running.bars.map((b) => [b.label, b.status, b.start - T0, b.end === null ? null : b.end - T0])).toEqual([
      ["payments.charge — rewound", "failed", 10, 100],
      ["payments.charge", "succeeded", 5000, 5200],
      // The run went on after the rewind: the next step is open, not cancelled at the old end.
      ["notify.send", "running", 5200, null],
    ]);
    expect(running.bars[1]?.result).toEqual({ charged: true });
    expect(describeRow(running, 0)).toMatch(/attempt 1 failed.*attempt 1 succeeded/);
  });
});
