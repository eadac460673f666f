import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "../core/context.js";
import type { HistoryEvent } from "../core/history.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";
import type { InstanceChange } from "./client.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

function* waitsForGo(ctx: OrchestrationContext, input: unknown) {
  const go: unknown = yield ctx.waitForEvent("go");
  const echoed: unknown = yield ctx.callActivity("echo", { input, go });
  return echoed;
}

describe("suspend and resume", () => {
  it("a suspended instance buffers events and runs nothing until resumed", async () => {
    const ran: unknown[] = [];
    hub = createTestHub({
      orchestrators: { waitsForGo },
      activities: { echo: (x: unknown) => (ran.push(x), x) },
    });
    const id = await hub.client.start("waitsForGo", 1);
    await hub.until(id, (i) => i.pendingWaits.length === 1);
    await hub.client.suspend(id, "maintenance");
    await hub.until(id, (i) => i.status === "suspended");
    await hub.client.raiseEvent(id, "go", "now");
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toEqual([]);
    const history = await hub.client.history(id);
    expect(history.some((e) => e.type === "EventRaised")).toBe(false);
    await expect(hub.client.suspend(id)).rejects.toMatchObject({ name: "InstanceStateError" });
    await hub.client.resume(id);
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toEqual({ input: 1, go: "now" });
    const types = (await hub.client.history(id)).map((e) => e.type);
    expect(types.indexOf("ExecutionSuspended")).toBeLessThan(types.indexOf("ExecutionResumed"));
    expect(types.indexOf("ExecutionResumed")).toBeLessThan(types.indexOf("EventRaised"));
  });

  it("refuses to resume an instance that is not suspended", async () => {
    hub = createTestHub({ orchestrators: { waitsForGo } });
    const id = await hub.client.start("waitsForGo");
    await expect(hub.client.resume(id)).rejects.toMatchObject({ name: "InstanceStateError" });
  });
});

describe("terminate", () => {
  it("terminates a running instance and its running children, and refuses a second time", async () => {
    hub = createTestHub({
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          yield ctx.callSubOrchestrator("waitsForGo", null, { instanceId: "child-of-t" });
        },
        waitsForGo,
      },
    });
    const id = await hub.client.start("parent", null, { instanceId: "t-parent" });
    await hub.until("child-of-t", (i) => i.pendingWaits.length === 1);
    await hub.client.terminate(id, "customer cancelled");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("terminated");
    expect(done.output).toEqual({ reason: "customer cancelled" });
    const child = await hub.client.waitForCompletion("child-of-t");
    expect(child.status).toBe("terminated");
    await expect(hub.client.terminate(id)).rejects.toMatchObject({ name: "InstanceStateError" });
  });

  it("terminates a suspended instance", async () => {
    hub = createTestHub({ orchestrators: { waitsForGo } });
    const id = await hub.client.start("waitsForGo");
    await hub.until(id, (i) => i.status === "running");
    await hub.client.suspend(id);
    await hub.until(id, (i) => i.status === "suspended");
    await hub.client.terminate(id);
    expect((await hub.client.waitForCompletion(id)).status).toBe("terminated");
  });
});

describe("restart, rewind and purge", () => {
  it("restarts a finished instance as a new instance with the same orchestrator, input and tags", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(_ctx: OrchestrationContext, input: number) {
          return input + 1;
        },
      },
    });
    const id = await hub.client.start("o", 41, { tags: { version: "3" } });
    await hub.client.waitForCompletion(id);
    const again = await hub.client.restart(id);
    expect(again).not.toBe(id);
    const done = await hub.client.waitForCompletion(again);
    expect(done).toMatchObject({ name: "o", output: 42, tags: { version: "3" } });
  });

  it("rewinds a failed instance: re-runs the failed activity, keeps completed ones", async () => {
    const calls: string[] = [];
    let healthy = false;
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          const a: string = yield ctx.callActivity("step", "a");
          const b: string = yield ctx.callActivity("fragile", "b");
          return [a, b];
        },
      },
      activities: {
        step: (x: string) => (calls.push(x), x.toUpperCase()),
        fragile: (x: string) => {
          calls.push(x);
          if (!healthy) throw new Error("dependency down");
          return x.toUpperCase();
        },
      },
    });
    const id = await hub.client.start("o");
    expect((await hub.client.waitForCompletion(id)).status).toBe("failed");
    await expect(hub.client.purge("nope")).rejects.toMatchObject({ name: "InstanceNotFoundError" });
    healthy = true;
    await hub.client.rewind(id);
    // rewind() only queues the request (like the HTTP 202): wait for the instance to run again.
    const done = await hub.until(id, (i) => i.status === "completed");
    expect(done.status).toBe("completed");
    expect(done.output).toEqual(["A", "B"]);
    expect(done.error).toBeUndefined();
    expect(calls).toEqual(["a", "b", "b"]);
    const history = await hub.client.history(id);
    const rewound = history.find((e) => e.type === "ExecutionRewound");
    expect(rewound?.rewound).toHaveLength(2);
    await expect(hub.client.rewind(id)).rejects.toMatchObject({ name: "InstanceStateError" });
  });

  it("rewinds a failed child when its parent is rewound", async () => {
    let healthy = false;
    hub = createTestHub({
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          return yield ctx.callSubOrchestrator("child", null, { instanceId: "rw-child" });
        },
        *child(ctx: OrchestrationContext) {
          return yield ctx.callActivity("fragile");
        },
      },
      activities: {
        fragile: () => {
          if (!healthy) throw new Error("down");
          return "up";
        },
      },
    });
    const id = await hub.client.start("parent");
    expect((await hub.client.waitForCompletion(id)).status).toBe("failed");
    healthy = true;
    await hub.client.rewind(id);
    expect((await hub.until(id, (i) => i.status === "completed")).output).toBe("up");
    expect((await hub.client.get("rw-child"))?.status).toBe("completed");
  });

  it("purges only terminal instances, with their history", async () => {
    hub = createTestHub({ orchestrators: { waitsForGo }, activities: { echo: (x: unknown) => x } });
    const id = await hub.client.start("waitsForGo");
    await expect(hub.client.purge(id)).rejects.toMatchObject({ name: "InstanceStateError" });
    await hub.client.raiseEvent(id, "go");
    await hub.client.waitForCompletion(id);
    await hub.client.purge(id);
    expect(await hub.client.get(id)).toBeUndefined();
    expect(await hub.store.getHistory(id)).toEqual([]);
  });
});

describe("instance ids", () => {
  it("refuses to reuse the id of an instance that is not terminal, and reuses a terminal one", async () => {
    hub = createTestHub({ orchestrators: { waitsForGo }, activities: { echo: (x: unknown) => x } });
    await hub.client.start("waitsForGo", 1, { instanceId: "order-1" });
    await expect(hub.client.start("waitsForGo", 2, { instanceId: "order-1" })).rejects.toMatchObject({
      name: "InstanceExistsError",
    });
    await hub.client.raiseEvent("order-1", "go", "x");
    await hub.client.waitForCompletion("order-1");
    await hub.client.start("waitsForGo", 3, { instanceId: "order-1" });
    await hub.client.raiseEvent("order-1", "go", "y");
    expect((await hub.client.waitForCompletion("order-1")).output).toEqual({ input: 3, go: "y" });
    const history = await hub.client.history("order-1");
    expect(history[0]?.seq).toBe(1);
    expect(history.filter((e) => e.type === "ExecutionStarted")).toHaveLength(1);
  });
});

describe("the client's queries", () => {
  it("lists instances newest first with filters and cursor paging", async () => {
    hub = createTestHub({
      orchestrators: {
        waitsForGo,
        *quick() {
          return 1;
        },
      },
    });
    for (let i = 0; i < 7; i++) {
      await hub.client.start(i % 2 ? "quick" : "waitsForGo", null, { instanceId: `list-${i}`, tags: { batch: "b1" } });
      hub.advance(1);
    }
    await hub.until("list-5", (i) => i.status === "completed");
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await hub.client.list({ limit: 3, tags: { batch: "b1" }, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.instanceId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["list-6", "list-5", "list-4", "list-3", "list-2", "list-1", "list-0"]);
    const quick = await hub.client.list({ name: "quick", status: ["completed"] });
    expect(quick.items.map((i) => i.instanceId)).toEqual(["list-5", "list-3", "list-1"]);
  });

  it("streams history and status from a sequence number and ends after the terminal status", async () => {
    hub = createTestHub({ orchestrators: { waitsForGo }, activities: { echo: (x: unknown) => x } });
    const id = await hub.client.start("waitsForGo");
    await hub.until(id, (i) => i.pendingWaits.length === 1);
    const collect = async (afterSeq: number) => {
      const changes: InstanceChange[] = [];
      for await (const change of hub!.client.subscribe(id, { afterSeq })) changes.push(change);
      return changes;
    };
    const full = collect(0);
    const resumed = collect(3);
    await hub.client.raiseEvent(id, "go", "!");
    const [all, tail] = await Promise.all([full, resumed]);
    const seqs = (changes: InstanceChange[]) =>
      changes.filter((c): c is { type: "history"; event: HistoryEvent } => c.type === "history").map((c) => c.event.seq);
    const lastSeq = (await hub.client.get(id))?.lastSeq ?? 0;
    expect(seqs(all)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(seqs(tail)).toEqual(Array.from({ length: lastSeq - 3 }, (_, i) => i + 4));
    expect(all[0]).toMatchObject({ type: "status" });
    expect(all.at(-1)).toMatchObject({ type: "status", instance: { status: "completed" } });
  });

  it("waitForCompletion rejects for an unknown instance", async () => {
    hub = createTestHub({ store: createMemoryStore() });
    await expect(hub.client.waitForCompletion("missing")).rejects.toMatchObject({ name: "InstanceNotFoundError" });
  });
});

describe("firing a timer now", () => {
  it("retries a step that is backing off at once, and its later original firing changes nothing", async () => {
    let attempts = 0;
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          return yield ctx.callActivity("flaky", null, { retry: { maxAttempts: 3, firstIntervalMs: 60 * 60 * 1000 } });
        },
      },
      activities: {
        flaky: () => {
          attempts += 1;
          if (attempts === 1) throw new Error("first attempt fails");
          return "ok";
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    const timer = (await hub.client.history(id)).find((e) => e.type === "TimerCreated");
    await hub.client.fireTimer(id, timer?.taskId ?? 0);
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toBe("ok");
    expect(attempts).toBe(2);
    await expect(hub.client.fireTimer(id, timer?.taskId ?? 0)).rejects.toMatchObject({ code: "timer-not-pending" });
  });
});

describe("terminate on a huge instance", () => {
  it("ends an instance with thousands of open timers and pending events at once, dropping its inbox", async () => {
    hub = createTestHub({
      orchestrators: {
        *huge(ctx: OrchestrationContext) {
          yield ctx.all(Array.from({ length: 5000 }, (_, i) => ctx.sleep(3_600_000 + i)));
        },
      },
    });
    const id = await hub.client.start("huge");
    await hub.until(id, (i) => i.lastSeq > 5000, 30_000);
    for (let i = 0; i < 50; i++) await hub.client.raiseEvent(id, "noise", i);
    const started = Date.now();
    await hub.client.terminate(id, "too big");
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.status).toBe("terminated");
    expect(Date.now() - started).toBeLessThan(5_000);
    // Its 5,000 timers are gone with it: nothing is left to wake up for.
    expect(await hub.store.nextWakeAt(hub.clock.now())).toBeUndefined();
  });
});
