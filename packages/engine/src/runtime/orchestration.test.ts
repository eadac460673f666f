import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "../core/context.js";
import { ActivityProcessDiedError, NonRetryableError } from "../core/errors.js";
import type { HistoryEvent } from "../core/history.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";
import { createWorker, type WorkerOptions } from "./worker.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const types = (history: HistoryEvent[]) => history.map((e) => e.type);

describe("orchestrations", () => {
  it("runs a chain of activities and completes with the orchestrator's return value", async () => {
    hub = createTestHub({
      orchestrators: {
        *chain(ctx: OrchestrationContext, input: number) {
          const a: number = yield ctx.callActivity("double", input);
          const b: number = yield ctx.callActivity("double", a);
          return { result: b };
        },
      },
      activities: { double: (n: number) => n * 2 },
    });
    const id = await hub.client.start("chain", 5);
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ result: 20 });
    const history = await hub.client.history(id);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(types(history).filter((t) => t === "TaskScheduled")).toHaveLength(2);
    expect(history.at(-1)).toMatchObject({ type: "ExecutionCompleted", status: "completed", result: { result: 20 } });
    const completed = history.find((e) => e.type === "TaskCompleted");
    expect(completed).toMatchObject({ taskId: 1, attempt: 1, result: 10 });
    expect(completed?.startedAt).toBeDefined();
  });

  it("accepts async generator orchestrators", async () => {
    hub = createTestHub({
      orchestrators: {
        async *chain(ctx: OrchestrationContext, input: string) {
          const upper: string = await Promise.resolve(input.toUpperCase());
          const echoed: string = yield ctx.callActivity("echo", upper);
          return echoed;
        },
      },
      activities: { echo: (s: string) => s },
    });
    const id = await hub.client.start("chain", "hi");
    expect((await hub.client.waitForCompletion(id)).output).toBe("HI");
  });

  it("fails the instance with the error's name and message when the orchestrator throws", async () => {
    hub = createTestHub({
      orchestrators: {
        *boom() {
          throw new RangeError("the order total is negative");
        },
      },
    });
    const id = await hub.client.start("boom");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ name: "RangeError", message: "the order total is negative" });
  });

  it("surfaces an activity's failure as a catchable error in the orchestrator", async () => {
    hub = createTestHub({
      orchestrators: {
        *careful(ctx: OrchestrationContext) {
          try {
            yield ctx.callActivity("explode");
            return "not reached";
          } catch (error) {
            return { caught: (error as Error).name, message: (error as Error).message };
          }
        },
      },
      activities: {
        explode: () => {
          throw new Error("disk full");
        },
      },
    });
    const id = await hub.client.start("careful");
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toEqual({ caught: "TaskFailedError", message: "Activity 'explode' failed: disk full" });
  });

  it("fails the instance with a clear message for an unknown orchestrator name", async () => {
    hub = createTestHub({});
    const id = await hub.client.start("nobody");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toContain("No orchestrator named 'nobody' is registered");
  });

  it("fails the instance with a clear message for an unknown activity name, without retrying it", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("nothing.here", null, { retry: { maxAttempts: 5, firstIntervalMs: 1 } });
        },
      },
      activities: {},
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toContain("No activity named 'nothing.here' is registered");
    const history = await hub.client.history(id);
    expect(types(history).filter((t) => t === "TaskScheduled")).toHaveLength(1);
  });

  it("records tags on scheduled tasks and timers", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("noop", null, { tags: { nodeId: "save", index: 3 } });
          yield ctx.sleep(10, { tags: { nodeId: "pause" } });
        },
      },
      activities: { noop: () => null },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(10);
    await hub.client.waitForCompletion(id);
    const history = await hub.client.history(id);
    expect(history.find((e) => e.type === "TaskScheduled")?.tags).toEqual({ nodeId: "save", index: 3 });
    expect(history.find((e) => e.type === "TimerCreated")?.tags).toEqual({ nodeId: "pause" });
    expect(history.find((e) => e.type === "TimerFired")?.tags).toEqual({ nodeId: "pause" });
  });

  it("sets the custom status and records it in history", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          ctx.setCustomStatus({ stage: "waiting" });
          yield ctx.waitForEvent("go");
          ctx.setCustomStatus({ stage: "done" });
          return 1;
        },
      },
    });
    const id = await hub.client.start("o");
    const waiting = await hub.until(id, (i) => i.pendingWaits.length === 1);
    expect(waiting.customStatus).toEqual({ stage: "waiting" });
    await hub.client.raiseEvent(id, "go");
    const done = await hub.client.waitForCompletion(id);
    expect(done.customStatus).toEqual({ stage: "done" });
    const history = await hub.client.history(id);
    expect(history.filter((e) => e.type === "CustomStatusSet").map((e) => e.result)).toEqual([{ stage: "waiting" }, { stage: "done" }]);
  });
});

describe("retries", () => {
  it("retries a failing activity with backoff intervals as durable timers, recording every attempt", async () => {
    const attempts: number[] = [];
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          return yield ctx.callActivity("flaky", null, {
            retry: { maxAttempts: 4, firstIntervalMs: 1000, backoffCoefficient: 3 },
            tags: { nodeId: "video" },
          });
        },
      },
      activities: {
        flaky: (_: unknown, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
          return { attempt: ctx.attempt };
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.filter((e) => e.type === "TimerCreated").length === 1);
    hub.advance(999);
    await new Promise((r) => setTimeout(r, 30));
    expect(attempts).toEqual([1]);
    hub.advance(1);
    await hub.until(id, (_, h) => h.filter((e) => e.type === "TimerCreated").length === 2);
    hub.advance(3000);
    const done = await hub.client.waitForCompletion(id);
    expect(done.output).toEqual({ attempt: 3 });
    expect(attempts).toEqual([1, 2, 3]);
    const history = await hub.client.history(id);
    const scheduled = history.filter((e) => e.type === "TaskScheduled");
    expect(scheduled.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(scheduled.every((e) => e.tags?.nodeId === "video")).toBe(true);
    // Each attempt is answered with its own task id.
    const answers = history.filter((e) => e.type === "TaskFailed" || e.type === "TaskCompleted");
    expect(answers.map((e) => e.taskId)).toEqual(scheduled.map((e) => e.taskId));
    // The waits were 1000 ms and then 3000 ms after each failure was processed.
    const timers = history.filter((e) => e.type === "TimerCreated");
    const turnTimeOf = (seq: number) => Date.parse(history.filter((e) => e.type === "OrchestratorStarted" && e.seq < seq).at(-1)?.at ?? "");
    expect(timers.map((t) => Date.parse(t.fireAt ?? "") - turnTimeOf(t.seq))).toEqual([1000, 3000]);
    expect(timers.map((t) => t.tags?.backoffFor)).toEqual([scheduled[0]?.taskId, scheduled[1]?.taskId]);
  });

  it("surfaces the failure after the last attempt, naming the attempts", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("fail", null, { retry: { maxAttempts: 2, firstIntervalMs: 5 } });
        },
      },
      activities: {
        fail: () => {
          throw new Error("upstream 503");
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
    hub.advance(5);
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ name: "TaskFailedError", message: "Activity 'fail' failed after 2 attempts: upstream 503" });
    expect(done.error?.cause).toMatchObject({ name: "Error", message: "upstream 503" });
  });

  it("does not retry a NonRetryableError", async () => {
    let runs = 0;
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("reject", null, { retry: { maxAttempts: 5, firstIntervalMs: 1 } });
        },
      },
      activities: {
        reject: () => {
          runs += 1;
          throw new NonRetryableError("card declined");
        },
      },
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(runs).toBe(1);
  });

  it("stops retrying once totalTimeoutMs would be exceeded", async () => {
    let runs = 0;
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("fail", null, {
            retry: { maxAttempts: 10, firstIntervalMs: 1000, backoffCoefficient: 2, totalTimeoutMs: 2500 },
          });
        },
      },
      activities: {
        fail: () => {
          runs += 1;
          throw new Error("no");
        },
      },
    });
    const id = await hub.client.start("o");
    await hub.until(id, (_, h) => h.filter((e) => e.type === "TimerCreated").length === 1);
    hub.advance(1000);
    // Attempt 2 fails at t=1000; the next wait (2000) would end at 3000 > 2500: no attempt 3.
    const done = await hub.client.waitForCompletion(id);
    expect(done.status).toBe("failed");
    expect(runs).toBe(2);
  });

  it("caps each wait at maxIntervalMs", async () => {
    hub = createTestHub({
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("fail", null, {
            retry: { maxAttempts: 4, firstIntervalMs: 100, backoffCoefficient: 10, maxIntervalMs: 500 },
          });
        },
      },
      activities: {
        fail: () => {
          throw new Error("no");
        },
      },
    });
    const id = await hub.client.start("o");
    for (const wait of [100, 500, 500]) {
      const before = (await hub.client.history(id)).filter((e) => e.type === "TimerCreated").length;
      await hub.until(id, (_, h) => h.filter((e) => e.type === "TimerCreated").length === before + 1);
      const timer = (await hub.client.history(id)).filter((e) => e.type === "TimerCreated").at(-1);
      expect(Date.parse(timer?.fireAt ?? "") - hub.clock.now()).toBe(wait);
      hub.advance(wait);
    }
    expect((await hub.client.waitForCompletion(id)).status).toBe("failed");
  });
});

describe("limits", () => {
  it("fails an instance whose activity input is over the payload limit, naming the activity and the limit", async () => {
    hub = createTestHub({
      limits: { maxPayloadBytes: 1024 },
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("noop", { blob: "x".repeat(2000) });
        },
      },
      activities: { noop: () => null },
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.error).toMatchObject({ name: "PayloadTooLargeError" });
    expect(done.error?.message).toContain("activity 'noop'");
    expect(done.error?.message).toContain("the limit is 1 KiB");
    expect((await hub.client.history(id)).some((e) => e.type === "TaskScheduled")).toBe(false);
  });

  it("fails an instance that would pass the history limit, with the reason", async () => {
    hub = createTestHub({
      limits: { maxHistoryEvents: 40 },
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          for (;;) yield ctx.callActivity("noop");
        },
      },
      activities: { noop: () => null },
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.error?.name).toBe("HistoryLimitExceeded");
    expect(done.error?.message).toContain("continue-as-new");
    // The work the failing turn would have added was not recorded: only its start, the answer it got, and the failure.
    const history = await hub.client.history(id);
    const failingTurn = history.filter((e) => e.type === "OrchestratorStarted").at(-1)?.seq ?? 0;
    expect(failingTurn - 1).toBeLessThanOrEqual(40);
    expect(history.slice(failingTurn).map((e) => e.type)).toEqual(["TaskCompleted", "ExecutionCompleted"]);
  });
});

describe("activity result limit", () => {
  it("fails an attempt whose result is over the payload limit, without retrying it", async () => {
    let runs = 0;
    hub = createTestHub({
      limits: { maxPayloadBytes: 1024 },
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          yield ctx.callActivity("big", null, { retry: { maxAttempts: 3, firstIntervalMs: 1 } });
        },
      },
      activities: { big: () => ((runs += 1), "y".repeat(5000)) },
    });
    const id = await hub.client.start("o");
    const done = await hub.client.waitForCompletion(id);
    expect(done.error?.cause).toMatchObject({ name: "PayloadTooLargeError" });
    expect(runs).toBe(1);
  });
});

describe("the activity dispatcher at full capacity", () => {
  it("waits for a running activity to finish instead of spinning, and runs the rest after it", async () => {
    let running = 0;
    let peak = 0;
    hub = createTestHub({
      activityConcurrency: 1,
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          return yield ctx.all([1, 2, 3, 4, 5].map((n) => ctx.callActivity<number>("slow", n)));
        },
      },
      activities: {
        slow: async (n: number) => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running -= 1;
          return n;
        },
      },
    });
    const id = await hub.client.start("o");
    expect((await hub.client.waitForCompletion(id)).output).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(1);
  });
});

describe("a poison activity", () => {
  /**
   * An instance calls 'crashy' (retry: 2 attempts); `deaths` workers claim attempt 1 and
   * die without a result (their leases lapse); then a worker with `options` runs until the
   * instance ends. Returns its output, the failure of attempt 1 and the worker's metrics.
   */
  async function afterDeaths(deaths: number, options: Pick<WorkerOptions, "activities" | "isolatedActivities">) {
    const clock = createFakeClock();
    const store = createMemoryStore();
    const testHub = createTestHub({
      store,
      clock,
      leaseMs: 1000,
      orchestrators: {
        *o(ctx: OrchestrationContext) {
          return yield ctx.callActivity("crashy", null, { retry: { maxAttempts: 2, firstIntervalMs: 10 } });
        },
      },
      activities: {},
      dispatch: { orchestrations: true, activities: false },
    });
    hub = testHub;
    const id = await testHub.client.start("o");
    await testHub.until(id, (_, h) => h.some((e) => e.type === "TaskScheduled"));
    for (let i = 0; i < deaths; i++) {
      expect(await store.claimActivities({ owner: `doomed-${i}`, limit: 1, leaseMs: 1000, now: clock.now() })).toHaveLength(1);
      clock.advance(1001);
    }
    const worker = createWorker({ store, clock, ...options, dispatch: { orchestrations: false }, pollIntervalMs: 20 });
    worker.start();
    try {
      await testHub.until(id, (_, h) => h.some((e) => e.type === "TimerCreated"));
      testHub.advance(10);
      worker.poke();
      const done = await testHub.client.waitForCompletion(id);
      const failed = (await testHub.client.history(id)).find((e) => e.type === "TaskFailed");
      return { output: done.output, failed: failed?.error, metrics: worker.metrics() };
    } finally {
      await worker.stop();
    }
  }

  it("is given up after its workers died running it the allowed number of times, and the retry policy goes on", async () => {
    const runs: number[] = [];
    const result = await afterDeaths(3, {
      activities: { crashy: (_: unknown, ctx) => (runs.push(ctx.attempt), `ok on attempt ${ctx.attempt}`) },
    });
    expect(result.output).toBe("ok on attempt 2");
    expect(runs).toEqual([2]);
    expect(result.failed?.name).toBe("PoisonActivityError");
  });

  it("runs a suspect in its isolated process, again after each time that process died, and gives it up at the claim limit without killing the worker again", async () => {
    const inProcess: number[] = [];
    const isolatedRuns: number[] = [];
    const result = await afterDeaths(1, {
      activities: { crashy: (_: unknown, ctx) => (inProcess.push(ctx.attempt), `in-process on attempt ${ctx.attempt}`) },
      isolatedActivities: {
        crashy: (_: unknown, ctx) => {
          isolatedRuns.push(ctx.attempt);
          throw new ActivityProcessDiedError(`signal SIGKILL (pid ${isolatedRuns.length})`, { code: null, signal: "SIGKILL" });
        },
      },
    });
    // Attempt 1: one worker death, then two isolated deaths = 3 runs without a result (the limit).
    expect(isolatedRuns).toEqual([1, 1]);
    // Attempt 2 is fresh (never claimed before): it runs in the worker, as every fresh attempt does.
    expect(inProcess).toEqual([2]);
    expect(result.output).toBe("in-process on attempt 2");
    expect(result.failed?.name).toBe("PoisonActivityError");
    expect(result.failed?.message).toContain(
      "its worker died 1 time(s), then the process it ran alone in died 2 time(s) (last: signal SIGKILL (pid 2))",
    );
    expect(result.metrics).toMatchObject({ activitiesPoisoned: 1, isolatedProcessDeaths: 2 });
  });

  it("records what a suspect returns from its isolated process, and its errors as the activity's own", async () => {
    let isolatedRuns = 0;
    const result = await afterDeaths(1, {
      activities: { crashy: () => "in-process" },
      isolatedActivities: {
        crashy: (_: unknown, ctx) => {
          isolatedRuns += 1;
          if (ctx.attempt === 1) throw new Error("an ordinary failure, retried by the policy");
          return `isolated on attempt ${ctx.attempt}`;
        },
      },
    });
    expect(result.failed?.message).toBe("an ordinary failure, retried by the policy");
    // Attempt 2 was never claimed before: in-process.
    expect(result.output).toBe("in-process");
    expect(isolatedRuns).toBe(1);
  });

  it.each([
    { deaths: 0, held: 0, peak: 2 },
    // A suspect runs beside fresh work...
    { deaths: 1, held: 1, peak: 2 },
    // ...but never beside another suspect.
    { deaths: 1, held: 2, peak: 1 },
    { deaths: 2, held: 2, peak: 1 },
  ])(
    "runs one suspect (claimed before without a result) at a time, so a poison cannot take another suspect with it ($deaths death(s) holding $held of 2: $peak at once)",
    async ({ deaths, held, peak: expectedPeak }) => {
      const clock = createFakeClock();
      const store = createMemoryStore();
      let running = 0;
      let peak = 0;
      const slow = async (n: number) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return n;
      };
      hub = createTestHub({
        store,
        clock,
        leaseMs: 1000,
        orchestrators: {
          *o(ctx: OrchestrationContext) {
            return yield ctx.all([ctx.callActivity("slow", 1), ctx.callActivity("slow", 2)]);
          },
        },
        activities: { slow },
        dispatch: { orchestrations: true, activities: false },
      });
      const id = await hub.client.start("o");
      await hub.until(id, (_, h) => h.filter((e) => e.type === "TaskScheduled").length === 2);
      // Workers claim `held` of the activities and die running them (their leases lapse).
      for (let i = 0; i < deaths; i++) {
        expect(await store.claimActivities({ owner: `doomed-${i}`, limit: held, leaseMs: 1000, now: clock.now() })).toHaveLength(held);
        clock.advance(1001);
      }
      const worker = createWorker({ store, clock, activities: { slow }, dispatch: { orchestrations: false }, pollIntervalMs: 20 });
      worker.start();
      try {
        expect((await hub.client.waitForCompletion(id)).output).toEqual([1, 2]);
        expect(peak).toBe(expectedPeak);
      } finally {
        await worker.stop();
      }
    },
  );
});
