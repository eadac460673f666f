import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "../core/context.js";
import type { HistoryEvent } from "../core/history.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";
import { createClient } from "./client.js";
import type { TaskHubStore } from "./store.js";
import { createWorker } from "./worker.js";

let hub: TestHub | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Counts the store calls a run makes. */
function counting(store: TaskHubStore): { store: TaskHubStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

const chain = {
  *chain(ctx: OrchestrationContext, steps: number) {
    let value = 0;
    for (let i = 0; i < steps; i++) value = yield ctx.callActivity("add", value);
    return value;
  },
};

function expectWellFormed(history: HistoryEvent[]): void {
  expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
  const completions = history.filter((e) => e.type === "TaskCompleted" || e.type === "TaskFailed").map((e) => e.taskId);
  expect(new Set(completions).size).toBe(completions.length);
}

describe("local dispatch", () => {
  it("runs a sequential step as one commit: the turn claims its task, the result commits with the next turn", async () => {
    const { store, calls } = counting(createMemoryStore());
    hub = createTestHub({ store, orchestrators: chain, activities: { add: (n: number) => n + 1 } });
    const id = await hub.client.start("chain", 20);
    const done = await hub.client.waitForCompletion(id);
    expect(done).toMatchObject({ status: "completed", output: 20 });
    expectWellFormed(await hub.client.history(id));
    const metrics = hub.worker.metrics();
    // The first turn is claimed (the start is in the inbox); the other 20 run on results.
    expect(metrics.localTurns).toBe(20);
    expect(metrics.activitiesClaimedLocally).toBe(20);
    expect(metrics.localTurnsRejected).toBe(0);
    expect(calls.get("completeActivities") ?? 0).toBe(0);
    expect(calls.get("commitTurns")).toBe(21);
  });

  it("lets waitForCompletion skip the read of a step that leaves the instance running (the notification says so)", async () => {
    const { store, calls } = counting(createMemoryStore());
    hub = createTestHub({ store, orchestrators: chain, activities: { add: (n: number) => n + 1 } });
    const id = await hub.client.start("chain", 20);
    expect(await hub.client.waitForCompletion(id)).toMatchObject({ status: "completed", output: 20 });
    // One read when it starts waiting, one for the change that ended the instance — not one per step.
    expect(calls.get("getInstance") ?? 0).toBeLessThanOrEqual(3);
  });

  it("sends every step through the queue tables when turned off, with the same history", async () => {
    const { store, calls } = counting(createMemoryStore());
    hub = createTestHub({ store, orchestrators: chain, activities: { add: (n: number) => n + 1 }, localDispatch: false });
    const id = await hub.client.start("chain", 5);
    expect(await hub.client.waitForCompletion(id)).toMatchObject({ status: "completed", output: 5 });
    expect(hub.worker.metrics()).toMatchObject({ localTurns: 0, activitiesClaimedLocally: 0 });
    expect(calls.get("completeActivities")).toBe(5);
    const types = (await hub.client.history(id)).map((e) => e.type);
    expect(types.filter((t) => t === "TaskCompleted")).toHaveLength(5);
  });

  it("claims no more than it has room for; the rest stay queued for the activity dispatcher", async () => {
    hub = createTestHub({
      orchestrators: {
        *fan(ctx: OrchestrationContext) {
          const results: number[] = yield ctx.all(Array.from({ length: 10 }, (_, i) => ctx.callActivity("add", i)));
          return results.reduce((a, b) => a + b, 0);
        },
      },
      activities: { add: (n: number) => n + 1 },
      activityConcurrency: 3,
    });
    const id = await hub.client.start("fan");
    expect(await hub.client.waitForCompletion(id)).toMatchObject({ status: "completed", output: 55 });
    expect(hub.worker.metrics().activitiesClaimedLocally).toBeLessThanOrEqual(3);
    expectWellFormed(await hub.client.history(id));
  });

  it("runs a burst of results larger than one flush takes: every instance of a wide start finishes its chain", async () => {
    // 400 instances × 3 steps with room for all their activities at once: results arrive
    // in bursts bigger than a flush's batch, and every one must still reach its next turn.
    hub = createTestHub({ orchestrators: chain, activities: { add: (n: number) => n + 1 }, activityConcurrency: 1000 });
    const ids = await Promise.all(Array.from({ length: 400 }, () => hub!.client.start("chain", 3)));
    const done = await Promise.all(ids.map((id) => hub!.client.waitForCompletion(id)));
    expect(done.every((d) => d.status === "completed" && d.output === 3)).toBe(true);
    expect(hub.worker.metrics().localTurnsRejected).toBe(0);
  });

  it("does not claim names it does not serve: a remote worker's tasks stay queued", async () => {
    const store = createMemoryStore();
    hub = createTestHub({
      store,
      orchestrators: {
        *mixed(ctx: OrchestrationContext) {
          const a: number = yield ctx.callActivity("add", 1);
          const b: number = yield ctx.callActivity("remote", a);
          return b;
        },
      },
      activities: { add: (n: number) => n + 1 },
      servedElsewhere: () => new Set(["remote"]),
    });
    const id = await hub.client.start("mixed");
    await hub.until(id, (_, history) => history.some((e) => e.type === "TaskScheduled" && e.name === "remote"));
    const [task] = await store.claimActivities({
      owner: "remote-worker",
      limit: 10,
      leaseMs: 30_000,
      now: hub.clock.now(),
      names: ["remote"],
    });
    expect(task).toMatchObject({ name: "remote", claimCount: 1 });
    await store.completeActivities(
      [
        {
          id: task?.id ?? "",
          leaseToken: task?.leaseToken ?? "",
          message: {
            instanceId: id,
            executionId: task?.executionId ?? "",
            event: { type: "TaskCompleted", at: new Date(hub.clock.now()).toISOString(), taskId: task?.taskId ?? 0, result: 40 },
          },
        },
      ],
      hub.clock.now(),
    );
    hub.worker.poke();
    expect(await hub.client.waitForCompletion(id)).toMatchObject({ status: "completed", output: 40 });
  });

  it("hands a result to the queued path when another worker holds the instance meanwhile", async () => {
    const store = createMemoryStore();
    const clock = createFakeClock();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const orchestrators = {
      *waits(ctx: OrchestrationContext) {
        const first: number = yield ctx.callActivity("slow", 1);
        const events: string[] = [];
        // The event arrives while "slow" runs.
        const note: string = yield ctx.waitForEvent("note");
        events.push(note);
        const second: number = yield ctx.callActivity("slow", first);
        return { second, events };
      },
    };
    let runs = 0;
    const activities = {
      slow: async (n: number) => {
        runs += 1;
        if (runs === 1) await gate;
        return n + 1;
      },
    };
    const a = createWorker({ store, clock, orchestrators, activities, pollIntervalMs: 20 });
    a.start();
    cleanups.push(() => a.stop());
    const client = createClient({ store, clock });
    const id = await client.start("waits");
    // Wait until A runs the first activity, which its first turn claimed.
    for (let i = 0; i < 500 && runs === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(runs).toBe(1);
    // Meanwhile an event arrives and another worker claims the instance for it (both in one
    // synchronous stretch, so this worker's own dispatcher cannot take it first).
    const at = new Date(clock.now()).toISOString();
    const enqueued = store.enqueueMessage({ instanceId: id, event: { type: "EventRaised", at, name: "note", input: "hello" } });
    const claimed = store.claimOrchestrations({ owner: "another-worker", limit: 1, leaseMs: 30_000, now: clock.now() });
    await enqueued;
    const [item] = await claimed;
    expect(item?.instance.instanceId).toBe(id);
    // The instance is leased elsewhere: this worker's local turn is refused, the result queued.
    release?.();
    for (let i = 0; i < 500 && a.metrics().localTurnsRejected === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(a.metrics().localTurnsRejected).toBe(1);
    expect((await store.getHistory(id)).some((e) => e.type === "TaskCompleted" && e.taskId === 2)).toBe(false);
    // The other worker gives its claim back without a turn; this one runs both messages.
    await store.releaseOrchestration(id, item?.leaseToken ?? "");
    a.poke();
    const done = await client.waitForCompletion(id);
    expect(done).toMatchObject({ status: "completed", output: { second: 3, events: ["hello"] } });
    expectWellFormed(await store.getHistory(id));
  });

  it("reserves for itself the tasks it serves but has no room for (sticky dispatch), for affinityMs; 0 queues them for anyone", async () => {
    const fanOut = {
      *three(ctx: OrchestrationContext) {
        const results: number[] = yield ctx.all([ctx.callActivity("add", 1), ctx.callActivity("add", 2), ctx.callActivity("add", 3)]);
        return results;
      },
    };
    for (const affinityMs of [undefined, 500, 0]) {
      const store = createMemoryStore();
      const scheduled: { claimFor?: unknown; reserveFor?: unknown }[] = [];
      const spy = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== "commitTurns") {
            const value = Reflect.get(target, key, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return (turns: { activities: { claimFor?: unknown; reserveFor?: unknown }[] }[], now: number) => {
            for (const turn of turns) scheduled.push(...turn.activities);
            return target.commitTurns(turns as never, now);
          };
        },
      });
      const local = createTestHub({
        store: spy,
        orchestrators: fanOut,
        activities: { add: (n: number) => n + 1 },
        activityConcurrency: 1,
        ...(affinityMs === undefined ? {} : { affinityMs }),
      });
      const id = await local.client.start("three");
      expect(await local.client.waitForCompletion(id)).toMatchObject({ status: "completed", output: [2, 3, 4] });
      await local.stop();
      expect(scheduled.filter((task) => task.claimFor !== undefined)).toHaveLength(1);
      const reserved = scheduled.filter((task) => task.reserveFor !== undefined).map((task) => task.reserveFor);
      if (affinityMs === 0) expect(reserved).toEqual([]);
      else
        expect(reserved).toEqual([
          expect.objectContaining({ forMs: affinityMs ?? 2_000 }),
          expect.objectContaining({ forMs: affinityMs ?? 2_000 }),
        ]);
    }
  });

  it("never runs a local turn and a claimed turn of one instance over the same executor (results and events arriving together)", async () => {
    // Many results finish together (one flush runs their local turns one after another,
    // awaiting in between) while an event for each instance is claimed by the dispatcher.
    // Were the executor shared by both turns, the turn that commits second would see the
    // tasks the first one scheduled as already scheduled, and the run would stall.
    const store = createMemoryStore();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const orchestrators = {
      *forked(ctx: OrchestrationContext) {
        const first: number = yield ctx.callActivity("held", 1);
        const go: number = yield ctx.waitForEvent("go");
        const [b, c]: [number, number] = yield ctx.all([ctx.callActivity("add", first), ctx.callActivity("add", go)]);
        return b + c;
      },
    };
    let held = 0;
    const activities = {
      held: async (n: number) => {
        held += 1;
        await gate;
        return n;
      },
      add: (n: number) => n + 1,
    };
    // Resolved a macrotask later (as a drawn workflow pauses between slices of the event
    // loop): every turn awaits, so the dispatcher's turns run while a flush's are under way.
    const resolveOrchestrator = async (name: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      return orchestrators[name as keyof typeof orchestrators];
    };
    hub = createTestHub({ store, resolveOrchestrator, activities, activityConcurrency: 200, pollIntervalMs: 5 });
    const client = hub.client;
    const ids = await Promise.all(Array.from({ length: 120 }, () => client.start("forked")));
    for (let i = 0; i < 2_000 && held < ids.length; i++) await new Promise((r) => setTimeout(r, 2));
    expect(held).toBe(ids.length);
    release?.();
    await Promise.all(ids.map((id, i) => client.raiseEvent(id, "go", i)));
    let finished = 0;
    const all = Promise.all(ids.map((id) => client.waitForCompletion(id).finally(() => (finished += 1))));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${ids.length - finished} of ${ids.length} instances stalled (the clock is fake: nothing waits on time)`)),
        8_000,
      );
    });
    const done = await Promise.race([all, stalled]).finally(() => clearTimeout(timer));
    done.forEach((instance, i) => expect(instance).toMatchObject({ status: "completed", output: 2 + i + 1 }));
    for (const id of ids) expectWellFormed(await store.getHistory(id));
  });

  it("loses nothing when the worker that claimed a task in its commit stalls: another worker runs it, once recorded", async () => {
    const store = createMemoryStore();
    // The stalled worker's clock stands still, so it never renews its leases — as if its
    // process were gone — while the rest of the world moves on.
    const stalledClock = createFakeClock();
    const clock = createFakeClock();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const stalled = createWorker({
      store,
      clock: stalledClock,
      orchestrators: chain,
      activities: {
        add: async (n: number) => {
          runs += 1;
          await gate;
          return n + 1;
        },
      },
      leaseMs: 1000,
      pollIntervalMs: 20,
    });
    stalled.start();
    cleanups.push(async () => {
      release?.();
      await stalled.stop();
    });
    const client = createClient({ store, clock: stalledClock });
    const id = await client.start("chain", 2);
    for (let i = 0; i < 500 && runs === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(runs).toBe(1);
    expect(stalled.metrics().activitiesClaimedLocally).toBe(1);
    clock.advance(5000);
    const rescuer = createWorker({ store, clock, orchestrators: chain, activities: { add: (n: number) => n + 1 }, pollIntervalMs: 20 });
    rescuer.start();
    cleanups.push(() => rescuer.stop());
    const done = await createClient({ store, clock }).waitForCompletion(id);
    expect(done).toMatchObject({ status: "completed", output: 2 });
    // The stalled worker finishes late: its result is fenced out, nothing is recorded twice.
    release?.();
    await new Promise((r) => setTimeout(r, 50));
    const history = await store.getHistory(id);
    expectWellFormed(history);
    expect(history.filter((e) => e.type === "TaskCompleted")).toHaveLength(2);
    expect(stalled.metrics().localTurns).toBe(0);
  });
});
