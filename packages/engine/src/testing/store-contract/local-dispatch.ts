import { describe, expect, it, vi } from "vitest";
import { toIso } from "../../core/history.js";
import type { InstanceRecord, InstanceStatus } from "../../runtime/instance.js";
import type { ActivityWorkItem, TaskHubStore, StoreNotification } from "../../runtime/store.js";
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
  committed,
  event,
  firstTurn,
  freshId,
  ids,
  localTurn,
  message,
  newInstance,
  scheduleActivities,
  start,
  startRunning,
  taskCompleted,
  turnFor,
  type ContractContext,
} from "./helpers.js";

/** Notifications may arrive asynchronously (LISTEN/NOTIFY), so wait for them. */
const eventually = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: 5_000, interval: 10 });

const OWNER = "local-worker";
const activityWork: StoreNotification = { kind: "work-available", queue: "activity" };

/** A running instance (lastSeq 2) whose first turn scheduled `count` tasks, all claimed by OWNER as a worker holds them before it runs them. */
async function heldTasks(
  store: TaskHubStore,
  count = 1,
  leaseMs = LEASE_MS,
): Promise<{ state: InstanceRecord; tasks: ActivityWorkItem[] }> {
  const init = await scheduleActivities(
    store,
    Array.from({ length: count }, () => ({})),
  );
  const tasks = await claimTasks(store, T0, { owner: OWNER, leaseMs });
  expect(tasks).toHaveLength(count);
  return { state: await instance(store, init.instanceId), tasks };
}

async function instance(store: TaskHubStore, instanceId: string): Promise<InstanceRecord> {
  const record = await store.getInstance(instanceId);
  expect(record, `instance ${instanceId} should exist`).toBeDefined();
  return record as InstanceRecord;
}

/** A rejected local turn wrote nothing: the instance and its history are as before. */
async function expectUnchanged(store: TaskHubStore, before: InstanceRecord): Promise<void> {
  expect(await store.getInstance(before.instanceId)).toEqual(before);
  expect((await store.getHistory(before.instanceId)).map((e) => e.seq)).toEqual(Array.from({ length: before.lastSeq }, (_, i) => i + 1));
}

/** The task is still there and still leased by this token: nobody else claims it, and its holder can still complete it the usual way. */
async function expectStillHeld(store: TaskHubStore, task: ActivityWorkItem, now: number): Promise<void> {
  expect((await claimTasks(store, now, { owner: "other-worker" })).map((t) => t.id)).not.toContain(task.id);
  expect(await store.completeActivities([{ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task) }], now)).toEqual([true]);
}

export function describeLocalDispatch(ctx: ContractContext): void {
  describe("claimFor (tasks claimed by the turn that schedules them)", () => {
    it("leases a claimFor task to its owner in the commit and returns it in the outcome", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const now = T0 + SECOND;
      const claimedTask = activityTask(init, {
        taskId: 1,
        name: "local",
        input: { x: 1 },
        tags: { nodeId: "n1" },
        timeoutMs: 5000,
        claimFor: { owner: OWNER, leaseMs: 10 * SECOND },
      });
      const queuedTask = activityTask(init, { taskId: 2, name: "queued" });
      const [outcome] = await store.commitTurns([firstTurn(item, { activities: [claimedTask, queuedTask] }, now)], now);
      expect(outcome?.committed).toBe(true);
      expect(outcome?.claimed).toHaveLength(1);
      const [claimed] = outcome?.claimed ?? [];
      expect(claimed).toMatchObject({
        instanceId: init.instanceId,
        executionId: init.executionId,
        taskId: 1,
        name: "local",
        input: { x: 1 },
        attempt: 1,
        tags: { nodeId: "n1" },
        timeoutMs: 5000,
        claimCount: 1,
        leaseExpiresAt: now + 10 * SECOND,
      });
      expect(claimed).not.toHaveProperty("claimFor");
      expect(typeof claimed?.id).toBe("string");
      expect(claimed?.leaseToken).toEqual(expect.any(String));
      expect(claimed?.leaseToken).not.toBe("");
      // Only the unclaimed task waits in the queue.
      expect(await store.queueDepth(now)).toMatchObject({ activities: 1 });
    });

    it("keeps a claimFor task from other workers until its lease expires, then any worker claims it", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const activities = [
        activityTask(init, { taskId: 1, name: "local", claimFor: { owner: OWNER, leaseMs: 10 * SECOND } }),
        activityTask(init, { taskId: 2, name: "queued" }),
      ];
      const [outcome] = await store.commitTurns([firstTurn(item, { activities })], T0);
      const [local] = outcome?.claimed ?? [];
      if (!local) throw new Error("the claimFor task should be returned");
      expect((await claimTasks(store, T0, { owner: "other-worker" })).map((t) => t.name)).toEqual(["queued"]);
      expect(await claimTasks(store, T0 + 10 * SECOND - 1, { owner: "other-worker" })).toEqual([]);
      const [reclaimed] = await claimTasks(store, T0 + 10 * SECOND, { owner: "other-worker" });
      expect(reclaimed).toMatchObject({ id: local.id, name: "local", claimCount: 2 });
      expect(reclaimed?.leaseToken).not.toBe(local.leaseToken);
      const late = { id: local.id, leaseToken: local.leaseToken, message: taskCompleted(local) };
      expect(await store.completeActivities([late], T0 + 10 * SECOND)).toEqual([false]);
    });

    it("wakes dispatchers when a claimFor lease expires, so a dead holder's task is claimed again", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const activities = [activityTask(init, { claimFor: { owner: OWNER, leaseMs: 10 * SECOND } })];
      expect(await commitOne(store, firstTurn(item, { activities }))).toBe(true);
      expect(await store.nextWakeAt(T0 + SECOND)).toBe(T0 + 10 * SECOND);
    });

    it("renews and completes a claimFor task with the token it was returned with", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const [outcome] = await store.commitTurns(
        [firstTurn(item, { activities: [activityTask(init, { claimFor: { owner: OWNER, leaseMs: 10 * SECOND } })] })],
        T0,
      );
      const [local] = outcome?.claimed ?? [];
      if (!local) throw new Error("the claimFor task should be returned");
      const lease = { id: local.id, leaseToken: local.leaseToken };
      expect(await store.renewActivityLeases([lease], LEASE_MS, T0 + 5 * SECOND)).toEqual([local.id]);
      expect(await claimTasks(store, T0 + 10 * SECOND, { owner: "other-worker" })).toEqual([]);
      const done = { ...lease, message: taskCompleted(local, { charged: 1 }) };
      expect(await store.completeActivities([done], T0 + 20 * SECOND)).toEqual([true]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      const next = await claimOne(store, init.instanceId, T0 + 20 * SECOND);
      expect(next.messages.map((m) => m.event)).toMatchObject([{ type: "TaskCompleted", taskId: 1, result: { charged: 1 } }]);
    });

    it("returns the claimed tasks in the turn's order, each with its own id, token and lease", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const activities = [
        activityTask(init, { taskId: 1, claimFor: { owner: OWNER, leaseMs: 10 * SECOND } }),
        activityTask(init, { taskId: 2 }),
        activityTask(init, { taskId: 3, claimFor: { owner: "another-owner", leaseMs: 20 * SECOND } }),
        activityTask(init, { taskId: 4, claimFor: { owner: OWNER, leaseMs: 10 * SECOND } }),
      ];
      const [outcome] = await store.commitTurns([firstTurn(item, { activities })], T0);
      const claimed = outcome?.claimed ?? [];
      expect(claimed.map((t) => [t.taskId, t.leaseExpiresAt, t.claimCount])).toEqual([
        [1, T0 + 10 * SECOND, 1],
        [3, T0 + 20 * SECOND, 1],
        [4, T0 + 10 * SECOND, 1],
      ]);
      expect(new Set(claimed.map((t) => t.id)).size).toBe(3);
      expect(new Set(claimed.map((t) => t.leaseToken)).size).toBe(3);
      expect((await claimTasks(store, T0 + 10 * SECOND)).map((t) => t.taskId).sort()).toEqual([1, 2, 4]);
    });

    it("claims and inserts nothing for a rejected turn", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const turn = firstTurn(
        { ...item, leaseToken: "not-the-token" },
        { activities: [activityTask(init, { claimFor: { owner: OWNER, leaseMs: LEASE_MS } })] },
      );
      expect(await store.commitTurns([turn], T0)).toEqual([{ committed: false, claimed: [] }]);
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
    });
  });

  describe("claimFor notifications", () => {
    it("announces no activity work for a commit whose new tasks are all claimed, but still the instance's change", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const activities = [1, 2].map((taskId) => activityTask(init, { taskId, claimFor: { owner: OWNER, leaseMs: LEASE_MS } }));
      expect(await commitOne(store, firstTurn(item, { activities }))).toBe(true);
      // Notifications arrive in commit order: once a later write's has arrived, the commit's have too.
      const sentinel = await start(store);
      await eventually(() => {
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: init.instanceId, status: "running" });
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: sentinel.instanceId });
      });
      expect(seen).not.toContainEqual(activityWork);
    });

    it("announces no activity work for a local turn whose new tasks are all claimed", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const next = activityTask(state, { taskId: 2, claimFor: { owner: OWNER, leaseMs: LEASE_MS } });
      const [outcome] = await store.commitTurns([localTurn(state, tasks, { activities: [next] })], T0 + SECOND);
      expect(outcome?.committed).toBe(true);
      expect(outcome?.claimed.map((t) => t.taskId)).toEqual([2]);
      const sentinel = await start(store);
      await eventually(() => {
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: state.instanceId, status: "running" });
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: sentinel.instanceId });
      });
      expect(seen).not.toContainEqual(activityWork);
    });

    it("announces activity work when a commit also schedules an unclaimed task", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const activities = [
        activityTask(init, { taskId: 1, claimFor: { owner: OWNER, leaseMs: LEASE_MS } }),
        activityTask(init, { taskId: 2 }),
      ];
      expect(await commitOne(store, firstTurn(item, { activities }))).toBe(true);
      await eventually(() => {
        expect(seen).toContainEqual(activityWork);
        expect(seen).toContainEqual({ kind: "instance-changed", instanceId: init.instanceId, status: "running" });
      });
    });

    it("puts the status a committed turn established on its instance-changed: the one it set, running for a local turn, none otherwise", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      const seen: StoreNotification[] = [];
      store.subscribe((n) => seen.push(n));
      const ofInstance = () => seen.filter((n) => n.kind === "instance-changed" && n.instanceId === state.instanceId);

      // A local turn commits only on a running instance: it is running afterwards.
      const next = activityTask(state, { taskId: 2, claimFor: { owner: OWNER, leaseMs: LEASE_MS } });
      const [local] = await store.commitTurns([localTurn(state, tasks, { activities: [next] })], T0 + SECOND);
      expect(local?.committed).toBe(true);
      await eventually(() => expect(ofInstance()).toEqual([{ kind: "instance-changed", instanceId: state.instanceId, status: "running" }]));

      // A claimed turn that sets no status says none: the instance may be suspended.
      seen.length = 0;
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "e" }, T0 + SECOND));
      const item = await claimOne(store, state.instanceId, T0 + 2 * SECOND);
      const quiet = turnFor(item, {
        events: [event(item.instance.lastSeq + 1, "OrchestratorStarted", {}, T0)],
        update: { lastSeq: item.instance.lastSeq + 1 },
      });
      expect(await commitOne(store, quiet, T0 + 2 * SECOND)).toBe(true);
      await eventually(() => expect(ofInstance()).toContainEqual({ kind: "instance-changed", instanceId: state.instanceId }));
      expect(ofInstance().some((n) => n.kind === "instance-changed" && n.status !== undefined)).toBe(false);

      // The turn that completes the instance says completed.
      seen.length = 0;
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "f" }, T0 + 2 * SECOND));
      const last = await claimOne(store, state.instanceId, T0 + 3 * SECOND);
      const done = turnFor(last, {
        events: [event(last.instance.lastSeq + 1, "ExecutionCompleted", { status: "completed", result: 1 }, T0)],
        update: { lastSeq: last.instance.lastSeq + 1, status: "completed", output: 1, completedAt: "2026-01-01T00:00:03.000Z" },
        dropInbox: true,
      });
      expect(await commitOne(store, done, T0 + 3 * SECOND)).toBe(true);
      await eventually(() =>
        expect(ofInstance()).toContainEqual({ kind: "instance-changed", instanceId: state.instanceId, status: "completed" }),
      );
    });
  });

  describe("local turns", () => {
    it("commits a local turn: deletes the tasks it completes, writes no inbox message, appends history and updates the instance", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store, 2);
      const now = T0 + 5 * SECOND;
      const history = await store.getHistory(state.instanceId);
      const turn = localTurn(state, tasks, { update: { lastSeq: 4, customStatus: { step: "local" } } }, now);
      expect(await store.commitTurns([turn], now)).toEqual([{ committed: true, claimed: [] }]);
      expect(await store.getHistory(state.instanceId)).toEqual([...history, ...turn.events]);
      expect(await store.getInstance(state.instanceId)).toEqual({
        ...state,
        lastSeq: 4,
        customStatus: { step: "local" },
        updatedAt: toIso(now),
      });
      // The tasks are gone, not waiting for their leases to lapse; their results are in history only.
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      expect(await store.queueDepth(FAR_FUTURE)).toEqual({ orchestrations: 0, activities: 0 });
      expect(await claimAll(store, FAR_FUTURE)).toEqual([]);
      const late = tasks.map((task) => ({ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task) }));
      expect(await store.completeActivities(late, now)).toEqual([false, false]);
    });

    it("leaves the instance unleased: a message after a local turn makes it claimable at once", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      expect(await commitOne(store, localTurn(state, tasks), T0 + SECOND)).toBe(true);
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "after" }, T0 + SECOND));
      const item = await claimOne(store, state.instanceId, T0 + SECOND);
      expect(item.instance.lastSeq).toBe(3);
      expect(item.messages.map((m) => m.event.name)).toEqual(["after"]);
    });

    it("chains local turns: each completes the task the previous one claimed", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const step = (taskId: number) => activityTask(init, { taskId, claimFor: { owner: OWNER, leaseMs: LEASE_MS } });
      const [first] = await store.commitTurns([firstTurn(item, { activities: [step(1)] })], T0);
      let held = first?.claimed ?? [];
      for (const [index, now] of [T0 + SECOND, T0 + 2 * SECOND].entries()) {
        const state = await instance(store, init.instanceId);
        const [outcome] = await store.commitTurns([localTurn(state, held, { activities: [step(index + 2)] }, now)], now);
        expect(outcome?.committed).toBe(true);
        held = outcome?.claimed ?? [];
        expect(held.map((t) => t.taskId)).toEqual([index + 2]);
      }
      expect((await store.getHistory(init.instanceId)).map((e) => [e.seq, e.type, e.taskId])).toEqual([
        [1, "ExecutionStarted", undefined],
        [2, "OrchestratorStarted", undefined],
        [3, "TaskCompleted", 1],
        [4, "TaskCompleted", 2],
      ]);
      expect((await claimTasks(store, FAR_FUTURE)).map((t) => t.taskId)).toEqual([3]);
    });

    it("leaves the instance's other inbox messages in place", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "waiting" }, T0));
      await store.enqueueMessage(message(state.instanceId, "TimerFired", { taskId: 9 }, T0 + 60 * SECOND));
      expect(await commitOne(store, localTurn(await instance(store, state.instanceId), tasks), T0 + SECOND)).toBe(true);
      const item = await claimOne(store, state.instanceId, T0 + SECOND);
      expect(item.messages.map((m) => m.event.name)).toEqual(["waiting"]);
      expect(
        await commitOne(
          store,
          turnFor(item, { events: [event(4, "EventRaised", { name: "waiting" })], update: { lastSeq: 4 } }),
          T0 + SECOND,
        ),
      ).toBe(true);
      const timer = await claimOne(store, state.instanceId, T0 + 60 * SECOND);
      expect(timer.messages.map((m) => m.event.type)).toEqual(["TimerFired"]);
    });

    it("commits on an instance whose lease expired, from the moment it expired", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store, 1, 10 * LEASE_MS);
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "pending" }, T0));
      const stale = await claimOne(store, state.instanceId, T0, LEASE_MS);
      const before = await instance(store, state.instanceId);
      expect(await commitOne(store, localTurn(before, tasks), T0 + LEASE_MS - 1)).toBe(false);
      await expectUnchanged(store, before);
      expect(await commitOne(store, localTurn(before, tasks), T0 + LEASE_MS)).toBe(true);
      expect((await store.getInstance(state.instanceId))?.lastSeq).toBe(3);
      // The lapsed claim cannot commit; its message is still there for the next claim.
      const staleTurn = turnFor(stale, { events: [event(3, "EventRaised", { name: "pending" })], update: { lastSeq: 3 } });
      expect(await commitOne(store, staleTurn, T0 + LEASE_MS)).toBe(false);
      const next = await claimOne(store, state.instanceId, T0 + LEASE_MS);
      expect(next.messages.map((m) => m.event.name)).toEqual(["pending"]);
    });

    it("rejects a local turn while the instance is claimed, and the claim still commits", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "go" }, T0));
      const item = await claimOne(store, state.instanceId, T0 + SECOND);
      const before = await instance(store, state.instanceId);
      expect(await store.commitTurns([localTurn(before, tasks)], T0 + 2 * SECOND)).toEqual([{ committed: false, claimed: [] }]);
      await expectUnchanged(store, before);
      const claimed = turnFor(item, { events: [event(3, "EventRaised", { name: "go" })], update: { lastSeq: 3 } });
      expect(await commitOne(store, claimed, T0 + 2 * SECOND)).toBe(true);
      await expectStillHeld(store, tasks[0] as ActivityWorkItem, T0 + 2 * SECOND);
    });

    it("rejects a local turn computed from an older lastSeq", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      await store.enqueueMessage(message(state.instanceId, "EventRaised", { name: "raced" }, T0));
      const item = await claimOne(store, state.instanceId, T0);
      expect(await commitOne(store, turnFor(item, { events: [event(3, "EventRaised", { name: "raced" })], update: { lastSeq: 3 } }))).toBe(
        true,
      );
      const before = await instance(store, state.instanceId);
      expect(await commitOne(store, localTurn(state, tasks), T0 + SECOND)).toBe(false);
      await expectUnchanged(store, before);
      await expectStillHeld(store, tasks[0] as ActivityWorkItem, T0 + SECOND);
    });

    it("rejects a local turn computed for another execution", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      expect(await commitOne(store, localTurn({ ...state, executionId: freshId("exec") }, tasks), T0 + SECOND)).toBe(false);
      await expectUnchanged(store, state);
      await expectStillHeld(store, tasks[0] as ActivityWorkItem, T0 + SECOND);
    });

    for (const status of ["suspended", "completed", "failed", "terminated"] satisfies InstanceStatus[]) {
      it(`rejects a local turn for a ${status} instance`, async () => {
        const store = await ctx.open();
        const init = newInstance();
        await startRunning(store, init, { update: { lastSeq: 2, status }, activities: [activityTask(init)] });
        const tasks = await claimTasks(store, T0, { owner: OWNER });
        const before = await instance(store, init.instanceId);
        expect(await commitOne(store, localTurn(before, tasks), T0 + SECOND)).toBe(false);
        await expectUnchanged(store, before);
        await expectStillHeld(store, tasks[0] as ActivityWorkItem, T0 + SECOND);
      });
    }

    it("rejects a local turn whose task is held under another lease token", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      const [task] = tasks as [ActivityWorkItem];
      expect(await commitOne(store, localTurn(state, [{ ...task, leaseToken: "not-the-token" }]), T0 + SECOND)).toBe(false);
      await expectUnchanged(store, state);
      await expectStillHeld(store, task, T0 + SECOND);
    });

    it("rejects a local turn whose task lease expired, even if nobody re-claimed it", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store, 1, 10 * SECOND);
      const [task] = tasks as [ActivityWorkItem];
      expect(await commitOne(store, localTurn(state, tasks), T0 + 10 * SECOND)).toBe(false);
      await expectUnchanged(store, state);
      const [again] = await claimTasks(store, T0 + 10 * SECOND, { owner: "other-worker" });
      expect(again).toMatchObject({ id: task.id, claimCount: 2 });
    });

    it("rejects a local turn whose task is gone", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store);
      const [task] = tasks as [ActivityWorkItem];
      expect(await store.completeActivities([{ id: task.id, leaseToken: task.leaseToken, message: taskCompleted(task) }], T0)).toEqual([
        true,
      ]);
      expect(await commitOne(store, localTurn(state, tasks), T0 + SECOND)).toBe(false);
      await expectUnchanged(store, state);
      const item = await claimOne(store, state.instanceId, T0 + SECOND);
      expect(item.messages.map((m) => m.event.type)).toEqual(["TaskCompleted"]);
    });

    it("rejects a local turn when one of its tasks is no longer held, and keeps the other held", async () => {
      const store = await ctx.open();
      const { state, tasks } = await heldTasks(store, 2);
      const [kept, lost] = tasks as [ActivityWorkItem, ActivityWorkItem];
      expect(await commitOne(store, localTurn(state, [kept, { ...lost, leaseToken: "not-the-token" }]), T0 + SECOND)).toBe(false);
      await expectUnchanged(store, state);
      await expectStillHeld(store, kept, T0 + SECOND);
    });

    it("fences each turn of a batch that mixes claimed and local turns on its own", async () => {
      const store = await ctx.open();
      const localOk = await heldTasks(store);
      const localStale = await heldTasks(store);
      const localClaiming = await heldTasks(store);
      const claimedOk = await start(store);
      const claimedStale = await start(store);
      const items = await claimAll(store, T0);
      expect(ids(items).sort()).toEqual([claimedOk.instanceId, claimedStale.instanceId].sort());
      const itemOf = (instanceId: string) => items.find((item) => item.instance.instanceId === instanceId) as (typeof items)[number];
      const now = T0 + SECOND;
      const next = activityTask(localClaiming.state, { taskId: 2, claimFor: { owner: OWNER, leaseMs: LEASE_MS } });
      const outcomes = await store.commitTurns(
        [
          firstTurn(itemOf(claimedOk.instanceId), {}, now),
          localTurn(localOk.state, localOk.tasks, {}, now),
          localTurn({ ...localStale.state, lastSeq: 1 }, localStale.tasks, {}, now),
          firstTurn({ ...itemOf(claimedStale.instanceId), leaseToken: "not-the-token" }, {}, now),
          localTurn(localClaiming.state, localClaiming.tasks, { activities: [next] }, now),
        ],
        now,
      );
      expect(committed(outcomes)).toEqual([true, true, false, false, true]);
      expect(outcomes.map((o) => o.claimed.map((t) => t.taskId))).toEqual([[], [], [], [], [2]]);
      expect(await store.getInstance(claimedOk.instanceId)).toMatchObject({ status: "running", lastSeq: 2 });
      expect((await store.getInstance(localOk.state.instanceId))?.lastSeq).toBe(3);
      await expectUnchanged(store, localStale.state);
      expect(await store.getInstance(claimedStale.instanceId)).toMatchObject({ status: "pending", lastSeq: 0 });
      expect((await store.getInstance(localClaiming.state.instanceId))?.lastSeq).toBe(3);
      await expectStillHeld(store, localStale.tasks[0] as ActivityWorkItem, now);
      // The tasks the local turns completed are gone (localStale's was completed above): only the newly claimed one is left.
      expect(await claimTasks(store, FAR_FUTURE)).toMatchObject([{ instanceId: localClaiming.state.instanceId, taskId: 2, claimCount: 2 }]);
    });
  });
}
