import type { NodeState } from "@weft/definition";
import { describe, expect, it } from "vitest";
import { at, ev, resetSeq } from "./history-fixtures";
import { stepDetails } from "./step-details";

describe("the step inspector's details (issue 17, item 7)", () => {
  it("lists each attempt with its input, error or output and idempotency key", () => {
    resetSeq();
    const history = [
      ev(0, "ExecutionStarted", { executionId: "exec-1" }),
      ev(10, "TaskScheduled", { taskId: 1, attempt: 1, name: "video.transcode", input: { r: 720 }, tags: { nodeId: "transcode" } }),
      ev(100, "TaskFailed", { taskId: 1, error: { name: "Busy", message: "Transcoder busy" } }),
      ev(100, "TimerCreated", { taskId: 2, fireAt: at(600), tags: { nodeId: "transcode", backoffFor: 1, attempt: 2 } }),
    ];
    const waiting = stepDetails("transcode", history, { instanceId: "run-1" });
    expect(waiting.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: "failed",
        input: { r: 720 },
        error: { name: "Busy", message: "Transcoder busy" },
        idempotencyKey: "run-1:exec-1:1",
      }),
    ]);

    history.push(
      ev(600, "TimerFired", { taskId: 2 }),
      ev(600, "TaskScheduled", { taskId: 3, attempt: 2, name: "video.transcode", input: { r: 720 }, tags: { nodeId: "transcode" } }),
      ev(700, "TaskCompleted", { taskId: 3, result: { path: "/out.mp4" } }),
    );
    const done = stepDetails("transcode", history, { instanceId: "run-1" });
    expect(done.attempts.map((a) => [a.attempt, a.status, a.idempotencyKey])).toEqual([
      [1, "failed", "run-1:exec-1:1"],
      [2, "succeeded", "run-1:exec-1:3"],
    ]);
    expect(done.attempts[1]?.result).toEqual({ path: "/out.mp4" });
    // Other steps' events are not this step's.
    expect(stepDetails("thumbnail", history, { instanceId: "run-1" }).attempts).toEqual([]);
  });

  it("keeps a rewound failure beside the attempt that ran again, and shows what a wait received", () => {
    resetSeq();
    const history = [
      ev(0, "ExecutionStarted", { executionId: "e" }),
      ev(10, "TaskScheduled", { taskId: 1, attempt: 1, name: "pay", tags: { nodeId: "charge" } }),
      ev(20, "TaskFailed", { taskId: 1, error: { name: "Declined", message: "no" } }),
      ev(20, "ExecutionCompleted"),
      ev(900, "ExecutionRewound", { rewound: [3] }),
      ev(950, "TaskCompleted", { taskId: 1, result: { ok: true } }),
      ev(960, "EventRaised", { name: "Approval", input: { decision: "Approved" } }),
    ];
    expect(stepDetails("charge", history, { instanceId: "r" }).attempts.map((a) => [a.status, a.scheduledAt])).toEqual([
      ["rewound", at(10)],
      ["succeeded", at(900)],
    ]);
    const state = { nodeId: "approve", status: "succeeded", attempts: 0, runs: 1, startedAt: at(955) } as NodeState;
    expect(stepDetails("approve", history, { instanceId: "r", state, event: "Approval" }).wait).toEqual({
      event: "Approval",
      since: at(955),
      receivedAt: at(960),
      payload: { decision: "Approved" },
    });
  });
});
