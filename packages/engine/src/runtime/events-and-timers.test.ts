import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "../core/context.js";
import type { Task } from "../core/tasks.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe("timers", () => {
  it("fires a durable timer only when the clock reaches it", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          const before = ctx.now().getTime();
          yield ctx.sleep(60 * 60 * 1000);
          return ctx.now().getTime() - before;
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(59 * 60 * 1000);
    await new Promise((r) => setTimeout(r, 30));
    expect((await hub.client.get(id))?.status).toBe("running");
    hub.advance(60 * 1000);
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toBe(60 * 60 * 1000);
  });

  it("fires a timer created for an absolute time", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.createTimer(new Date(ctx.now().getTime() + 5000));
          return "fired";
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(5000);
    expect((await hub.client.waitForCompletion(id)).output).toBe("fired");
  });
});

describe("external events", () => {
  it("delivers an event raised before the orchestration waits, in order per name", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.sleep(1000);
          const first: string = yield ctx.waitForEvent("note");
          const second: string = yield ctx.waitForEvent("note");
          const other: string = yield ctx.waitForEvent("other");
          return [first, second, other];
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    await hub.client.raiseEvent(id, "other", "c");
    await hub.client.raiseEvent(id, "note", "a");
    await hub.client.raiseEvent(id, "note", "b");
    await hub.until(id, (_, h) => h.filter((e) => e.type === "EventRaised").length === 3);
    hub.advance(1000);
    expect((await hub.client.waitForCompletion(id)).output).toEqual(["a", "b", "c"]);
  });

  it("lists open waits with their tags and timeout, and clears them once answered", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          return yield ctx.waitForEvent("OrderApprovalResult", {
            timeoutMs: 30 * 60 * 1000,
            tags: { nodeId: "approve" },
          });
        },
      },
    });
    const id = await hub.client.start("o");
    const waiting = await hub.until(id, (i) => i.pendingWaits.length === 1);
    const wait = waiting.pendingWaits[0];
    expect(wait?.name).toBe("OrderApprovalResult");
    expect(wait?.tags).toEqual({ nodeId: "approve" });
    expect(Date.parse(wait?.timeoutAt ?? "") - Date.parse(wait?.since ?? "")).toBe(30 * 60 * 1000);
    await hub.client.raiseEvent(id, "OrderApprovalResult", { decision: "Approved" });
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toEqual({ decision: "Approved" });
    expect(done.pendingWaits).toEqual([]);
  });

  it("fails the wait with a TimeoutError when the timeout passes first, and keeps a late event", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          try {
            yield ctx.waitForEvent("approval", { timeoutMs: 1000 });
            return "approved";
          } catch (error) {
            const name = (error as Error).name;
            const late: string = yield ctx.waitForEvent("approval");
            return { name, late };
          }
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (i) => i.pendingWaits.length === 1);
    hub.advance(1000);
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerFired"));
    await hub.client.raiseEvent(id, "approval", "late one");
    expect((await hub.client.waitForCompletion(id)).output).toEqual({ name: "TimeoutError", late: "late one" });
  });

  it("refuses an event for an unknown instance and for a finished one", async () => {
    hub = createTestHub({
      orchestrators: {
        *o() {
          return 1;
        },
      },
    });
    await expect(hub.client.raiseEvent("nope", "x")).rejects.toMatchObject({ name: "InstanceNotFoundError" });
    const id = await hub.client.start("o");
    await hub.client.waitForCompletion(id);
    await expect(hub.client.raiseEvent(id, "x")).rejects.toMatchObject({ name: "InstanceStateError" });
  });

  it("sends an event from one instance to another", async () => {
    hub = createTestHub({
      orchestrators: {
        *receiver(ctx: OrchestrationContext) {
          return yield ctx.waitForEvent("ping");
        },
        *sender(ctx: OrchestrationContext, target: string) {
          ctx.sendEvent(target, "ping", { from: ctx.instanceId });
          return "sent";
        },
      },
    });
    const receiver = await hub.client.start("receiver", null, { instanceId: "receiver-1" });
    await hub.client.start("sender", receiver, { instanceId: "sender-1" });
    expect((await hub.client.waitForCompletion(receiver)).output).toEqual({ from: "sender-1" });
    const senderHistory = await hub.client.history("sender-1");
    expect(senderHistory.find((e) => e.type === "EventSent")).toMatchObject({ name: "ping", instanceId: "receiver-1" });
  });
});

describe("fan-out and fan-in", () => {
  it("waits for all tasks and returns their results in order", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext, n: number) {
          const tasks = Array.from({ length: n }, (_, i) => ctx.callActivity<number>("square", i));
          return yield ctx.all(tasks);
        },
      },
      activities: { square: async (i: number) => i * i },
    });
    const id = await hub.client.start("o", 20);
    expect((await hub.client.waitForCompletion(id)).output).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
  });

  it("fails all() as soon as one task fails", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          try {
            yield ctx.all([ctx.callActivity("ok"), ctx.callActivity("bad"), ctx.callActivity("ok")]);
            return "not reached";
          } catch (error) {
            return (error as Error).message;
          }
        },
      },
      activities: {
        ok: () => "ok",
        bad: () => {
          throw new Error("broken");
        },
      },
    });
    const id = await hub.client.start("o");
    expect((await hub.client.waitForCompletion(id)).output).toBe("Activity 'bad' failed: broken");
  });

  it("any() completes with the first task to settle: an event racing a timer", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          const approval = ctx.waitForEvent("approve");
          const deadline = ctx.sleep(10_000);
          const winner: Task<unknown> = yield ctx.any<unknown>([approval, deadline]);
          return winner === approval ? { approved: approval.result } : "timed out";
        },
      },
    });
    const first = await hub.client.start("o");
    await hub.until(first, (i) => i.pendingWaits.length === 1);
    await hub.client.raiseEvent(first, "approve", "yes");
    expect((await hub.client.waitForCompletion(first)).output).toEqual({ approved: "yes" });

    const second = await hub.client.start("o");
    await hub.until(second, (i) => i.pendingWaits.length === 1);
    hub.advance(10_000);
    expect((await hub.client.waitForCompletion(second)).output).toBe("timed out");
  });
});

describe("sub-orchestrations", () => {
  it("runs a child orchestration and completes with its output; the child links to its parent", async () => {
    hub = createTestHub({
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          const results: number[] = yield ctx.all([1, 2, 3].map((n) => ctx.callSubOrchestrator<number>("child", n)));
          return results;
        },
        *child(ctx: OrchestrationContext, n: number) {
          return yield ctx.callActivity("triple", n);
        },
      },
      activities: { triple: (n: number) => n * 3 },
    });
    const id = await hub.client.start("parent", null, { instanceId: "p1" });
    expect((await hub.client.waitForCompletion(id)).output).toEqual([3, 6, 9]);
    const children = await hub.client.list({ parentInstanceId: "p1" });
    expect(children.items).toHaveLength(3);
    expect(children.items.every((c) => c.status === "completed" && c.parentInstanceId === "p1")).toBe(true);
  });

  it("surfaces a child's failure and retries the child per its policy", async () => {
    let runs = 0;
    hub = createTestHub({
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          return yield ctx.callSubOrchestrator("child", null, { retry: { maxAttempts: 2, firstIntervalMs: 100 } });
        },
        *child() {
          runs += 1;
          if (runs === 1) throw new Error("first child run fails");
          return "second run ok";
        },
      },
    });
    const id = await hub.client.start("parent");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(100);
    expect((await hub.client.waitForCompletion(id)).output).toBe("second run ok");
    const history = await hub.client.history(id);
    expect(history.filter((e) => e.type === "SubOrchestrationCreated")).toHaveLength(2);
    expect(history.find((e) => e.type === "SubOrchestrationFailed")?.error?.message).toBe("first child run fails");
  });
});

describe("continue-as-new", () => {
  it("restarts the orchestration with new input and a fresh history, keeping unconsumed events", async () => {
    hub = createTestHub({
      orchestrators: {
        *counter(ctx: OrchestrationContext, state: { n: number; seen: string[] }) {
          const value: string = yield ctx.waitForEvent("tick");
          const seen = [...state.seen, value];
          if (state.n + 1 < 3) {
            ctx.continueAsNew({ n: state.n + 1, seen });
            return undefined;
          }
          return seen;
        },
      },
    });
    const id = await hub.client.start("counter", { n: 0, seen: [] });
    const started = await hub.client.get(id);
    for (const tick of ["a", "b", "c"]) await hub.client.raiseEvent(id, "tick", tick);
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toEqual(["a", "b", "c"]);
    expect(done.executionId).not.toBe(started?.executionId);
    const history = await hub.client.history(id);
    // Only the last execution's history remains.
    expect(history.filter((e) => e.type === "ExecutionStarted")).toHaveLength(1);
    expect(history.find((e) => e.type === "ExecutionStarted")?.input).toEqual({ n: 2, seen: ["a", "b"] });
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => (history[0]?.seq ?? 0) + i));
  });
});
