import { describe, expect, it } from "vitest";
import { toIso } from "../../core/history.js";
import type { InstanceRecord } from "../../runtime/instance.js";
import type { TaskHubStore } from "../../runtime/store.js";
import {
  FAR_FUTURE,
  LEASE_MS,
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
  start,
  startRunning,
  turnFor,
  type ContractContext,
} from "./helpers.js";

export function describeInstances(ctx: ContractContext): void {
  describe("createInstance", () => {
    it("creates a pending instance with lastSeq 0 and the given fields", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const init = await start(
        store,
        { input: { order: 7 }, tags: { version: "3" }, parentInstanceId: parent.instanceId, parentTaskId: 4 },
        T0 + SECOND,
      );
      const record = await store.getInstance(init.instanceId);
      expect(record).toMatchObject({
        instanceId: init.instanceId,
        name: init.name,
        executionId: init.executionId,
        status: "pending",
        input: { order: 7 },
        tags: { version: "3" },
        parentInstanceId: parent.instanceId,
        parentTaskId: 4,
        lastSeq: 0,
        pendingWaits: [],
        createdAt: toIso(T0 + SECOND),
        updatedAt: toIso(T0 + SECOND),
      });
      expect(record?.output).toBeUndefined();
      expect(record?.error).toBeUndefined();
      expect(record?.completedAt).toBeUndefined();
    });

    it("defaults tags to an empty object and leaves parent fields absent", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const record = await store.getInstance(init.instanceId);
      expect(record?.tags).toEqual({});
      expect(record?.parentInstanceId).toBeUndefined();
      expect(record?.parentTaskId).toBeUndefined();
    });

    it("enqueues an ExecutionStarted message that is visible at once", async () => {
      const store = await ctx.open();
      const init = await start(store, { input: ["a", 1] });
      const item = await claimOne(store, init.instanceId, T0);
      expect(item.messages).toHaveLength(1);
      expect(item.messages[0]?.event).toMatchObject({
        type: "ExecutionStarted",
        name: init.name,
        input: ["a", 1],
        executionId: init.executionId,
      });
      expect(item.messages[0]?.instanceId).toBe(init.instanceId);
    });

    it("records the parent in a child's ExecutionStarted message", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const child = await start(store, { parentInstanceId: parent.instanceId, parentTaskId: 9 });
      const item = await claimOne(store, child.instanceId);
      expect(item.messages[0]?.event).toMatchObject({ type: "ExecutionStarted", instanceId: parent.instanceId, taskId: 9 });
    });

    it("holds the ExecutionStarted message back until init.visibleAt", async () => {
      const store = await ctx.open();
      const init = await start(store, { visibleAt: T0 + 60 * SECOND });
      expect(ids(await claimAll(store, T0 + 59 * SECOND))).not.toContain(init.instanceId);
      expect(ids(await claimAll(store, T0 + 60 * SECOND))).toContain(init.instanceId);
    });

    it("refuses an id that belongs to a pending instance and changes nothing", async () => {
      const store = await ctx.open();
      const init = await start(store, { input: "first" });
      await expect(store.createInstance({ ...init, input: "second" }, T0 + SECOND)).rejects.toMatchObject({
        name: "InstanceExistsError",
        code: "instance-exists",
      });
      const record = await store.getInstance(init.instanceId);
      expect(record?.input).toBe("first");
      const item = await claimOne(store, init.instanceId, T0 + SECOND);
      expect(item.messages).toHaveLength(1);
    });

    it("refuses an id that belongs to a running or suspended instance", async () => {
      const store = await ctx.open();
      const running = await startRunning(store);
      const suspended = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      for (const init of [running, suspended]) {
        await expect(store.createInstance({ ...init, executionId: freshId("exec") }, T0 + SECOND)).rejects.toMatchObject({
          name: "InstanceExistsError",
        });
      }
      expect((await store.getInstance(suspended.instanceId))?.status).toBe("suspended");
    });

    it("replaces a terminal instance, deleting its old history, inbox and activity tasks", async () => {
      const store = await ctx.open();
      const old = await start(store, { input: "old", tags: { gen: "1" } });
      const item = await claimOne(store, old.instanceId);
      const committed = await commitOne(
        store,
        firstTurn(item, {
          events: [event(1, "ExecutionStarted"), event(2, "OrchestratorStarted"), event(3, "ExecutionCompleted", { status: "completed" })],
          update: { lastSeq: 3, status: "completed", output: "done", completedAt: toIso(T0) },
          messages: [message(old.instanceId, "TimerFired", { taskId: 1 }, T0 + 3600 * SECOND)],
          activities: [activityTask(old, { visibleAt: T0 + 3600 * SECOND })],
        }),
      );
      expect(committed).toBe(true);

      const later = T0 + 10 * SECOND;
      const fresh = { ...old, executionId: freshId("exec"), input: "new", tags: { gen: "2" } };
      await store.createInstance(fresh, later);

      const record = await store.getInstance(old.instanceId);
      expect(record).toMatchObject({
        status: "pending",
        lastSeq: 0,
        executionId: fresh.executionId,
        input: "new",
        tags: { gen: "2" },
        createdAt: toIso(later),
      });
      expect(record?.output).toBeUndefined();
      expect(record?.completedAt).toBeUndefined();
      expect(await store.getHistory(old.instanceId)).toEqual([]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      const next = await claimOne(store, old.instanceId, FAR_FUTURE);
      expect(next.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted"]);
      expect(next.messages[0]?.event.executionId).toBe(fresh.executionId);
    });
  });

  describe("getInstance", () => {
    it("returns undefined for an unknown instance id", async () => {
      const store = await ctx.open();
      expect(await store.getInstance(freshId("missing"))).toBeUndefined();
    });
  });

  describe("listInstances", () => {
    /** Instances of one test share a fresh orchestrator name, so the filters see only them. */
    async function seed(store: TaskHubStore, count: number, at: (index: number) => number): Promise<{ name: string; created: string[] }> {
      const name = freshId("list");
      const created: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const init = await start(store, { name, instanceId: `${name}-${String(index).padStart(2, "0")}` }, at(index));
        created.push(init.instanceId);
      }
      return { name, created };
    }

    it("lists newest first, breaking createdAt ties by instance id descending", async () => {
      const store = await ctx.open();
      const { name } = await seed(store, 4, (i) => (i < 2 ? T0 : T0 + SECOND));
      const page = await store.listInstances({ name });
      expect(page.items.map((r) => r.instanceId)).toEqual([`${name}-03`, `${name}-02`, `${name}-01`, `${name}-00`]);
      expect(page.nextCursor).toBeUndefined();
    });

    it("filters by any of the given statuses", async () => {
      const store = await ctx.open();
      const name = freshId("list");
      const pending = await start(store, { name });
      const running = await startRunning(store, { name });
      const suspended = await startRunning(store, { name }, { update: { lastSeq: 2, status: "suspended" } });
      const page = await store.listInstances({ name, status: ["running", "suspended"] });
      expect(page.items.map((r) => r.instanceId).sort()).toEqual([running.instanceId, suspended.instanceId].sort());
      expect((await store.listInstances({ name, status: ["pending"] })).items.map((r) => r.instanceId)).toEqual([pending.instanceId]);
    });

    it("filters by orchestrator name", async () => {
      const store = await ctx.open();
      const a = await start(store, { name: freshId("name-a") });
      await start(store, { name: freshId("name-b") });
      expect((await store.listInstances({ name: a.name })).items.map((r) => r.instanceId)).toEqual([a.instanceId]);
    });

    it("filters by tags, requiring every given tag to match exactly", async () => {
      const store = await ctx.open();
      const name = freshId("list");
      const both = await start(store, { name, tags: { env: "prod", version: "2" } });
      await start(store, { name, tags: { env: "prod", version: "1" } });
      await start(store, { name, tags: { env: "production", version: "2" } });
      await start(store, { name });
      const page = await store.listInstances({ name, tags: { env: "prod", version: "2" } });
      expect(page.items.map((r) => r.instanceId)).toEqual([both.instanceId]);
      expect((await store.listInstances({ name, tags: { env: "prod" } })).items).toHaveLength(2);
    });

    it("filters by createdFrom (inclusive) and createdTo (exclusive)", async () => {
      const store = await ctx.open();
      const { name, created } = await seed(store, 4, (i) => T0 + i * 60 * SECOND);
      const page = await store.listInstances({ name, createdFrom: toIso(T0 + 60 * SECOND), createdTo: toIso(T0 + 180 * SECOND) });
      expect(page.items.map((r) => r.instanceId)).toEqual([created[2], created[1]]);
    });

    it("filters by a case-sensitive instance id substring", async () => {
      const store = await ctx.open();
      const name = freshId("list");
      const tag = freshId("Needle");
      const hit = await start(store, { name, instanceId: `order-${tag}-1` });
      await start(store, { name, instanceId: `order-${tag.toLowerCase()}-2` });
      await start(store, { name });
      expect((await store.listInstances({ name, idContains: tag })).items.map((r) => r.instanceId)).toEqual([hit.instanceId]);
    });

    it("filters by parent instance id", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const child = await start(store, { parentInstanceId: parent.instanceId, parentTaskId: 1 });
      await start(store, { parentInstanceId: freshId("other-parent"), parentTaskId: 1 });
      const page = await store.listInstances({ parentInstanceId: parent.instanceId });
      expect(page.items.map((r) => r.instanceId)).toEqual([child.instanceId]);
    });

    it("returns at most 50 instances when no limit is given", async () => {
      const store = await ctx.open();
      const { name } = await seed(store, 51, () => T0);
      const page = await store.listInstances({ name });
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).toBeDefined();
    });

    it("pages with a cursor without duplicates or gaps", async () => {
      const store = await ctx.open();
      const { name, created } = await seed(store, 8, (i) => T0 + Math.floor(i / 3) * SECOND);
      const expected = (await store.listInstances({ name, limit: 100 })).items.map((r) => r.instanceId);
      expect([...expected].sort()).toEqual([...created].sort());

      const seen: InstanceRecord[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listInstances({ name, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(10);
      } while (cursor !== undefined);
      expect(seen.map((r) => r.instanceId)).toEqual(expected);
    });

    it("keeps paging stable when newer instances are created between pages", async () => {
      const store = await ctx.open();
      const { name, created } = await seed(store, 4, (i) => T0 + i * SECOND);
      const first = await store.listInstances({ name, limit: 2 });
      await start(store, { name }, T0 + 100 * SECOND);
      const second = await store.listInstances({ name, limit: 2, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
      expect([...first.items, ...second.items].map((r) => r.instanceId)).toEqual([...created].reverse());
    });
  });

  describe("getHistory", () => {
    it("returns the events after afterSeq, in seq order, at most limit", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const events = [1, 2, 3, 4, 5].map((seq) => event(seq, seq === 1 ? "ExecutionStarted" : "OrchestratorStarted"));
      expect(await commitOne(store, turnFor(item, { events, update: { lastSeq: 5, status: "running" } }))).toBe(true);
      expect((await store.getHistory(init.instanceId)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.getHistory(init.instanceId, { afterSeq: 2 })).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect((await store.getHistory(init.instanceId, { afterSeq: 1, limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.getHistory(init.instanceId, { afterSeq: 5 })).toEqual([]);
    });

    it("returns an empty history for an unknown instance", async () => {
      const store = await ctx.open();
      expect(await store.getHistory(freshId("missing"))).toEqual([]);
    });
  });

  describe("purgeInstance", () => {
    it("purges a terminal instance with its history, inbox and activity tasks", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      expect(
        await commitOne(
          store,
          firstTurn(item, {
            update: { lastSeq: 2, status: "failed", error: { name: "Error", message: "boom" }, completedAt: toIso(T0) },
            messages: [message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 3600 * SECOND)],
            activities: [activityTask(init, { visibleAt: T0 + 3600 * SECOND })],
          }),
        ),
      ).toBe(true);
      expect(await store.purgeInstance(init.instanceId)).toBe("purged");
      expect(await store.getInstance(init.instanceId)).toBeUndefined();
      expect(await store.getHistory(init.instanceId)).toEqual([]);
      expect(await claimAll(store, FAR_FUTURE)).toEqual([]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      expect(await store.listInstances({ name: init.name, idContains: init.instanceId })).toEqual({ items: [] });
    });

    it("lets a purged id be used again", async () => {
      const store = await ctx.open();
      const init = await startRunning(store, {}, { update: { lastSeq: 2, status: "terminated", completedAt: toIso(T0) } });
      expect(await store.purgeInstance(init.instanceId)).toBe("purged");
      await store.createInstance({ ...init, executionId: freshId("exec") }, T0 + SECOND);
      expect((await store.getInstance(init.instanceId))?.status).toBe("pending");
    });

    it("returns not-found for an unknown instance", async () => {
      const store = await ctx.open();
      expect(await store.purgeInstance(freshId("missing"))).toBe("not-found");
    });

    it("refuses to purge a pending, running or suspended instance and deletes nothing", async () => {
      const store = await ctx.open();
      const pending = await start(store);
      const running = await startRunning(store);
      const suspended = await startRunning(store, {}, { update: { lastSeq: 2, status: "suspended" } });
      for (const init of [pending, running, suspended]) {
        expect(await store.purgeInstance(init.instanceId)).toBe("not-terminal");
        expect(await store.getInstance(init.instanceId)).toBeDefined();
      }
      expect(await store.getHistory(running.instanceId)).toHaveLength(2);
      expect(ids(await claimAll(store, T0 + LEASE_MS))).toEqual([pending.instanceId]);
    });
  });
}
