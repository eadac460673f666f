import { describe, expect, it, vi } from "vitest";
import { toIso } from "../../core/history.js";
import type { StoreNotification } from "../../runtime/store.js";
import {
  LEASE_MS,
  SECOND,
  T0,
  activityTask,
  awkward,
  claimAll,
  claimOne,
  claimTasks,
  commitOne,
  committed,
  event,
  firstTurn,
  ids,
  message,
  newInstance,
  scheduleActivities,
  start,
  startRunning,
  turnFor,
  type ContractContext,
} from "./helpers.js";

/** Notifications may arrive asynchronously (LISTEN/NOTIFY), so wait for them. */
const eventually = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: 5_000, interval: 10 });

export function describeMisc(ctx: ContractContext): void {
  describe("counts", () => {
    it("counts instances by status, every status present", async () => {
      const store = await ctx.open();
      const empty = await store.countInstances();
      expect(empty).toEqual({ pending: 0, running: 0, suspended: 0, completed: 0, failed: 0, terminated: 0 });
      await start(store);
      await start(store);
      await startRunning(store);
      const counts = await store.countInstances();
      expect(counts.pending).toBe(2);
      expect(counts.running).toBe(1);
      expect(counts.completed).toBe(0);
    });

    it("reports the queue depth: instances with visible work, visible unleased activity tasks", async () => {
      const store = await ctx.open();
      await start(store);
      await start(store, { visibleAt: T0 + 60 * SECOND });
      await scheduleActivities(store, [{}, {}]);
      expect(await store.queueDepth(T0)).toEqual({ orchestrations: 1, activities: 2 });
      await claimTasks(store, T0, { limit: 1 });
      expect(await store.queueDepth(T0)).toEqual({ orchestrations: 1, activities: 1 });
      expect((await store.queueDepth(T0 + 61 * SECOND)).orchestrations).toBe(2);
    });
  });

  describe("nextWakeAt", () => {
    it("returns undefined when nothing becomes visible or expires after now", async () => {
      const store = await ctx.open();
      expect(await store.nextWakeAt(T0)).toBeUndefined();
      await start(store);
      expect(await store.nextWakeAt(T0)).toBeUndefined();
    });

    it("returns the visibleAt of the earliest future inbox message", async () => {
      const store = await ctx.open();
      await start(store, { visibleAt: T0 + 60 * SECOND });
      const init = await start(store);
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 30 * SECOND));
      expect(await store.nextWakeAt(T0)).toBe(T0 + 30 * SECOND);
      expect(await store.nextWakeAt(T0 + 30 * SECOND)).toBe(T0 + 60 * SECOND);
    });

    it("returns the visibleAt of a future activity task", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{ visibleAt: T0 + 45 * SECOND }]);
      expect(await store.nextWakeAt(T0)).toBe(T0 + 45 * SECOND);
    });

    it("returns the expiry of an orchestration lease", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await claimOne(store, init.instanceId, T0, 20 * SECOND);
      expect(await store.nextWakeAt(T0 + SECOND)).toBe(T0 + 20 * SECOND);
    });

    it("returns the expiry of an activity lease", async () => {
      const store = await ctx.open();
      await scheduleActivities(store, [{}]);
      await claimTasks(store, T0 + SECOND, { leaseMs: 10 * SECOND });
      expect(await store.nextWakeAt(T0 + SECOND)).toBe(T0 + 11 * SECOND);
    });
  });

  describe("subscribe", () => {
    it("notifies instance-changed after createInstance, enqueueMessage and commitTurns", async () => {
      const store = await ctx.open();
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const init = await start(store);
      const changed = { kind: "instance-changed", instanceId: init.instanceId };
      await eventually(() => expect(seen).toContainEqual(changed));

      seen.length = 0;
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "e" }, T0));
      await eventually(() => expect(seen).toContainEqual(changed));

      const item = await claimOne(store, init.instanceId);
      seen.length = 0;
      const child = newInstance();
      expect(await commitOne(store, firstTurn(item, { instances: [child] }))).toBe(true);
      await eventually(() => {
        // The turn made it running, so the notification says so; the child's status is not the turn's.
        expect(seen).toContainEqual({ ...changed, status: "running" });
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: child.instanceId });
      });
    });

    it("notifies work-available for the orchestration queue when a message or an instance is added", async () => {
      const store = await ctx.open();
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const work = { kind: "work-available", queue: "orchestration" };
      const init = await start(store);
      await eventually(() => expect(seen).toContainEqual(work));
      const item = await claimOne(store, init.instanceId);
      expect(await commitOne(store, firstTurn(item))).toBe(true);
      seen.length = 0;
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 60 * SECOND));
      await eventually(() => expect(seen).toContainEqual(work));
    });

    it("notifies work-available for the activity queue when a turn schedules tasks", async () => {
      const store = await ctx.open();
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      await scheduleActivities(store, [{}]);
      await eventually(() => expect(seen).toContainEqual({ kind: "work-available", queue: "activity" }));
    });

    it("notifies work-available for the orchestration queue when an activity completes", async () => {
      const store = await ctx.open();
      const init = await scheduleActivities(store, [{}]);
      const [task] = await claimTasks(store, T0);
      if (!task) throw new Error("task should be claimed");
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const result = { id: task.id, leaseToken: task.leaseToken, message: message(init.instanceId, "TaskCompleted", { taskId: 1 }) };
      expect(await store.completeActivities([result], T0)).toEqual([true]);
      await eventually(() => {
        expect(seen).toContainEqual({ kind: "work-available", queue: "orchestration" });
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: init.instanceId });
      });
    });

    it("stops notifying a listener after it unsubscribes", async () => {
      const store = await ctx.open();
      const gone: StoreNotification[] = [];
      const sentinel: StoreNotification[] = [];
      const unsubscribe = store.subscribe((n) => gone.push(n));
      store.subscribe((n) => sentinel.push(n));
      unsubscribe();
      const init = await start(store);
      await eventually(() => expect(sentinel).toContainEqual({ kind: "instance-changed", instanceId: init.instanceId }));
      expect(gone).toEqual([]);
    });
  });

  describe("JSON values", () => {
    it("round-trips JSON values through input, output, customStatus, waits, events, messages and tasks", async () => {
      const store = await ctx.open();
      const tags = { "ключ ✓": "значение 😀", empty: "", quote: "\"'" };
      const init = await start(store, { input: awkward, tags });
      expect(await store.getInstance(init.instanceId)).toMatchObject({ input: awkward, tags });

      const item = await claimOne(store, init.instanceId);
      expect(item.messages[0]?.event.input).toEqual(awkward);
      const waits = [
        { name: "ünïcode wait", since: toIso(T0), tags: { n: 1, b: true, z: null, s: "✓", choices: ["Approved", "Rejected"] } },
      ];
      const events = [
        event(1, "ExecutionStarted", { input: awkward, tags: { n: 1.5, b: false, z: null, s: "日本" } }),
        event(2, "TaskCompleted", { taskId: 1, result: awkward, error: { name: "E", message: "✗", details: awkward } }),
      ];
      const turn = turnFor(item, {
        events,
        update: { lastSeq: 2, status: "completed", output: awkward, customStatus: awkward, pendingWaits: waits, completedAt: toIso(T0) },
        messages: [message(init.instanceId, "EventRaised", { name: "späť", input: awkward }, T0 + SECOND)],
        activities: [
          activityTask(init, {
            input: awkward,
            tags: { nodeId: "ノード", index: 2, flag: true, none: null, meta: { a: [1, { b: null }] } },
          }),
        ],
      });
      expect(await commitOne(store, turn)).toBe(true);

      expect(await store.getInstance(init.instanceId)).toMatchObject({ output: awkward, customStatus: awkward, pendingWaits: waits });
      expect(await store.getHistory(init.instanceId)).toEqual(events);
      const [next] = await claimAll(store, T0 + SECOND);
      expect(next?.messages[0]?.event).toMatchObject({ name: "späť", input: awkward });
      const [task] = await claimTasks(store, T0);
      expect(task).toMatchObject({
        input: awkward,
        tags: { nodeId: "ノード", index: 2, flag: true, none: null, meta: { a: [1, { b: null }] } },
      });
    });

    it("keeps scalar inputs exactly, null apart from absent", async () => {
      const store = await ctx.open();
      for (const input of [null, 0, -7.5, false, true, "", "text", [], {}]) {
        const init = await start(store, { input });
        expect((await store.getInstance(init.instanceId))?.input).toEqual(input);
      }
      const absent = await start(store, { input: undefined });
      expect((await store.getInstance(absent.instanceId))?.input).toBeUndefined();
    });
  });

  describe("concurrency", () => {
    it("never claims an instance twice under concurrent claims", async () => {
      const store = await ctx.open();
      const started: string[] = [];
      for (let i = 0; i < 30; i += 1) started.push((await start(store)).instanceId);
      const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => claimAll(store, T0, { limit: 5, owner: `worker-${i}` })));
      const claimed = batches.flatMap(ids);
      expect(new Set(claimed).size).toBe(claimed.length);
      const rest = ids(await claimAll(store, T0));
      expect([...claimed, ...rest].sort()).toEqual([...started].sort());
    });

    it("never claims an activity task twice under concurrent claims", async () => {
      const store = await ctx.open();
      await scheduleActivities(
        store,
        Array.from({ length: 30 }, () => ({})),
      );
      const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => claimTasks(store, T0, { limit: 5, owner: `worker-${i}` })));
      const claimed = batches.flat().map((t) => t.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      const rest = (await claimTasks(store, T0)).map((t) => t.id);
      expect(new Set([...claimed, ...rest]).size).toBe(30);
    });

    it("commits concurrent batches of turns for different instances", async () => {
      const store = await ctx.open();
      for (let i = 0; i < 20; i += 1) await start(store);
      const items = await claimAll(store, T0);
      expect(items).toHaveLength(20);
      const batches = [0, 1, 2, 3].map((b) => items.filter((_, i) => i % 4 === b).map((item) => firstTurn(item)));
      const results = await Promise.all(batches.map((batch) => store.commitTurns(batch, T0)));
      expect(results.flatMap(committed)).toEqual(Array.from({ length: 20 }, () => true));
      for (const item of items) expect(await store.getHistory(item.instance.instanceId)).toHaveLength(2);
    });

    it("appends every message exactly once while workers claim and commit concurrently", async () => {
      const store = await ctx.open();
      const instances: string[] = [];
      for (let i = 0; i < 5; i += 1) instances.push((await startRunning(store)).instanceId);
      let consumed = 0;
      const total = 60;
      const producer = (async () => {
        for (let i = 0; i < total; i += 1) {
          const target = instances[i % instances.length] as string;
          expect(await store.enqueueMessage(message(target, "EventRaised", { name: `m${i}` }, T0))).toBe("ok");
        }
      })();
      const worker = async (name: string) => {
        for (let round = 0; round < 500 && consumed < total; round += 1) {
          const items = await claimAll(store, T0, { limit: 2, owner: name, leaseMs: LEASE_MS });
          const turns = items.map((item) =>
            turnFor(item, {
              events: item.messages.map((m, k) => event(item.instance.lastSeq + k + 1, "EventRaised", { name: m.event.name ?? "" })),
              update: { lastSeq: item.instance.lastSeq + item.messages.length },
            }),
          );
          const results = await store.commitTurns(turns, T0);
          results.forEach((outcome, k) => {
            if (outcome.committed) consumed += items[k]?.messages.length ?? 0;
          });
          if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      await Promise.all([producer, worker("w1"), worker("w2"), worker("w3")]);
      expect(consumed).toBe(total);
      const names: string[] = [];
      for (const instanceId of instances) {
        const history = await store.getHistory(instanceId);
        expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
        names.push(...history.filter((e) => e.type === "EventRaised").map((e) => e.name ?? ""));
      }
      expect(names.sort()).toEqual(Array.from({ length: total }, (_, i) => `m${i}`).sort());
    });
  });
}
