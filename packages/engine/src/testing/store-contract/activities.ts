import { describe, expect, it } from "vitest";
import {
  FAR_FUTURE,
  LEASE_MS,
  SECOND,
  T0,
  claimAll,
  claimTasks,
  committed,
  freshId,
  ids,
  message,
  scheduleActivities,
  taskCompleted,
  turnFor,
  type ContractContext,
} from "./helpers.js";

export function describeActivities(ctx: ContractContext): void {
  describe("claimActivities", () => {
    it("claims only tasks whose visibleAt has passed", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "now" }, { name: "later", visibleAt: T0 + 10 * SECOND }]);
      expect((await claimTasks(store, T0)).map((t) => t.name)).toEqual(["now"]);
      expect(await claimTasks(store, T0 + 10 * SECOND - 1)).toEqual([]);
      expect((await claimTasks(store, T0 + 10 * SECOND)).map((t) => t.name)).toEqual(["later"]);
    });

    it("gives each claim a fresh lease token that expires leaseMs after now", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "a" }, { name: "b" }]);
      const claimed = await claimTasks(store, T0 + SECOND, { leaseMs: 7 * SECOND });
      expect(claimed).toHaveLength(2);
      expect(new Set(claimed.map((t) => t.leaseToken)).size).toBe(2);
      expect(new Set(claimed.map((t) => t.id)).size).toBe(2);
      for (const task of claimed) {
        expect(task.leaseExpiresAt).toBe(T0 + 8 * SECOND);
        expect(task.claimCount).toBe(1);
      }
    });

    it("does not claim a task whose lease is live", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      expect(await claimTasks(store, T0)).toHaveLength(1);
      expect(await claimTasks(store, T0)).toEqual([]);
      expect(await claimTasks(store, T0 + LEASE_MS - 1)).toEqual([]);
    });

    it("re-claims a task whose lease expired, with a new token and an incremented claimCount", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "flaky", attempt: 1 }]);
      const [first] = await claimTasks(store, T0);
      const [second] = await claimTasks(store, T0 + LEASE_MS);
      expect(second).toMatchObject({ id: first?.id, name: "flaky", attempt: 1, claimCount: 2, leaseExpiresAt: T0 + 2 * LEASE_MS });
      expect(second?.leaseToken).not.toBe(first?.leaseToken);
      const [third] = await claimTasks(store, T0 + 2 * LEASE_MS);
      expect(third?.claimCount).toBe(3);
    });

    it("claims only tasks whose name is in names", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "email.send" }, { name: "video.encode" }, { name: "http.request" }]);
      const claimed = await claimTasks(store, T0, { names: ["video.encode", "http.request"] });
      expect(claimed.map((t) => t.name).sort()).toEqual(["http.request", "video.encode"]);
      expect((await claimTasks(store, T0)).map((t) => t.name)).toEqual(["email.send"]);
    });

    it("claims at most `suspects` of the tasks claimed before, and any number of the others", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }, { name: "e" }]);
      // a, b are claimed twice and lapse; c once; d and e never.
      expect(await claimTasks(store, T0, { limit: 3 })).toHaveLength(3);
      expect((await claimTasks(store, T0 + LEASE_MS, { limit: 2 })).map((t) => t.name)).toEqual(["a", "b"]);
      const later = T0 + 2 * LEASE_MS;
      expect((await claimTasks(store, later, { suspects: 1 })).map((t) => [t.name, t.claimCount])).toEqual([
        ["a", 3],
        ["d", 1],
        ["e", 1],
      ]);
      // The other suspects wait their turn, one per claim, oldest first; names still filter.
      expect((await claimTasks(store, later, { suspects: 1, names: ["c"] })).map((t) => t.name)).toEqual(["c"]);
      expect((await claimTasks(store, later, { suspects: 1 })).map((t) => t.name)).toEqual(["b"]);
      expect(await claimTasks(store, later, { suspects: 1 })).toEqual([]);
      // 0: no suspect at all (all five are suspects now); the fresh ones as usual.
      await scheduleActivities(store, [{ name: "f" }, { name: "g" }, { name: "h" }], later);
      expect((await claimTasks(store, later + LEASE_MS, { suspects: 0, limit: 2 })).map((t) => t.name)).toEqual(["f", "g"]);
      // limit counts the suspects too.
      expect((await claimTasks(store, later + LEASE_MS, { suspects: 2, limit: 3 })).map((t) => t.name)).toEqual(["a", "b", "h"]);
      // Without the bound, all of them, oldest first.
      expect((await claimTasks(store, later + LEASE_MS)).map((t) => t.name)).toEqual(["c", "d", "e"]);
    });

    it("claims at most limit tasks, oldest first", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "first" }, { name: "second" }, { name: "third" }]);
      expect((await claimTasks(store, T0, { limit: 2 })).map((t) => t.name)).toEqual(["first", "second"]);
      expect((await claimTasks(store, T0, { limit: 2 })).map((t) => t.name)).toEqual(["third"]);
    });
  });

  describe("renewActivityLeases", () => {
    it("extends the leases still held and returns only their ids", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "kept" }, { name: "lost" }]);
      const claimed = await claimTasks(store, T0);
      const kept = claimed.find((t) => t.name === "kept");
      const lost = claimed.find((t) => t.name === "lost");
      if (!kept || !lost) throw new Error("both tasks should be claimed");
      expect(await store.renewActivityLeases([{ id: kept.id, leaseToken: kept.leaseToken }], LEASE_MS, T0 + LEASE_MS - 1)).toEqual([
        kept.id,
      ]);
      // "lost" expired and went to another worker; "kept" was renewed and stays with us.
      const reclaimed = await claimTasks(store, T0 + LEASE_MS, { owner: "other-worker" });
      expect(reclaimed.map((t) => t.name)).toEqual(["lost"]);
      const held = await store.renewActivityLeases(
        [
          { id: kept.id, leaseToken: kept.leaseToken },
          { id: lost.id, leaseToken: lost.leaseToken },
          { id: "no-such-task", leaseToken: "x" },
        ],
        LEASE_MS,
        T0 + LEASE_MS + SECOND,
      );
      expect(held).toEqual([kept.id]);
    });

    it("keeps other workers from claiming a renewed task until the new expiry", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      expect(await store.renewActivityLeases([{ id: task.id, leaseToken: task.leaseToken }], LEASE_MS, T0 + 20 * SECOND)).toEqual([
        task.id,
      ]);
      expect(await claimTasks(store, T0 + LEASE_MS + SECOND)).toEqual([]);
      expect(await claimTasks(store, T0 + 20 * SECOND + LEASE_MS - 1)).toEqual([]);
      expect(await claimTasks(store, T0 + 20 * SECOND + LEASE_MS)).toHaveLength(1);
    });

    it("does not renew a lease that has already expired", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      expect(await store.renewActivityLeases([{ id: task.id, leaseToken: task.leaseToken }], LEASE_MS, T0 + LEASE_MS)).toEqual([]);
      expect(await claimTasks(store, T0 + LEASE_MS)).toHaveLength(1);
    });
  });

  describe("completeActivities", () => {
    it("deletes the task and enqueues its result message together", async () => {
      const store = await ctx.open();
      const init = await scheduleActivities(store, [{ name: "charge" }]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      const results = await store.completeActivities(
        [{ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task, { charged: 100 }) }],
        T0 + SECOND,
      );
      expect(results).toEqual([true]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      const items = await claimAll(store, T0 + SECOND);
      expect(ids(items)).toEqual([init.instanceId]);
      expect(items[0]?.messages.map((m) => m.event)).toMatchObject([{ type: "TaskCompleted", taskId: 1, result: { charged: 100 } }]);
    });

    it("rejects a result whose lease token is stale and writes nothing", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      const [stale] = await claimTasks(store, T0);
      const [current] = await claimTasks(store, T0 + LEASE_MS, { owner: "other-worker" });
      if (!stale || !current) throw new Error("task should be claimed twice");
      expect(
        await store.completeActivities(
          [{ id: stale.id, leaseToken: stale.leaseToken, message: taskCompleted(stale, "stale") }],
          T0 + LEASE_MS,
        ),
      ).toEqual([false]);
      expect(await claimAll(store, FAR_FUTURE)).toEqual([]);
      expect(
        await store.completeActivities(
          [{ id: current.id, leaseToken: current.leaseToken, message: taskCompleted(current, "fresh") }],
          T0 + LEASE_MS,
        ),
      ).toEqual([true]);
      const [item] = await claimAll(store, T0 + LEASE_MS);
      expect(item?.messages.map((m) => m.event.result)).toEqual(["fresh"]);
    });

    it("rejects a result whose lease expired before now and writes nothing", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      expect(
        await store.completeActivities([{ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task) }], T0 + LEASE_MS + 1),
      ).toEqual([false]);
      expect(await claimAll(store, FAR_FUTURE)).toEqual([]);
      expect(await claimTasks(store, T0 + LEASE_MS + 1)).toHaveLength(1);
    });

    it("returns false for an unknown task id", async () => {
      const store = await ctx.open();
      const init = await scheduleActivities(store, []);
      const result = { id: freshId("task"), leaseToken: "token", message: message(init.instanceId, "TaskCompleted", { taskId: 1 }) };
      expect(await store.completeActivities([result], T0)).toEqual([false]);
      expect(await claimAll(store, FAR_FUTURE)).toEqual([]);
    });

    it("returns one boolean per result, in order", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ name: "a" }, { name: "b" }]);
      const [a, b] = await claimTasks(store, T0);
      if (!a || !b) throw new Error("both tasks should be claimed");
      const results = await store.completeActivities(
        [
          { id: a.id, leaseToken: a.leaseToken, message: taskCompleted(a) },
          { id: b.id, leaseToken: "wrong", message: taskCompleted(b) },
          { id: a.id, leaseToken: a.leaseToken, message: taskCompleted(a) },
        ],
        T0 + SECOND,
      );
      expect(results).toEqual([true, false, false]);
      const [item] = await claimAll(store, T0 + SECOND);
      expect(item?.messages).toHaveLength(1);
    });

    it("rejects the result of a task whose instance was purged", async () => {
      const store = await ctx.open();
      const init = await scheduleActivities(store, [{}]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      await store.enqueueMessage(message(init.instanceId, "ExecutionTerminated", {}, T0));
      const [item] = await claimAll(store, T0);
      if (!item) throw new Error("instance should be claimed");
      // The instance ends without cancelling its task; the purge removes both.
      expect(committed(await store.commitTurns([turnFor(item, { update: { lastSeq: 2, status: "terminated" } })], T0))).toEqual([true]);
      expect(await store.purgeInstance(init.instanceId)).toBe("purged");
      expect(await store.completeActivities([{ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task) }], T0)).toEqual([
        false,
      ]);
      expect(await store.getInstance(init.instanceId)).toBeUndefined();
    });
  });
}
