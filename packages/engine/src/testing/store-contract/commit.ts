import { describe, expect, it } from "vitest";
import { toIso } from "../../core/history.js";
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
  message,
  newInstance,
  start,
  startRunning,
  turnFor,
  type ContractContext,
} from "./helpers.js";

export function describeCommit(ctx: ContractContext): void {
  describe("commitTurns", () => {
    it("appends the turn's events to the history", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const events = [
        event(1, "ExecutionStarted", { name: init.name, input: init.input, executionId: init.executionId }),
        event(2, "OrchestratorStarted"),
        event(3, "TaskScheduled", { taskId: 1, name: "charge", input: { cents: 100 }, attempt: 1, tags: { nodeId: "n1", index: 0 } }),
      ];
      expect(await commitOne(store, turnFor(item, { events, update: { lastSeq: 3, status: "running" } }))).toBe(true);
      expect(await store.getHistory(init.instanceId)).toEqual(events);
      expect((await store.getInstance(init.instanceId))?.lastSeq).toBe(3);
    });

    it("sets the fields given in update, sets updatedAt to now and keeps the others", async () => {
      const store = await ctx.open();
      const init = await start(store, { input: "original", tags: { t: "1" } });
      const item = await claimOne(store, init.instanceId);
      const waits = [{ name: "approval", since: toIso(T0), timeoutAt: toIso(T0 + 3600 * SECOND), tags: { nodeId: "wait" } }];
      const turn = firstTurn(item, { update: { lastSeq: 2, status: "running", customStatus: { step: 2 }, pendingWaits: waits } });
      expect(await commitOne(store, turn, T0 + 5 * SECOND)).toBe(true);
      const record = await store.getInstance(init.instanceId);
      expect(record).toMatchObject({
        status: "running",
        customStatus: { step: 2 },
        pendingWaits: waits,
        lastSeq: 2,
        input: "original",
        tags: { t: "1" },
        executionId: init.executionId,
        createdAt: toIso(T0),
        updatedAt: toIso(T0 + 5 * SECOND),
      });
    });

    it("replaces executionId and input (continue-as-new)", async () => {
      const store = await ctx.open();
      const init = await startRunning(store);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "go" }, T0));
      const item = await claimOne(store, init.instanceId);
      const executionId = freshId("exec");
      expect(await commitOne(store, turnFor(item, { update: { lastSeq: 2, executionId, input: { round: 2 } } }))).toBe(true);
      expect(await store.getInstance(init.instanceId)).toMatchObject({ executionId, input: { round: 2 } });
    });

    it("sets output, error and completedAt, and clears them when update gives null", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const error = { name: "TaskFailedError", message: "charge failed", details: { code: 402 } };
      const turn = firstTurn(item, {
        update: { lastSeq: 2, status: "failed", output: { partial: true }, error, completedAt: toIso(T0) },
        messages: [message(init.instanceId, "ExecutionRewound", { reason: "retry" }, T0)],
      });
      expect(await commitOne(store, turn)).toBe(true);
      expect(await store.getInstance(init.instanceId)).toMatchObject({
        status: "failed",
        output: { partial: true },
        error,
        completedAt: toIso(T0),
      });

      const rewind = await claimOne(store, init.instanceId);
      const clear = turnFor(rewind, { update: { lastSeq: 2, status: "running", output: null, error: null, completedAt: null } });
      expect(await commitOne(store, clear)).toBe(true);
      const record = await store.getInstance(init.instanceId);
      expect(record?.status).toBe("running");
      expect(record?.output).toBeUndefined();
      expect(record?.error).toBeUndefined();
      expect(record?.completedAt).toBeUndefined();
    });

    it("deletes the consumed messages and keeps the others", async () => {
      const store = await ctx.open();
      const init = await start(store);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "kept-1" }, T0));
      const item = await claimOne(store, init.instanceId);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "kept-2" }, T0));
      const started = item.messages.filter((m) => m.event.type === "ExecutionStarted").map((m) => m.id);
      expect(await commitOne(store, firstTurn(item, { consumedMessageIds: started }))).toBe(true);
      const next = await claimOne(store, init.instanceId);
      expect(next.messages.map((m) => m.event.name)).toEqual(["kept-1", "kept-2"]);
    });

    it("releases the lease so the instance is claimed again while it has visible messages", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "during" }, T0));
      expect(await commitOne(store, firstTurn(item))).toBe(true);
      const next = await claimOne(store, init.instanceId, T0);
      expect(next.leaseToken).not.toBe(item.leaseToken);
      expect(next.instance.lastSeq).toBe(2);
      expect(next.messages.map((m) => m.event.name)).toEqual(["during"]);
    });

    it("leaves nothing to claim once every visible message was consumed", async () => {
      const store = await ctx.open();
      await startRunning(store);
      expect(await claimAll(store, T0 + LEASE_MS)).toEqual([]);
    });

    it("inserts messages for this and other instances, visible at their visibleAt, and drops those to unknown instances", async () => {
      const store = await ctx.open();
      const other = await startRunning(store);
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const missing = freshId("missing");
      const turn = firstTurn(item, {
        messages: [
          message(other.instanceId, "EventRaised", { name: "ping" }),
          message(init.instanceId, "TimerFired", { taskId: 1, fireAt: toIso(T0 + 60 * SECOND) }, T0 + 60 * SECOND),
          message(missing, "EventRaised", { name: "lost" }),
        ],
      });
      expect(await commitOne(store, turn, T0 + SECOND)).toBe(true);
      expect(await store.getInstance(missing)).toBeUndefined();
      const now = await claimAll(store, T0 + SECOND);
      expect(ids(now)).toEqual([other.instanceId]);
      expect(now[0]?.messages.map((m) => m.event.name)).toEqual(["ping"]);
      expect(ids(await claimAll(store, T0 + 60 * SECOND - 1))).not.toContain(init.instanceId);
      const timer = await claimOne(store, init.instanceId, T0 + 60 * SECOND);
      expect(timer.messages.map((m) => m.event.type)).toEqual(["TimerFired"]);
    });

    it("inserts activity tasks with all their fields", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const task = activityTask(init, {
        taskId: 4,
        name: "video.encode",
        input: { url: "s3://x" },
        attempt: 2,
        tags: { nodeId: "enc", index: 1 },
        timeoutMs: 9000,
      });
      const delayed = activityTask(init, { taskId: 5, visibleAt: T0 + 10 * SECOND });
      expect(await commitOne(store, firstTurn(item, { activities: [task, delayed] }))).toBe(true);
      const claimed = await claimTasks(store, T0);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        instanceId: init.instanceId,
        executionId: init.executionId,
        taskId: 4,
        name: "video.encode",
        input: { url: "s3://x" },
        attempt: 2,
        tags: { nodeId: "enc", index: 1 },
        timeoutMs: 9000,
        claimCount: 1,
      });
      expect((await claimTasks(store, T0 + 10 * SECOND)).map((t) => t.taskId)).toEqual([5]);
    });

    it("creates child instances that start with an ExecutionStarted message", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const item = await claimOne(store, parent.instanceId);
      const child = newInstance({
        name: "child-orchestrator",
        input: { part: 1 },
        parentInstanceId: parent.instanceId,
        parentTaskId: 3,
        tags: { v: "1" },
      });
      expect(await commitOne(store, firstTurn(item, { instances: [child] }), T0 + SECOND)).toBe(true);
      expect(await store.getInstance(child.instanceId)).toMatchObject({
        status: "pending",
        name: "child-orchestrator",
        input: { part: 1 },
        parentInstanceId: parent.instanceId,
        parentTaskId: 3,
        tags: { v: "1" },
        lastSeq: 0,
        createdAt: toIso(T0 + SECOND),
      });
      const started = await claimOne(store, child.instanceId, T0 + SECOND);
      expect(started.messages.map((m) => m.event)).toMatchObject([
        {
          type: "ExecutionStarted",
          name: "child-orchestrator",
          input: { part: 1 },
          executionId: child.executionId,
          instanceId: parent.instanceId,
          taskId: 3,
        },
      ]);
    });

    it("delivers a turn's message to a child created in the same turn", async () => {
      const store = await ctx.open();
      const parent = await start(store);
      const item = await claimOne(store, parent.instanceId);
      const child = newInstance({ parentInstanceId: parent.instanceId, parentTaskId: 1 });
      const turn = firstTurn(item, { instances: [child], messages: [message(child.instanceId, "EventRaised", { name: "hello" })] });
      expect(await commitOne(store, turn)).toBe(true);
      const started = await claimOne(store, child.instanceId);
      expect(started.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted", "EventRaised"]);
    });

    it("leaves an existing child instance as it is", async () => {
      const store = await ctx.open();
      const existing = await startRunning(store, { input: "mine" });
      const parent = await start(store);
      const item = await claimOne(store, parent.instanceId);
      const again = { ...existing, executionId: freshId("exec"), input: "theirs", parentInstanceId: parent.instanceId, parentTaskId: 1 };
      expect(await commitOne(store, firstTurn(item, { instances: [again] }))).toBe(true);
      expect(await store.getInstance(existing.instanceId)).toMatchObject({
        status: "running",
        input: "mine",
        executionId: existing.executionId,
        lastSeq: 2,
      });
      expect(ids(await claimAll(store, T0 + LEASE_MS))).not.toContain(existing.instanceId);
    });

    it("deletes history through deleteHistoryThroughSeq before appending, seqs still increasing", async () => {
      const store = await ctx.open();
      const init = await startRunning(
        store,
        {},
        {
          events: [event(1, "ExecutionStarted"), event(2, "OrchestratorStarted"), event(3, "ContinuedAsNew", { input: 2 })],
          update: { lastSeq: 3, status: "running" },
        },
      );
      await store.enqueueMessage(message(init.instanceId, "ExecutionStarted", { input: 2 }, T0));
      const item = await claimOne(store, init.instanceId);
      const turn = turnFor(item, {
        deleteHistoryThroughSeq: 3,
        events: [event(4, "ExecutionStarted", { input: 2 }), event(5, "OrchestratorStarted")],
        update: { lastSeq: 5 },
      });
      expect(await commitOne(store, turn)).toBe(true);
      expect((await store.getHistory(init.instanceId)).map((e) => [e.seq, e.type])).toEqual([
        [4, "ExecutionStarted"],
        [5, "OrchestratorStarted"],
      ]);
    });

    it("cancels the instance's queued and leased activity tasks when cancelActivities is set", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const bystander = await start(store);
      const item = await claimOne(store, init.instanceId);
      const bystanderItem = await claimOne(store, bystander.instanceId);
      expect(await commitOne(store, firstTurn(bystanderItem, { activities: [activityTask(bystander)] }))).toBe(true);
      const tasks = [
        activityTask(init, { taskId: 1, name: "leased" }),
        activityTask(init, { taskId: 2, name: "queued", visibleAt: T0 + 60 * SECOND }),
      ];
      expect(await commitOne(store, firstTurn(item, { activities: tasks }))).toBe(true);
      const [leased] = await claimTasks(store, T0, { names: ["leased"] });
      expect(leased).toBeDefined();

      await store.enqueueMessage(message(init.instanceId, "ExecutionTerminated", { reason: "stop" }, T0));
      const stop = await claimOne(store, init.instanceId);
      const turn = turnFor(stop, { update: { lastSeq: 2, status: "terminated", completedAt: toIso(T0) }, cancelActivities: true });
      expect(await commitOne(store, turn)).toBe(true);

      const remaining = await claimTasks(store, FAR_FUTURE);
      expect(remaining.map((t) => t.instanceId)).toEqual([bystander.instanceId]);
      if (leased) {
        const result = { id: leased.id, leaseToken: leased.leaseToken, message: message(init.instanceId, "TaskCompleted", { taskId: 1 }) };
        expect(await store.completeActivities([result], T0 + SECOND)).toEqual([false]);
      }
    });

    it("drops the instance's remaining inbox messages when dropInbox is set", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const bystander = await startRunning(store);
      await store.enqueueMessage(message(bystander.instanceId, "TimerFired", { taskId: 1 }, T0 + 60 * SECOND));
      await store.enqueueMessage(message(init.instanceId, "TimerFired", { taskId: 1 }, T0 + 60 * SECOND));
      const item = await claimOne(store, init.instanceId);
      await store.enqueueMessage(message(init.instanceId, "EventRaised", { name: "late" }, T0));
      const turn = firstTurn(item, { update: { lastSeq: 2, status: "completed", completedAt: toIso(T0) }, dropInbox: true });
      expect(await commitOne(store, turn)).toBe(true);
      expect(ids(await claimAll(store, FAR_FUTURE))).toEqual([bystander.instanceId]);
    });

    it("rejects a turn whose lease token is stale and writes nothing", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const other = await startRunning(store);
      const stale = await claimOne(store, init.instanceId, T0);
      const current = await claimOne(store, init.instanceId, T0 + LEASE_MS);
      const child = newInstance({ parentInstanceId: init.instanceId, parentTaskId: 1 });
      const turn = firstTurn(stale, {
        update: { lastSeq: 2, status: "running", customStatus: "stale" },
        messages: [message(other.instanceId, "EventRaised", { name: "from-stale" })],
        activities: [activityTask(init)],
        instances: [child],
      });
      expect(await commitOne(store, turn, T0 + LEASE_MS)).toBe(false);

      expect(await store.getInstance(init.instanceId)).toMatchObject({ status: "pending", lastSeq: 0 });
      expect((await store.getInstance(init.instanceId))?.customStatus).toBeUndefined();
      expect(await store.getHistory(init.instanceId)).toEqual([]);
      expect(await store.getInstance(child.instanceId)).toBeUndefined();
      expect(await claimTasks(store, FAR_FUTURE)).toEqual([]);
      expect(ids(await claimAll(store, T0 + LEASE_MS))).toEqual([]);
      // The consumed messages are still there and the current holder can still commit.
      expect(current.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted"]);
      expect(await commitOne(store, firstTurn(current), T0 + LEASE_MS)).toBe(true);
      expect(await store.getHistory(init.instanceId)).toHaveLength(2);
    });

    it("rejects a turn whose lease expired before now, even if nobody re-claimed it", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId, T0);
      expect(await commitOne(store, firstTurn(item), T0 + LEASE_MS + SECOND)).toBe(false);
      expect(await store.getInstance(init.instanceId)).toMatchObject({ status: "pending", lastSeq: 0 });
      const again = await claimOne(store, init.instanceId, T0 + LEASE_MS + SECOND);
      expect(again.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted"]);
    });

    it("treats a lease as lost from the moment it expires, when it can be re-claimed", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId, T0);
      expect(await commitOne(store, firstTurn(item), T0 + LEASE_MS)).toBe(false);
      expect(await commitOne(store, firstTurn(item), T0 + LEASE_MS - 1)).toBe(true);
    });

    it("rejects a turn for an unknown instance", async () => {
      const store = await ctx.open();
      const missing = freshId("missing");
      const turn = {
        instanceId: missing,
        leaseToken: "token",
        consumedMessageIds: [],
        events: [],
        update: { lastSeq: 1 },
        messages: [],
        activities: [],
        instances: [],
      };
      expect(committed(await store.commitTurns([turn], T0))).toEqual([false]);
      expect(await store.getInstance(missing)).toBeUndefined();
    });

    it("commits the other turns of a batch when one is rejected", async () => {
      const store = await ctx.open();
      const [a, b, c] = [await start(store), await start(store), await start(store)];
      const items = await claimAll(store, T0);
      const byId = (id: string) => items.find((item) => item.instance.instanceId === id);
      const itemA = byId(a.instanceId);
      const itemB = byId(b.instanceId);
      const itemC = byId(c.instanceId);
      if (!itemA || !itemB || !itemC) throw new Error("all three instances should be claimed");
      const turns = [
        firstTurn(itemA, { activities: [activityTask(a)] }),
        firstTurn({ ...itemB, leaseToken: "not-the-token" }, { activities: [activityTask(b)] }),
        firstTurn(itemC, { activities: [activityTask(c)] }),
      ];
      expect(committed(await store.commitTurns(turns, T0 + SECOND))).toEqual([true, false, true]);
      expect((await store.getInstance(a.instanceId))?.status).toBe("running");
      expect(await store.getInstance(b.instanceId)).toMatchObject({ status: "pending", lastSeq: 0 });
      expect((await store.getInstance(c.instanceId))?.lastSeq).toBe(2);
      expect((await claimTasks(store, T0 + SECOND)).map((t) => t.instanceId).sort()).toEqual([a.instanceId, c.instanceId].sort());
      expect(committed(await store.commitTurns([firstTurn(itemB)], T0 + SECOND))).toEqual([true]);
    });

    it("commits a batch whose turns each need different parts as if each were committed alone", async () => {
      // One turn finishes (output, dropInbox, cancel), one starts a child and messages another
      // instance, one only sets a custom status: a store that writes a part for the whole
      // batch, or leaves one out because another turn lacks it, fails here.
      const store = await ctx.open();
      const [done, parent, quiet, target] = [await start(store), await start(store), await start(store), await startRunning(store)];
      await store.enqueueMessage(message(done.instanceId, "TimerFired", { taskId: 9 }, T0 + 60 * SECOND));
      const items = await claimAll(store, T0);
      const byId = (id: string) => {
        const item = items.find((candidate) => candidate.instance.instanceId === id);
        if (!item) throw new Error(`${id} should be claimed`);
        return item;
      };
      const child = newInstance({ parentInstanceId: parent.instanceId, parentTaskId: 1 });
      const turns = [
        firstTurn(byId(done.instanceId), {
          update: { lastSeq: 2, status: "completed", output: { total: 3 }, completedAt: toIso(T0) },
          dropInbox: true,
          cancelActivities: true,
        }),
        firstTurn(byId(parent.instanceId), {
          instances: [child],
          messages: [message(target.instanceId, "EventRaised", { name: "ping" })],
          activities: [activityTask(parent)],
        }),
        firstTurn(byId(quiet.instanceId), { update: { lastSeq: 2, status: "running", customStatus: "half-way" } }),
      ];
      expect(committed(await store.commitTurns(turns, T0 + SECOND))).toEqual([true, true, true]);

      expect(await store.getInstance(done.instanceId)).toMatchObject({ status: "completed", output: { total: 3 }, completedAt: toIso(T0) });
      expect(await store.getInstance(parent.instanceId)).toMatchObject({ status: "running", lastSeq: 2 });
      expect((await store.getInstance(parent.instanceId))?.output).toBeUndefined();
      expect((await store.getInstance(parent.instanceId))?.customStatus).toBeUndefined();
      expect(await store.getInstance(quiet.instanceId)).toMatchObject({ status: "running", customStatus: "half-way" });
      expect((await store.getInstance(quiet.instanceId))?.completedAt).toBeUndefined();
      for (const id of [done.instanceId, parent.instanceId, quiet.instanceId]) {
        expect((await store.getHistory(id)).map((e) => e.seq)).toEqual([1, 2]);
      }
      expect(await store.getInstance(child.instanceId)).toMatchObject({ status: "pending", parentInstanceId: parent.instanceId });
      expect((await claimTasks(store, T0 + SECOND)).map((t) => t.instanceId)).toEqual([parent.instanceId]);
      // The finished instance's timer was dropped; the child and the messaged target are claimable.
      expect(ids(await claimAll(store, FAR_FUTURE)).sort()).toEqual([child.instanceId, target.instanceId].sort());
    });

    it("rejects a second turn for the same claim in one batch, because the first released the lease", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const second = turnFor(item, { consumedMessageIds: [], events: [event(3, "OrchestratorStarted")], update: { lastSeq: 3 } });
      expect(committed(await store.commitTurns([firstTurn(item), second], T0))).toEqual([true, false]);
      expect((await store.getInstance(init.instanceId))?.lastSeq).toBe(2);
    });

    it("lets exactly one of two racing commits of the same claim win", async () => {
      const store = await ctx.open();
      const init = await start(store);
      const item = await claimOne(store, init.instanceId);
      const results = await Promise.all([store.commitTurns([firstTurn(item)], T0), store.commitTurns([firstTurn(item)], T0)]);
      expect(results.flatMap(committed).filter(Boolean)).toHaveLength(1);
      expect((await store.getHistory(init.instanceId)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it("accepts an empty batch", async () => {
      const store = await ctx.open();
      expect(await store.commitTurns([], T0)).toEqual([]);
    });
  });
}
