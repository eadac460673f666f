import { type HistoryEvent, type InstanceRecord, ReplayExecutor } from "@weft/engine";
import { createTestHub, type TestHub } from "@weft/engine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { compile } from "./compile.js";
import { DEFAULT_MAX_MAP_ITEMS, interpret, type InterpreterOptions } from "./interpreter.js";
import { measureLoopGaps } from "./test-kit/loop-gaps.js";
import { definitionOf, type NodeSpec } from "./testing.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** A map over `items` whose body is `body` (default: one activity echoing the item). */
function mapOver(
  items: string,
  body: NodeSpec[] = [{ id: "work", type: "activity", activity: "util.echo", input: "item" }],
  maxConcurrency?: number,
) {
  return definitionOf({
    id: "mapper",
    nodes: [
      { id: "start", type: "start" },
      { id: "each", type: "map", items, ...(maxConcurrency !== undefined ? { maxConcurrency } : {}) },
      ...body.map((node) => ({ parentId: "each", ...node })),
      { id: "end", type: "end" },
    ],
    edges: [["start", "each"], ["each", "end"], ...body.slice(1).map((node, i) => [body[i]?.id ?? "", node.id] as [string, string])],
  });
}

async function runOnce(
  definition: Record<string, unknown>,
  options: InterpreterOptions = {},
  input?: unknown,
): Promise<{ done: InstanceRecord; history: HistoryEvent[] }> {
  const plan = compile(definition, { version: 1 });
  hub = createTestHub({
    activities: { "util.echo": (value: unknown) => value },
    resolveOrchestrator: () => interpret(plan, options),
  });
  const id = await hub.client.start("mapper", input, { tags: { version: "1" } });
  const done = await hub.client.waitForCompletion(id, { timeoutMs: 60_000 });
  const history = await hub.client.history(id);
  await hub.stop();
  hub = undefined;
  return { done, history };
}

describe("map items limit", () => {
  it(`refuses a map over more than ${DEFAULT_MAX_MAP_ITEMS.toLocaleString("en-US")} items before scheduling anything`, async () => {
    // 50,000: under the expressions' own sequence limit (100,000), so the map's limit is what stops it.
    const { done, history } = await runOnce(mapOver("[1..50000]"));
    expect(done.status).toBe("failed");
    expect(done.error?.name).toBe("MapItemsExceeded");
    expect(done.error?.message).toContain("50,000 items");
    expect(done.error?.message).toContain("the limit is 10,000");
    expect(done.error?.message).toContain("WEFT_MAX_MAP_ITEMS");
    expect(history.some((e) => e.type === "TaskScheduled")).toBe(false);
  });

  it("takes a configured limit, and runs a map at the limit", async () => {
    expect((await runOnce(mapOver("[1..6]"), { maxMapItems: 5 })).done.error?.name).toBe("MapItemsExceeded");
    const atLimit = await runOnce(mapOver("[1..5]"), { maxMapItems: 5 });
    expect(atLimit.done.status).toBe("completed");
    expect(atLimit.done.output).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("the interpreter yields to the event loop", () => {
  const passOnly: NodeSpec[] = [{ id: "pass", type: "transform", assign: { doubled: "item * 2" } }];

  it("never holds it long in one turn, even for a map of the maximum size with a pass-only body", async () => {
    const plan = compile(mapOver(`[1..${DEFAULT_MAX_MAP_ITEMS}]`, passOnly, DEFAULT_MAX_MAP_ITEMS), { version: 1 });
    const h = createTestHub({ resolveOrchestrator: () => interpret(plan) });
    hub = h;
    let done: InstanceRecord | undefined;
    const longest = await measureLoopGaps(async () => {
      const id = await h.client.start("mapper", undefined, { tags: { version: "1" } });
      done = await h.client.waitForCompletion(id, { timeoutMs: 60_000 });
    }, 1);
    console.log(
      `[interpreter-yield] map of ${DEFAULT_MAX_MAP_ITEMS} pass-only items in one turn: longest event-loop block ${longest.worstCpuGapMs.toFixed(1)} ms of CPU (${longest.worstGapMs.toFixed(1)} ms wall)`,
    );
    expect(done?.status).toBe("completed");
    expect(done?.output).toHaveLength(DEFAULT_MAX_MAP_ITEMS);
    // CPU time only: on a loaded machine the process also waits for a core, which is not the work holding the loop.
    expect(longest.worstCpuGapMs).toBeLessThan(100);
  });

  it("moves 10,000 items in flight at once without quadratic work (each wait is listened to once, not once per turn)", async () => {
    const plan = compile(mapOver(`[1..${DEFAULT_MAX_MAP_ITEMS}]`, undefined, DEFAULT_MAX_MAP_ITEMS), { version: 1 });
    const h = createTestHub({
      activityConcurrency: 64,
      activities: { "util.echo": (value: unknown) => value },
      resolveOrchestrator: () => interpret(plan),
    });
    hub = h;
    let done: InstanceRecord | undefined;
    const started = performance.now();
    const longest = await measureLoopGaps(async () => {
      const id = await h.client.start("mapper", undefined, { tags: { version: "1" } });
      done = await h.client.waitForCompletion(id, { timeoutMs: 60_000 });
    }, 1);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[interpreter-yield] map of ${DEFAULT_MAX_MAP_ITEMS} activities all in flight: ${seconds.toFixed(1)} s, longest event-loop block ${longest.worstCpuGapMs.toFixed(1)} ms of CPU (${longest.worstGapMs.toFixed(1)} ms wall)`,
    );
    expect(done?.status).toBe("completed");
    // Before: a ctx.any over every waiting token on each turn, 10,000 listeners a turn (85 s on a server).
    // (The event-loop figure is printed, not asserted here: its longest block is the one turn that
    // records and commits 10,000 scheduled tasks at once, which the store does in one transaction.)
    expect(seconds).toBeLessThan(20);
  });

  it("decides the same whether it yields after every step or never: a recorded history replays identically both ways", async () => {
    const body: NodeSpec[] = [
      { id: "pass", type: "transform", assign: { doubled: "item * 2" } },
      { id: "work", type: "activity", activity: "util.echo", input: "vars.doubled" },
    ];
    const definition = mapOver("[1..300]", body, 50);
    const plan = compile(definition, { version: 1 });
    // Turn boundaries depend on when activity results arrive, so two live runs may differ;
    // what must not differ is what the interpreter decides over one history.
    const recorded = await runOnce(definition, { yieldAfterMs: Number.POSITIVE_INFINITY });
    expect(recorded.done.status).toBe("completed");
    const started = recorded.history.find((e) => e.type === "ExecutionStarted");
    for (const yieldAfterMs of [0, Number.POSITIVE_INFINITY]) {
      const executor = new ReplayExecutor({
        instanceId: recorded.done.instanceId,
        executionId: started?.executionId ?? "",
        name: "mapper",
        orchestrator: interpret(plan, { yieldAfterMs }),
        tags: { version: "1" },
      });
      // Replay fails the execution with a NonDeterminismError if any action differs from the history.
      await executor.replay(recorded.history);
      expect(executor.completion).toEqual({ kind: "completed", output: recorded.done.output });
    }
  });
});
