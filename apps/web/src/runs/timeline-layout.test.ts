import type { HistoryEvent } from "@weft/client";
import { describe, expect, it } from "vitest";
import { at, ev, resetSeq, T0 } from "./history-fixtures";
import { axisTicks, barAt, describeRow, fitView, panView, timeToX, visibleRows, xToTime, zoomView } from "./timeline-layout";
import { buildTimeline } from "./timeline-model";

describe("buildTimeline", () => {
  it("draws a bar per attempt with the backoff gap between them as its own bar", () => {
    resetSeq();
    const model = buildTimeline(
      [
        ev(0, "ExecutionStarted"),
        ev(10, "TaskScheduled", { taskId: 1, attempt: 1, name: "video.transcode", input: { r: 1 }, tags: { nodeId: "transcode" } }),
        ev(110, "TaskFailed", { taskId: 1, error: { name: "Busy", message: "Transcoder busy" } }),
        ev(110, "TimerCreated", { taskId: 2, fireAt: at(610), tags: { nodeId: "transcode", backoffFor: 1, attempt: 2 } }),
        ev(610, "TimerFired", { taskId: 2 }),
        ev(610, "TaskScheduled", { taskId: 3, attempt: 2, name: "video.transcode", tags: { nodeId: "transcode" } }),
        ev(700, "TaskCompleted", { taskId: 3, result: { ok: true } }),
      ],
      { labels: { transcode: "Transcode" } },
    );
    expect(model.rows.map((r) => r.label)).toEqual(["Transcode"]);
    expect(model.bars.map((b) => [b.kind, b.status, b.start - T0, (b.end ?? 0) - T0])).toEqual([
      ["attempt", "failed", 10, 110],
      ["backoff", "succeeded", 110, 610],
      ["attempt", "succeeded", 610, 700],
    ]);
    expect(model.bars[0]?.error).toMatchObject({ message: "Transcoder busy" });
    expect(model.bars[2]?.result).toEqual({ ok: true });
    expect(describeRow(model, 0)).toBe("Transcode: attempt 1 failed, backoff done, attempt 2 succeeded");
    expect(model.start).toBe(T0);
    expect(model.end).toBe(T0 + 700);
  });

  it("groups a map's items as rows under the map, in item order, with a span bar on the map row", () => {
    resetSeq();
    const model = buildTimeline(
      [
        ev(0, "TaskScheduled", { taskId: 1, name: "t", tags: { nodeId: "transcode", index: 2 } }),
        ev(0, "TaskScheduled", { taskId: 2, name: "t", tags: { nodeId: "transcode", index: 0 } }),
        ev(5, "TaskScheduled", { taskId: 3, name: "thumb", tags: { nodeId: "thumbnail" } }),
        ev(50, "TaskCompleted", { taskId: 1 }),
      ],
      {
        labels: { transcodeAll: "Transcode each", transcode: "Transcode", thumbnail: "Thumbnail" },
        scopes: { transcode: "transcodeAll" },
        nodeStates: {
          transcodeAll: {
            nodeId: "transcodeAll",
            status: "running",
            attempts: 0,
            runs: 1,
            startedAt: at(0),
            progress: { total: 3, done: 1, failed: 0, running: 1 },
          },
        },
      },
    );
    expect(model.rows.map((r) => `${r.depth}:${r.label}`)).toEqual([
      "0:Transcode each",
      "1:Transcode [0]",
      "1:Transcode [2]",
      "0:Thumbnail",
    ]);
    const span = model.bars.find((b) => b.kind === "span");
    expect(span).toMatchObject({ row: 0, status: "running", end: null, label: "1/3 items" });
    expect(model.byRow.map((r) => r.length)).toEqual([1, 1, 1, 1]);
  });

  it("shows a wait until its event arrives, and closes what is open when the run ends", () => {
    resetSeq();
    const model = buildTimeline([
      ev(0, "TimerCreated", { taskId: 1, fireAt: at(1_800_000), tags: { nodeId: "approve", timeoutFor: "OrderApprovalResult" } }),
      ev(400, "EventRaised", { name: "OrderApprovalResult", input: { decision: "Approved" } }),
      ev(400, "TaskScheduled", { taskId: 2, name: "email", tags: { nodeId: "email" } }),
      ev(900, "ExecutionTerminated"),
    ]);
    expect(model.bars[0]).toMatchObject({ kind: "wait", status: "succeeded", result: { decision: "Approved" } });
    expect((model.bars[0]?.end ?? 0) - T0).toBe(400);
    expect(model.bars[1]).toMatchObject({ kind: "attempt", status: "cancelled" });
    expect((model.bars[1]?.end ?? 0) - T0).toBe(900);
  });

  it("adds waits without a timeout from the node states", () => {
    const model = buildTimeline([], {
      types: { approve: "waitForEvent" },
      nodeStates: { approve: { nodeId: "approve", status: "waiting", attempts: 0, runs: 1, startedAt: at(100) } },
    });
    expect(model.bars).toMatchObject([{ kind: "wait", status: "waiting", end: null }]);
  });

  it("lays out 10,000 bars in well under a second", () => {
    resetSeq();
    const events: HistoryEvent[] = [];
    for (let i = 0; i < 5000; i++) {
      events.push(ev(i, "TaskScheduled", { taskId: i + 1, name: "t", tags: { nodeId: "transcode", index: i % 1000 } }));
      events.push(ev(i + 5, "TaskCompleted", { taskId: i + 1 }));
    }
    const started = performance.now();
    const model = buildTimeline(events, { scopes: { transcode: "map" } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(model.rows).toHaveLength(1001);
    expect(model.bars).toHaveLength(5001);
  });
});

describe("timeline view maths", () => {
  const view = { from: 1000, to: 2000 };
  it("maps time to x and back", () => {
    expect(timeToX(1500, view, 400)).toBe(200);
    expect(xToTime(100, view, 400)).toBe(1250);
  });
  it("zooms around the anchor, which stays where it was", () => {
    const zoomed = zoomView(view, 0.5, 1250);
    expect(zoomed).toEqual({ from: 1125, to: 1625 });
    expect(timeToX(1250, zoomed, 400)).toBeCloseTo(timeToX(1250, view, 400));
    expect(zoomView(view, 0.0001, 1500).to - zoomView(view, 0.0001, 1500).from).toBe(50);
  });
  it("pans and fits", () => {
    expect(panView(view, 250)).toEqual({ from: 1250, to: 2250 });
    const fit = fitView(0, 10_000);
    expect(fit.from).toBeLessThan(0);
    expect(fit.to).toBeGreaterThan(10_000);
  });
  it("culls rows outside the viewport", () => {
    expect(visibleRows(0, 100, 24, 1000)).toEqual([0, 6]);
    expect(visibleRows(240, 100, 24, 1000)).toEqual([10, 16]);
    expect(visibleRows(0, 100, 24, 3)).toEqual([0, 3]);
  });
  it("finds the bar under the pointer in that row only", () => {
    resetSeq();
    const model = buildTimeline([
      ev(0, "TaskScheduled", { taskId: 1, name: "a", tags: { nodeId: "a" } }),
      ev(100, "TaskCompleted", { taskId: 1 }),
      ev(200, "TaskScheduled", { taskId: 2, name: "a", tags: { nodeId: "a" } }),
    ]);
    expect(barAt(model, 0, T0 + 50, T0 + 300, 0)).toBe(0);
    expect(barAt(model, 0, T0 + 150, T0 + 300, 0)).toBeUndefined();
    expect(barAt(model, 0, T0 + 250, T0 + 300, 0)).toBe(1);
    expect(barAt(model, 5, T0 + 50, T0 + 300, 0)).toBeUndefined();
  });
  it("picks round tick steps", () => {
    const { step, ticks } = axisTicks({ from: 0, to: 10_000 }, 8);
    expect(step).toBe(2000);
    expect(ticks).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
  });
});
