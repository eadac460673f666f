import { NonRetryableError, type HistoryEvent } from "@weft/engine";
import { createTestHub, type TestHub } from "@weft/engine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { compile } from "./compile.js";
import { interpret } from "./interpreter.js";
import { deriveNodeStates, NodeStateTracker } from "./node-states.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const chain = {
  id: "rewound-chain",
  name: "rewound-chain",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "save", type: "activity", activity: "util.echo", input: "input", position: { x: 200, y: 0 } },
    { id: "charge", type: "activity", activity: "test.failOnce", input: "input", position: { x: 400, y: 0 } },
    { id: "notify", type: "activity", activity: "util.echo", input: "steps.charge", position: { x: 600, y: 0 } },
    { id: "end", type: "end", position: { x: 800, y: 0 } },
  ],
  edges: [
    { id: "e1", source: "start", target: "save" },
    { id: "e2", source: "save", target: "charge" },
    { id: "e3", source: "charge", target: "notify" },
    { id: "e4", source: "notify", target: "end" },
  ],
};

/** The chain run to a failure at `charge`, rewound, and run to its end: the history at both points. */
async function failedThenRewound(): Promise<{ failed: HistoryEvent[]; all: HistoryEvent[] }> {
  const plan = compile(chain, { version: 1 });
  let calls = 0;
  hub = createTestHub({
    activities: {
      "util.echo": (input: unknown) => input,
      "test.failOnce": (input: unknown) => {
        calls += 1;
        if (calls === 1) throw new NonRetryableError("card declined");
        return { charged: input };
      },
    },
    resolveOrchestrator: (name) => (name === chain.id ? interpret(plan) : undefined),
  });
  const id = await hub.client.start(chain.id, { order: 7 }, { tags: { version: "1" } });
  expect((await hub.client.waitForCompletion(id)).status).toBe("failed");
  const failed = await hub.client.history(id);
  await hub.client.rewind(id);
  expect((await hub.until(id, (instance) => instance.status === "completed")).status).toBe("completed");
  return { failed, all: await hub.client.history(id) };
}

describe("node states after a rewind (issue 17, bug 2)", () => {
  it("show the rewound step and the steps after it as they ran, not as failed and skipped", async () => {
    const plan = compile(chain, { version: 1 });
    const { failed, all } = await failedThenRewound();
    expect((await deriveNodeStates(plan, failed)).charge?.status).toBe("failed");

    const states = await deriveNodeStates(plan, all);
    expect(states.save).toMatchObject({ status: "succeeded", runs: 1 });
    expect(states.charge).toMatchObject({ status: "succeeded" });
    expect(states.charge?.error).toBeUndefined();
    expect(states.notify).toMatchObject({ status: "succeeded", runs: 1 });
    expect(states.end?.status).toBe("succeeded");
  });

  it("come out the same when the history arrives live, the rewind after the failure was seen", async () => {
    const plan = compile(chain, { version: 1 });
    const { failed, all } = await failedThenRewound();
    const live = new NodeStateTracker(plan);
    await live.apply(failed);
    expect(live.states().notify?.status).toBe("skipped");
    // The rest arrives a few events at a time, as the stream delivers it.
    const rest = all.filter((e) => e.seq > (failed.at(-1)?.seq ?? 0));
    for (let i = 0; i < rest.length; i += 2) await live.apply(rest.slice(i, i + 2));
    expect(live.error).toBeUndefined();
    expect(live.states().charge?.status).toBe("succeeded");
    expect(live.states().notify?.status).toBe("succeeded");
    expect(live.states()).toEqual(await deriveNodeStates(plan, all));
  });
});

describe("node states while a step backs off (issue 17, item 7)", () => {
  it("say when the next attempt starts and why the last one failed, until it runs", async () => {
    const flaky = {
      id: "backoff",
      name: "backoff",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        {
          id: "call",
          type: "activity",
          activity: "test.flaky",
          retry: { maxAttempts: 2, firstIntervalMs: 60_000 },
          position: { x: 200, y: 0 },
        },
        { id: "end", type: "end", position: { x: 400, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "call" },
        { id: "e2", source: "call", target: "end" },
      ],
    };
    const plan = compile(flaky, { version: 1 });
    hub = createTestHub({
      activities: {
        "test.flaky": (_input: unknown, ctx: { attempt: number }) => {
          if (ctx.attempt === 1) throw new Error("busy");
          return "ok";
        },
      },
      resolveOrchestrator: (name) => (name === flaky.id ? interpret(plan) : undefined),
    });
    const id = await hub.client.start(flaky.id, {}, { tags: { version: "1" } });
    await hub.until(id, (_instance, history) => history.some((e) => e.type === "TimerCreated" && e.tags?.backoffFor !== undefined));
    const history = await hub.client.history(id);
    const timer = history.find((e) => e.type === "TimerCreated");
    const backingOff = (await deriveNodeStates(plan, history)).call;
    expect(backingOff).toMatchObject({ status: "retrying", retryAt: timer?.fireAt, lastError: { name: "Error", message: "busy" } });

    hub.advance(60_000);
    expect((await hub.until(id, (instance) => instance.status === "completed")).status).toBe("completed");
    const done = (await deriveNodeStates(plan, await hub.client.history(id))).call;
    expect(done?.status).toBe("succeeded");
    expect(done?.retryAt).toBeUndefined();
  });
});
