import { describe, expect, it } from "vitest";
import {
  LEASE_MS,
  SECOND,
  T0,
  claimAll,
  claimOne,
  commitOne,
  freshId,
  ids,
  message,
  start,
  startRunning,
  turnFor,
  type ContractContext,
} from "./helpers.js";

export function describeOrchestrations(ctx: ContractContext): void {
  describe("enqueueMessage", () => {
    it("puts a message in an existing instance's inbox and returns ok", async () => {
      const store = await ctx.open();
      const init = await start(store);
      expect(await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "approval", input: { ok: true } }, T0))).toBe("ok");
      const item = await claimOne(store, init.instanceId);
      expect(item.messages.map((m) => m.event)).toMatchObject([
        { type: "ExecutionStarted" },
        { type: "EventRaised", name: "approval", input: { ok: true } },
      ]);
    });

    it("keeps the message's executionId and visibleAt", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await store.enqueueMessage({
        ...message(init.instanceId, "TimerFired", { taskId: 3 }, T0 + 5 * SECOND),
        executionId: init.executionId,
      });
      const item = await claimOne(store, init.instanceId, T0 + 5 * SECOND);
      expect(item.messages[1]).toMatchObject({ instanceId: init.instanceId, executionId: init.executionId, visibleAt: T0 + 5 * SECOND });
    });

    it("treats a message without visibleAt as visible at once, whatever the wall clock says", async () => {
      const store = await ctx.open();
      const init = await start(store, { visibleAt: T0 + 3600 * SECOND });
      expect(await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "early" }))).toBe("ok");
      const item = await claimOne(store, init.instanceId, T0);
      expect(item.messages.map((m) => m.event.type)).toEqual(["EventRaised"]);
    });

    it("returns not-found for an unknown instance and writes nothing", async () => {
      const store = await ctx.open();
      const missing = freshId("missing");
      expect(await store.enqueueMessage(message(missing, "EventRaised", { name: "x" }, T0))).toBe("not-found");
      expect(await store.getInstance(missing)).toBeUndefined();
      expect(await claimAll(store, T0 + 3600 * SECOND)).toEqual([]);
    });

    it("returns rejected when the status is not in onlyIfStatus and writes nothing", async () => {
      const store = await ctx.open();
      const init = await startRunning(store);
      const msg = message(init.instanceId, "EventRaised", { name: "x" }, T0);
      expect(await store.enqueueMessage(msg, { onlyIfStatus: ["pending", "suspended"] })).toBe("rejected");
      expect(await claimAll(store, T0 + LEASE_MS)).toEqual([]);
      expect(await store.enqueueMessage(msg, { onlyIfStatus: ["running"] })).toBe("ok");
      expect(ids(await claimAll(store, T0 + LEASE_MS))).toEqual([init.instanceId]);
    });
  });

  describe("claimOrchestrations", () => {
    it("claims only instances with a visible message and returns their records", async () => {
      const store = await ctx.open();
      const now = await start(store, { input: { a: 1 } });
      const later = await start(store, { visibleAt: T0 + 60 * SECOND });
      const items = await claimAll(store, T0);
      expect(ids(items)).toEqual([now.instanceId]);
      expect(items[0]?.instance).toMatchObject({ instanceId: now.instanceId, status: "pending", input: { a: 1 }, lastSeq: 0 });
      expect(items[0]?.leaseToken).toEqual(expect.any(String));
      expect(ids(await claimAll(store, T0))).not.toContain(later.instanceId);
    });

    it("does not claim a message before now reaches its visibleAt", async () => {
      const store = await ctx.open();
      const init = await startRunning(store);
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 10 * SECOND));
      expect(await claimAll(store, T0 + 10 * SECOND - 1)).toEqual([]);
      const item = await claimOne(store, init.instanceId, T0 + 10 * SECOND);
      expect(item.messages.map((m) => m.event.type)).toEqual(["TimerFired"]);
    });

    it("returns only the messages visible at now", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 10 * SECOND));
      const item = await claimOne(store, init.instanceId, T0);
      expect(item.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted"]);
    });

    it("does not claim an instance whose lease is live, even when new messages arrive", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await claimOne(store, init.instanceId, T0);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "e" }, T0));
      expect(await claimAll(store, T0)).toEqual([]);
      expect(await claimAll(store, T0 + LEASE_MS - 1)).toEqual([]);
    });

    it("re-claims an instance once its lease has expired, with a new lease token", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const first = await claimOne(store, init.instanceId, T0);
      const second = await claimOne(store, init.instanceId, T0 + LEASE_MS);
      expect(second.leaseToken).not.toBe(first.leaseToken);
      expect(second.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
    });

    it("claims a suspended instance only for ExecutionResumed or ExecutionTerminated, returning only those", async () => {
      const store = await ctx.open();
      const init = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "e" }, T0));
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0));
      expect(await claimAll(store, T0)).toEqual([]);

      await store.enqueueMessage(message(init.instanceId, "ExecutionResumed", { reason: "go" }, T0));
      const item = await claimOne(store, init.instanceId, T0);
      expect(item.instance.status).toBe("suspended");
      expect(item.messages.map((m) => m.event.type)).toEqual(["ExecutionResumed"]);
    });

    it("claims a suspended instance for ExecutionTerminated", async () => {
      const store = await ctx.open();
      const init = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "e" }, T0));
      await store.enqueueMessage(message(init.instanceId, "ExecutionTerminated", { reason: "stop" }, T0));
      const item = await claimOne(store, init.instanceId, T0);
      expect(item.messages.map((m) => m.event.type)).toEqual(["ExecutionTerminated"]);
    });

    it("keeps a suspended instance's other messages for after it resumes", async () => {
      const store = await ctx.open();
      const init = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "e" }, T0));
      await store.enqueueMessage(message(init.instanceId, "ExecutionResumed", {}, T0));
      const resume = await claimOne(store, init.instanceId, T0);
      expect(await commitOne(store, turnFor(resume, { update: { lastSeq: 2, status: "running" } }))).toBe(true);
      const next = await claimOne(store, init.instanceId, T0);
      expect(next.messages.map((m) => m.event.type)).toEqual(["EventRaised"]);
    });

    it("returns messages in message-id order, at most maxMessages", async () => {
      const store = await ctx.open();
      const init = await start(store);
      for (const name of ["a", "b", "c", "d"]) {
        await store.enqueueMessage(message(init.instanceId, "EventRaised", { name }, T0));
      }
      const [item] = await claimAll(store, T0, { maxMessages: 3 });
      const messageIds = item?.messages.map((m) => m.id) ?? [];
      expect(messageIds).toHaveLength(3);
      expect([...messageIds].sort((a, b) => a - b)).toEqual(messageIds);
      expect(item?.messages.map((m) => (m.event.type === "EventRaised" ? m.event.name : m.event.type))).toEqual([
        "ExecutionStarted",
        "a",
        "b",
      ]);
    });

    it("claims at most limit instances, oldest work first", async () => {
      const store = await ctx.open();
      const first = await start(store);
      const second = await start(store);
      const third = await start(store);
      const claimed = await claimAll(store, T0, { limit: 2 });
      expect(ids(claimed).sort()).toEqual([first.instanceId, second.instanceId].sort());
      expect(ids(await claimAll(store, T0, { limit: 2 }))).toEqual([third.instanceId]);
    });

    it("sets the lease to expire leaseMs after now", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await claimOne(store, init.instanceId, T0, 5 * SECOND);
      expect(await claimAll(store, T0 + 5 * SECOND - 1)).toEqual([]);
      expect(ids(await claimAll(store, T0 + 5 * SECOND))).toEqual([init.instanceId]);
    });
  });

  describe("releaseOrchestration", () => {
    it("gives up a claim so the instance can be claimed again at once, with its messages", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const first = await claimOne(store, init.instanceId, T0);
      await store.releaseOrchestration(init.instanceId, first.leaseToken);
      const again = await claimOne(store, init.instanceId, T0);
      expect(again.leaseToken).not.toBe(first.leaseToken);
      expect(again.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
      expect(await commitOne(store, turnFor(first))).toBe(false);
    });

    it("ignores a release whose token no longer holds the lease", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const stale = await claimOne(store, init.instanceId, T0);
      const current = await claimOne(store, init.instanceId, T0 + LEASE_MS);
      await store.releaseOrchestration(init.instanceId, stale.leaseToken);
      expect(await claimAll(store, T0 + LEASE_MS)).toEqual([]);
      expect(await commitOne(store, turnFor(current), T0 + LEASE_MS)).toBe(true);
    });

    it("does nothing for an unknown instance", async () => {
      const store = await ctx.open();
      await expect(store.releaseOrchestration(freshId("missing"), "no-token")).resolves.toBeUndefined();
    });
  });
}
