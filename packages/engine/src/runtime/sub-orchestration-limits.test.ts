import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "../core/context.js";
import type { FailureDetails } from "../core/history.js";
import type { Task } from "../core/tasks.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";
import { DEPTH_TAG } from "./orchestration-turn.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** The innermost cause of a failure (a parent's error wraps its child's, which wraps the limit's). */
function rootCause(error: FailureDetails | undefined): FailureDetails | undefined {
  let current = error;
  while (current?.cause) current = current.cause;
  return current;
}

async function allInstances(h: TestHub) {
  return (await h.store.listInstances({ limit: 1000 })).items;
}

describe("sub-orchestration depth", () => {
  it("stops an orchestrator that calls itself at the depth limit, with the limit named on the instance", async () => {
    hub = createTestHub({
      limits: { maxSubOrchestrationDepth: 3 },
      orchestrators: {
        // Stops by itself at 50 levels, so that without a depth limit the test fails instead of hanging.
        *rec(ctx: OrchestrationContext, n: number): Generator<Task<unknown>, number, number> {
          if (n >= 50) return n;
          return yield ctx.callSubOrchestrator<number>("rec", n + 1);
        },
      },
    });
    const id = await hub.client.start("rec", 0);
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.status).toBe("failed");
    const cause = rootCause(done.error);
    expect(cause?.name).toBe("SubOrchestrationDepthExceeded");
    expect(cause?.message).toContain("the limit is 3");
    expect(cause?.message).toContain("maxSubOrchestrationDepth");
    expect(cause?.nonRetryable).toBe(true);
    // The root and three levels below it; the refused fourth level was never created.
    const instances = await allInstances(hub);
    expect(instances).toHaveLength(4);
    expect(instances.map((i) => i.tags[DEPTH_TAG] ?? "0").sort()).toEqual(["0", "1", "2", "3"]);
    // The deepest instance's own step failed with the limit (its error edge, its retry policy, apply there).
    const deepest = instances.find((i) => i.tags[DEPTH_TAG] === "3");
    expect(deepest?.error?.cause?.name).toBe("SubOrchestrationDepthExceeded");
    const history = await hub.client.history(deepest?.instanceId ?? "");
    expect(history.map((e) => e.type)).toContain("SubOrchestrationFailed");
  });

  it("lets the parent catch the refusal like any failed step", async () => {
    hub = createTestHub({
      limits: { maxSubOrchestrationDepth: 1 },
      orchestrators: {
        *outer(ctx: OrchestrationContext) {
          return yield ctx.callSubOrchestrator("inner", null);
        },
        *inner(ctx: OrchestrationContext) {
          try {
            yield ctx.callSubOrchestrator("leaf", null);
            return "went deeper";
          } catch (error) {
            return `caught ${(error as { failure?: FailureDetails }).failure?.name}`;
          }
        },
        *leaf() {
          return "leaf";
        },
      },
    });
    const id = await hub.client.start("outer");
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.output).toBe("caught SubOrchestrationDepthExceeded");
  });

  it("does not let a start tag lower the depth below the root's", async () => {
    hub = createTestHub({
      limits: { maxSubOrchestrationDepth: 2 },
      orchestrators: {
        *rec(ctx: OrchestrationContext, n: number): Generator<Task<unknown>, number, number> {
          if (n >= 20) return n;
          return yield ctx.callSubOrchestrator<number>("rec", n + 1);
        },
      },
    });
    const id = await hub.client.start("rec", 0, { tags: { [DEPTH_TAG]: "-100" } });
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(rootCause(done.error)?.name).toBe("SubOrchestrationDepthExceeded");
    expect(await allInstances(hub)).toHaveLength(3);
  });
});

describe("children open at once", () => {
  it("fails the steps past the limit without creating their children", async () => {
    hub = createTestHub({
      limits: { maxOpenChildren: 3 },
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          return yield ctx.all([1, 2, 3, 4, 5].map((n) => ctx.callSubOrchestrator("waiter", n)));
        },
        *waiter(ctx: OrchestrationContext) {
          return yield ctx.waitForEvent("go");
        },
      },
    });
    const id = await hub.client.start("parent");
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.status).toBe("failed");
    const cause = rootCause(done.error);
    expect(cause?.name).toBe("OpenChildrenLimitExceeded");
    expect(cause?.message).toContain("the limit is 3");
    expect(cause?.message).toContain("maxOpenChildren");
    expect((await allInstances(hub)).filter((i) => i.name === "waiter")).toHaveLength(3);
  });

  it("is retryable: the step's retry policy starts the child once others have finished", async () => {
    hub = createTestHub({
      limits: { maxOpenChildren: 2 },
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          const retry = { maxAttempts: 5, firstIntervalMs: 1000 };
          return yield ctx.all([1, 2, 3, 4].map((n) => ctx.callSubOrchestrator("double", n, { retry })));
        },
        *double(_ctx: OrchestrationContext, n: number) {
          return n * 2;
        },
      },
    });
    const id = await hub.client.start("parent");
    await hub.until(id, (_, history) => history.filter((e) => e.type === "TimerCreated").length >= 2);
    for (let i = 0; i < 20 && (await hub.store.getInstance(id))?.status !== "completed"; i++) {
      hub.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.output).toEqual([2, 4, 6, 8]);
  });
});

describe("children started per execution", () => {
  it("fails the step that would start one child too many, without retrying it", async () => {
    hub = createTestHub({
      limits: { maxChildrenPerExecution: 4 },
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          const retry = { maxAttempts: 3, firstIntervalMs: 1 };
          for (let i = 0; i < 10; i++) yield ctx.callSubOrchestrator("child", i, { retry });
          return "all ten";
        },
        *child() {
          return null;
        },
      },
    });
    const id = await hub.client.start("parent");
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.status).toBe("failed");
    const cause = rootCause(done.error);
    expect(cause?.name).toBe("ChildrenLimitExceeded");
    expect(cause?.message).toContain("the limit is 4");
    expect(cause?.message).toContain("maxChildrenPerExecution");
    expect(cause?.nonRetryable).toBe(true);
    expect((await allInstances(hub)).filter((i) => i.name === "child")).toHaveLength(4);
    // Refused once, not retried: no backoff timer was created for it.
    expect((await hub.client.history(id)).some((e) => e.type === "TimerCreated")).toBe(false);
  });

  it("starts a new count after continue-as-new", async () => {
    hub = createTestHub({
      limits: { maxChildrenPerExecution: 3 },
      orchestrators: {
        *parent(ctx: OrchestrationContext, round: number) {
          for (let i = 0; i < 3; i++) yield ctx.callSubOrchestrator("child", i);
          if (round < 2) ctx.continueAsNew(round + 1);
          return round;
        },
        *child() {
          return null;
        },
      },
    });
    const id = await hub.client.start("parent", 0);
    const done = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(done.status).toBe("completed");
    expect(done.output).toBe(2);
  });
});

describe("limit decisions and replay", () => {
  /** Five children at once, two allowed open, each step retried: refusals, backoffs and retries. */
  async function historyOf(cacheSize: number) {
    const h = createTestHub({
      cacheSize,
      limits: { maxOpenChildren: 2 },
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          const retry = { maxAttempts: 6, firstIntervalMs: 1000 };
          return yield ctx.all([1, 2, 3, 4, 5].map((n) => ctx.callSubOrchestrator("double", n, { retry, instanceId: `child-${n}` })));
        },
        *double(_ctx: OrchestrationContext, n: number) {
          return n * 2;
        },
      },
    });
    hub = h;
    const id = await h.client.start("parent", null, { instanceId: "parent" });
    for (let i = 0; i < 40 && (await h.store.getInstance(id))?.status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      h.advance(1000);
    }
    const done = await h.client.waitForCompletion(id, { timeoutMs: 10_000 });
    const history = (await h.client.history(id)).map(({ at: _at, executionId: _e, ...event }) => event);
    await h.stop();
    hub = undefined;
    return { done, history };
  }

  it("decides the same whether each turn's executor comes from the cache or is rebuilt from history", async () => {
    const cached = await historyOf(10_000);
    const replayed = await historyOf(0);
    expect(cached.done.output).toEqual([2, 4, 6, 8, 10]);
    expect(replayed.done.output).toEqual([2, 4, 6, 8, 10]);
    expect(cached.history.filter((e) => e.type === "SubOrchestrationFailed").length).toBeGreaterThan(0);
    expect(replayed.history.map((e) => [e.type, e.taskId, e.error?.name])).toEqual(
      cached.history.map((e) => [e.type, e.taskId, e.error?.name]),
    );
  });

  it("fails a refused step again on rewind instead of waiting for a child that never existed", async () => {
    hub = createTestHub({
      limits: { maxSubOrchestrationDepth: 0 },
      orchestrators: {
        *parent(ctx: OrchestrationContext) {
          return yield ctx.callSubOrchestrator("child", null);
        },
        *child() {
          return "child";
        },
      },
    });
    const id = await hub.client.start("parent");
    const failed = await hub.client.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(rootCause(failed.error)?.name).toBe("SubOrchestrationDepthExceeded");
    await hub.client.rewind(id, "try again");
    await hub.until(id, (instance, history) => instance.status === "failed" && history.some((e) => e.type === "ExecutionRewound"));
    const again = await hub.store.getInstance(id);
    expect(rootCause(again?.error)?.name).toBe("SubOrchestrationDepthExceeded");
  });
});
