import { describe, expect, it } from "vitest";
import { toIso } from "../../core/history.js";
import {
  FAR_FUTURE,
  SECOND,
  T0,
  activityTask,
  claimAll,
  claimOne,
  claimTasks,
  commitOne,
  event,
  firstTurn,
  freshId,
  ids,
  message,
  newInstance,
  start,
  startRunning,
  type ContractContext,
} from "./helpers.js";

export function describeGroupWrites(ctx: ContractContext): void {
  describe("createInstances", () => {
    it("creates every instance of the call, each pending with its ExecutionStarted message", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const inits = [
        newInstance({ input: { n: 1 } }),
        newInstance({ input: { n: 2 }, tags: { v: "2" }, parentInstanceId: parent.instanceId, parentTaskId: 7 }),
        newInstance({ input: { n: 3 }, visibleAt: T0 + 60 * SECOND }),
      ];
      const now = T0 + SECOND;
      expect(await store.createInstances(inits, now)).toEqual([{ created: true }, { created: true }, { created: true }]);
      for (const init of inits) {
        expect(await store.getInstance(init.instanceId)).toMatchObject({
          instanceId: init.instanceId,
          executionId: init.executionId,
          input: init.input,
          status: "pending",
          lastSeq: 0,
          createdAt: toIso(now),
        });
      }
      expect((await store.getInstance(inits[1]?.instanceId ?? ""))?.tags).toEqual({ v: "2" });
      const items = await claimAll(store, now);
      expect(ids(items).sort()).toEqual([parent.instanceId, inits[0]?.instanceId, inits[1]?.instanceId].sort());
      const child = items.find((item) => item.instance.instanceId === inits[1]?.instanceId);
      expect(child?.messages.map((m) => m.event)).toMatchObject([
        { type: "ExecutionStarted", input: { n: 2 }, executionId: inits[1]?.executionId, instanceId: parent.instanceId, taskId: 7 },
      ]);
      // A delayed start waits for its visibleAt, as with createInstance.
      expect(ids(await claimAll(store, T0 + 60 * SECOND - 1))).not.toContain(inits[2]?.instanceId);
      expect(ids(await claimAll(store, T0 + 60 * SECOND))).toContain(inits[2]?.instanceId);
    });

    it("reports an existing live instance with its status, leaves it alone and still creates the others", async () => {
      const store = await ctx.open();
      const pending = await start(store, { input: "mine" });
      const running = await startRunning(store);
      const suspended = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      const fresh = newInstance();
      const again = (init: typeof pending) => ({ ...init, executionId: freshId("exec"), input: "theirs" });
      expect(await store.createInstances([again(pending), fresh, again(running), again(suspended)], T0 + SECOND)).toEqual([
        { created: false, status: "pending" },
        { created: true },
        { created: false, status: "running" },
        { created: false, status: "suspended" },
      ]);
      expect(await store.getInstance(pending.instanceId)).toMatchObject({
        input: "mine",
        executionId: pending.executionId,
        createdAt: toIso(T0),
      });
      expect(await store.getInstance(running.instanceId)).toMatchObject({
        status: "running",
        executionId: running.executionId,
        lastSeq: 2,
      });
      expect((await store.getHistory(running.instanceId)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await store.getInstance(fresh.instanceId))?.status).toBe("pending");
      // The pending one still has just its own ExecutionStarted.
      const item = await claimOne(store, pending.instanceId, T0 + SECOND);
      expect(item.messages.map((m) => [m.event.type, m.event.executionId])).toEqual([["ExecutionStarted", pending.executionId]]);
    });

    it("replaces a terminal instance, deleting its old history, inbox and activity tasks", async () => {
      const store = await ctx.open();
      const old = await start(store, { input: "old" });
      const item = await claimOne(store, old.instanceId);
      const ended = firstTurn(item, {
        events: [event(1, "ExecutionStarted"), event(2, "OrchestratorStarted"), event(3, "ExecutionCompleted", { status: "completed" })],
        update: { lastSeq: 3, status: "completed", output: "done", completedAt: toIso(T0) },
        messages: [message(old.instanceId, "TimerFired", { taskId: 1 }, T0 + 3600 * SECOND)],
        activities: [activityTask(old, { visibleAt: T0 + 3600 * SECOND })],
      });
      expect(await commitOne(store, ended)).toBe(true);
      const later = T0 + 10 * SECOND;
      const fresh = { ...old, executionId: freshId("exec"), input: "new" };
      expect(await store.createInstances([fresh], later)).toEqual([{ created: true }]);
      const record = await store.getInstance(old.instanceId);
      expect(record).toMatchObject({
        status: "pending",
        lastSeq: 0,
        executionId: fresh.executionId,
        input: "new",
        createdAt: toIso(later),
      });
      expect(record?.output).toBeUndefined();
      expect(record?.completedAt).toBeUndefined();
      expect(await store.getHistory(old.instanceId)).toEqual([]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      const next = await claimOne(store, old.instanceId, FAR_FUTURE);
      expect(next.messages.map((m) => [m.event.type, m.event.executionId])).toEqual([["ExecutionStarted", fresh.executionId]]);
    });

    it("creates an id given twice in one call once: the first wins, the second is reported existing", async () => {
      const store = await ctx.open();
      const first = newInstance({ input: "first" });
      const second = { ...first, executionId: freshId("exec"), input: "second" };
      expect(await store.createInstances([first, second], T0)).toEqual([{ created: true }, { created: false, status: "pending" }]);
      expect(await store.getInstance(first.instanceId)).toMatchObject({ input: "first", executionId: first.executionId });
      const item = await claimOne(store, first.instanceId);
      expect(item.messages.map((m) => [m.event.type, m.event.input])).toEqual([["ExecutionStarted", "first"]]);
    });

    it("accepts an empty call", async () => {
      const store = await ctx.open();
      expect(await store.createInstances([], T0)).toEqual([]);
    });
  });

  describe("enqueueMessages", () => {
    it("returns ok, not-found or rejected per message, and writes exactly the accepted ones", async () => {
      const store = await ctx.open();
      const running = await startRunning(store);
      const pending = await start(store);
      const missing = freshId("missing");
      const results = await store.enqueueMessages([
        { message: message(running.instanceId, "EventRaised", { name: "one" }, T0) },
        { message: message(missing, "EventRaised", { name: "lost" }) },
        { message: message(running.instanceId, "EventRaised", { name: "refused" }, T0), onlyIfStatus: ["pending"] },
        { message: message(pending.instanceId, "EventRaised", { name: "early" }, T0), onlyIfStatus: ["pending"] },
        { message: message(running.instanceId, "EventRaised", { name: "two" }, T0), onlyIfStatus: ["running", "suspended"] },
        { message: message(running.instanceId, "TimerFired", { taskId: 1 }, T0 + 60 * SECOND) },
      ]);
      expect(results).toEqual(["ok", "not-found", "rejected", "ok", "ok", "ok"]);
      expect(await store.getInstance(missing)).toBeUndefined();
      const now = await claimOne(store, running.instanceId, T0);
      expect(now.messages.map((m) => m.event.name)).toEqual(["one", "two"]);
      const started = await claimOne(store, pending.instanceId, T0);
      expect(started.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted", "EventRaised"]);
      expect(started.messages[1]?.event.name).toBe("early");
      const timer = await claimOne(store, running.instanceId, T0 + 60 * SECOND);
      expect(timer.messages.map((m) => m.event.type)).toContain("TimerFired");
    });

    it("accepts an empty call", async () => {
      const store = await ctx.open();
      expect(await store.enqueueMessages([])).toEqual([]);
    });
  });
}
