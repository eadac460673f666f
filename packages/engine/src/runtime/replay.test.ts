import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext, Orchestrator } from "../core/context.js";
import { ReplayExecutor } from "../core/executor.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe("replay", () => {
  it("fails the instance with a message naming the recorded and the new step when the code changed", async () => {
    const store = createMemoryStore();
    const clock = createFakeClock();
    function* v1(ctx: OrchestrationContext) {
      yield ctx.callActivity("order.createPdf");
      yield ctx.waitForEvent("go");
      return "v1";
    }
    function* v2(ctx: OrchestrationContext) {
      yield ctx.callActivity("order.createVideo");
      yield ctx.waitForEvent("go");
      return "v2";
    }
    const activities = { "order.createPdf": () => "pdf", "order.createVideo": () => "video" };
    hub = createTestHub({ store, clock, orchestrators: { order: v1 }, activities });
    const id = await hub.client.start("order");
    await hub.until(id, (i) => i.pendingWaits.length === 1);
    await hub.worker.stop();
    // A new worker with changed code: no cached state, so it replays the history.
    hub = createTestHub({ store, clock, orchestrators: { order: v2 }, activities });
    await hub.client.raiseEvent(id, "go");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(done.error?.name).toBe("NonDeterminismError");
    expect(done.error?.message).toContain("expected TaskScheduled 'order.createPdf' (task 1)");
    expect(done.error?.message).toContain("now does ScheduleTask 'order.createVideo' (task 1)");
  });

  it("detects a step the new code adds where history records none", async () => {
    const store = createMemoryStore();
    const clock = createFakeClock();
    const activities = { a: () => 1, b: () => 2 };
    hub = createTestHub({
      store,
      clock,
      activities,
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("a");
          yield ctx.waitForEvent("go");
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (i) => i.pendingWaits.length === 1);
    await hub.worker.stop();
    hub = createTestHub({
      store,
      clock,
      activities,
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.all([ctx.callActivity("a"), ctx.callActivity("b")]);
          yield ctx.waitForEvent("go");
        },
      },
    });
    await hub.client.raiseEvent(id, "go");
    const done = await hub.client.waitForCompletion(id);
    expect(done.error?.name).toBe("NonDeterminismError");
    expect(done.error?.message).toContain("ScheduleTask 'b' (task 2)");
  });

  it("reproduces now(), newGuid() and random() exactly on replay", async () => {
    const seen: unknown[] = [];
    const orchestrator: Orchestrator = function* (ctx: OrchestrationContext) {
      const first = { now: ctx.now().toISOString(), guid: ctx.newGuid(), random: ctx.random() };
      seen.push({ replaying: ctx.isReplaying, ...first });
      yield ctx.sleep(1000);
      const second = { now: ctx.now().toISOString(), guid: ctx.newGuid() };
      return { first, second };
    };
    // cacheSize 0: every turn replays the whole history from scratch.
    hub = createTestHub({ orchestrators: { o: orchestrator }, cacheSize: 0 });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(1000);
    const done = await hub.client.waitForCompletion(id);
    const output = done.output as { first: { now: string; guid: string; random: number }; second: { now: string } };
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ replaying: false });
    expect(seen[1]).toMatchObject({ replaying: true });
    const { replaying: _a, ...firstRun } = seen[0] as Record<string, unknown>;
    const { replaying: _b, ...replayRun } = seen[1] as Record<string, unknown>;
    expect(replayRun).toEqual(firstRun);
    expect(output.first.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(output.second.now) - Date.parse(output.first.now)).toBe(1000);
  });

  it("fails the instance when an orchestrator yields something that is not a task", async () => {
    hub = createTestHub({
      orchestrators: {
        *o() {
          yield Promise.resolve(1) as never;
        },
      },
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.error?.message).toContain("yielded a Promise");
  });
});

describe("the replay cache", () => {
  const steps = 300;
  function* sequential(ctx: OrchestrationContext, n: number) {
    let total = 0;
    for (let i = 0; i < n; i++) total += (yield ctx.callActivity("one")) as number;
    return total;
  }

  async function eventsPerTurn(cacheSize: number): Promise<{ total: number; turns: number; hits: number }> {
    const local = createTestHub({ orchestrators: { sequential }, activities: { one: () => 1 }, cacheSize });
    try {
      const id = await local.client.start("sequential", steps);
      const done = await local.client.waitForCompletion(id, { timeoutMs: 60_000 });
      expect(done.output).toBe(steps);
      const metrics = local.worker.metrics();
      return { total: metrics.eventsProcessed, turns: metrics.turns, hits: metrics.cacheHits };
    } finally {
      await local.stop();
    }
  }

  it("keeps a step's cost flat: with the cache, each turn processes only its new events", async () => {
    const cached = await eventsPerTurn(100);
    const uncached = await eventsPerTurn(0);
    // Each step's turn: OrchestratorStarted, TaskCompleted (processed) + TaskScheduled (recorded, not processed).
    expect(cached.total / cached.turns).toBeLessThan(3);
    expect(cached.hits).toBeGreaterThanOrEqual(steps - 1);
    // Without the cache every turn replays the whole history: quadratic in the number of steps.
    expect(uncached.total).toBeGreaterThan(cached.total * 50);
  });
});

describe("the executor on its own", () => {
  it("replays a recorded history without scheduling anything new", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    const executor = new ReplayExecutor({
      instanceId: "i",
      executionId: "e",
      name: "o",
      orchestrator: function* (ctx: OrchestrationContext) {
        const a: number = yield ctx.callActivity("a");
        return a + 1;
      },
    });
    await executor.replay([
      { seq: 1, type: "OrchestratorStarted", at },
      { seq: 2, type: "ExecutionStarted", at, input: null },
      { seq: 3, type: "TaskScheduled", at, taskId: 1, name: "a" },
      { seq: 4, type: "OrchestratorStarted", at },
      { seq: 5, type: "TaskCompleted", at, taskId: 1, result: 41 },
    ]);
    expect(executor.completion).toEqual({ kind: "completed", output: 42 });
    expect(executor.takeActions()).toEqual([]);
  });

  it("buffers events raised before a wait and delivers them first-in first-out", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    const executor = new ReplayExecutor({
      instanceId: "i",
      executionId: "e",
      name: "o",
      orchestrator: function* (ctx: OrchestrationContext) {
        yield ctx.sleep(10);
        return [yield ctx.waitForEvent("x"), yield ctx.waitForEvent("x")];
      },
    });
    await executor.apply(
      [
        { type: "OrchestratorStarted", at },
        { type: "ExecutionStarted", at },
        { type: "EventRaised", at, name: "x", input: 1 },
        { type: "EventRaised", at, name: "x", input: 2 },
      ],
      false,
    );
    expect(executor.unconsumedEvents()).toEqual([
      { name: "x", payload: 1 },
      { name: "x", payload: 2 },
    ]);
    const [timer] = executor.takeActions();
    await executor.apply([{ type: "TimerFired", at, taskId: timer?.id ?? 0 }], false);
    expect(executor.completion).toEqual({ kind: "completed", output: [1, 2] });
  });
});

describe("replaying a finished execution", () => {
  it("leaves nothing pending when the last turn set a status and sent an event as it ended", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    const executor = new ReplayExecutor({
      instanceId: "i",
      executionId: "e",
      name: "o",
      orchestrator: function* (ctx: OrchestrationContext) {
        yield ctx.sleep(1);
        ctx.setCustomStatus("done");
        ctx.sendEvent("other", "bye");
        return 1;
      },
    });
    await executor.replay([
      { seq: 1, type: "OrchestratorStarted", at },
      { seq: 2, type: "ExecutionStarted", at },
      { seq: 3, type: "TimerCreated", at, taskId: 1, fireAt: at },
      { seq: 4, type: "OrchestratorStarted", at },
      { seq: 5, type: "TimerFired", at, taskId: 1 },
      { seq: 6, type: "CustomStatusSet", at, taskId: 2, result: "done" },
      { seq: 7, type: "EventSent", at, taskId: 3, name: "bye", instanceId: "other" },
      { seq: 8, type: "ExecutionCompleted", at, status: "completed", result: 1 },
    ]);
    expect(executor.completion).toEqual({ kind: "completed", output: 1 });
    expect(executor.takeActions()).toEqual([]);
  });
});
