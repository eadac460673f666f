import { readFileSync } from "node:fs";
import type { ActivityFunction, InstanceRecord } from "@weft/engine";
import { NonRetryableError } from "@weft/engine";
import { createTestHub, type TestHub } from "@weft/engine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { compile, DefinitionError, type Plan } from "./compile.js";
import { interpret, MAX_NODE_VISITS, RESTART_FROM_TAG, RESTART_OF_TAG, RESTART_SEED_ACTIVITY } from "./interpreter.js";
import { captureRestartSeed, restartPoints } from "./restart.js";
import type { NodeTransition } from "./node-observer.js";
import { deriveNodeStates } from "./node-states.js";
import { GUARANTEED_ACTIVITY_NAMES } from "./catalog.js";

type Json = Record<string, unknown>;

/** A definition from terse node and edge lists; positions do not matter here. */
function def(id: string, nodes: Json[], edges: (Json | [string, string, Json?])[]): Json {
  return {
    id,
    name: id,
    nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, ...n })),
    edges: edges.map((e, i) => (Array.isArray(e) ? { id: `e${i}`, source: e[0], target: e[1], ...(e[2] ?? {}) } : { id: `e${i}`, ...e })),
  };
}

const utilActivities: Record<string, ActivityFunction> = {
  "util.echo": (input: unknown) => input,
  "util.fail": (input: { message?: string }) => {
    throw new Error(input?.message ?? "failed on purpose");
  },
  "util.flaky": (input: { failAttempts?: number }, ctx) => {
    if (ctx.attempt <= (input?.failAttempts ?? 0)) throw new Error(`attempt ${ctx.attempt} failed`);
    return { attempt: ctx.attempt };
  },
  "util.reject": () => {
    throw new NonRetryableError("rejected for good");
  },
};

let hub: TestHub | undefined;
let transitions: NodeTransition[] = [];
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  transitions = [];
});

function start(definitions: Json[], activities: Record<string, ActivityFunction> = {}): TestHub {
  const plans = new Map<string, Plan>(definitions.map((d) => [d.id as string, compile(d, { version: 1 })]));
  hub = createTestHub({
    activities: { ...utilActivities, ...activities },
    resolveOrchestrator: (name) => {
      const plan = plans.get(name);
      return plan ? interpret(plan, { observer: (t) => transitions.push(t) }) : undefined;
    },
  });
  return hub;
}

async function run(definition: Json, input?: unknown, activities?: Record<string, ActivityFunction>): Promise<InstanceRecord> {
  const h = start([definition], activities);
  const id = await h.client.start(definition.id as string, input, { tags: { version: "1" } });
  return h.client.waitForCompletion(id);
}

describe("compile", () => {
  it("refuses an invalid definition with every problem listed", () => {
    expect(() => compile(def("bad", [{ id: "a", type: "activity", activity: "util.echo" }], []))).toThrow(DefinitionError);
    try {
      compile(def("bad", [{ id: "a", type: "activity", activity: "util.echo" }], []));
    } catch (error) {
      expect((error as DefinitionError).problems.map((p) => p.code)).toContain("no-start");
    }
  });

  it("compiles the shipped examples", () => {
    for (const file of ["order-processing.json", "video-pipeline.json"]) {
      const plan = compile(JSON.parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), "utf8")));
      expect(plan.start).toBe("start");
    }
  });
});

describe("the interpreter", () => {
  it("runs a chain, passing each output on as the next input by default", async () => {
    const done = await run(
      def(
        "chain",
        [
          { id: "start", type: "start" },
          { id: "a", type: "activity", activity: "util.echo", input: '{ "n": input.n + 1 }' },
          { id: "b", type: "activity", activity: "util.echo" },
        ],
        [
          ["start", "a"],
          ["a", "b"],
        ],
      ),
      { n: 1 },
    );
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ n: 2 });
  });

  it("tags every scheduled task with its node id", async () => {
    const h = start([
      def(
        "tags",
        [
          { id: "start", type: "start" },
          { id: "a", type: "activity", activity: "util.echo" },
        ],
        [["start", "a"]],
      ),
    ]);
    const id = await h.client.start("tags", 1);
    await h.client.waitForCompletion(id);
    const scheduled = (await h.client.history(id)).find((e) => e.type === "TaskScheduled");
    expect(scheduled?.tags).toEqual({ nodeId: "a" });
  });

  it("runs parallel branches and joins them in edge order", async () => {
    const h = start([
      def(
        "par",
        [
          { id: "start", type: "start" },
          { id: "split", type: "parallel" },
          { id: "a", type: "activity", activity: "util.echo", input: '"a"' },
          { id: "b1", type: "activity", activity: "util.echo", input: '"b1"' },
          { id: "b2", type: "activity", activity: "util.echo", input: 'steps.b1 & "b2"' },
          { id: "join", type: "join" },
          { id: "end", type: "end", output: '{ "joined": steps.join, "a": steps.a }' },
        ],
        [
          ["start", "split"],
          ["split", "a"],
          ["split", "b1"],
          ["b1", "b2"],
          ["a", "join"],
          ["b2", "join"],
          ["join", "end"],
        ],
      ),
    ]);
    const id = await h.client.start("par");
    const done = await h.client.waitForCompletion(id);
    expect(done.output).toEqual({ joined: ["a", "b1b2"], a: "a" });
    // Both branches' first tasks were scheduled in the same turn.
    const history = await h.client.history(id);
    const first = history.filter((e) => e.type === "TaskScheduled").slice(0, 2);
    expect(first.map((e) => e.tags?.nodeId).sort()).toEqual(["a", "b1"]);
    expect(first[0]?.at).toBe(first[1]?.at);
  });

  it('a join in "any" mode continues with the first branch and cancels the others', async () => {
    const h = start([
      def(
        "anyjoin",
        [
          { id: "start", type: "start" },
          { id: "split", type: "parallel" },
          { id: "fast", type: "activity", activity: "util.echo", input: '"fast"' },
          { id: "slow", type: "delay", durationMs: 60_000 },
          { id: "join", type: "join", mode: "any" },
        ],
        [
          ["start", "split"],
          ["split", "fast"],
          ["split", "slow"],
          ["fast", "join"],
          ["slow", "join"],
        ],
      ),
    ]);
    const id = await h.client.start("anyjoin");
    const done = await h.client.waitForCompletion(id);
    expect(done.output).toBe("fast");
    expect(transitions.some((t) => t.nodeId === "slow" && t.status === "cancelled")).toBe(true);
  });

  it("maps over items with at most maxConcurrency at once, with item and index in scope", async () => {
    let running = 0;
    let peak = 0;
    const h = start(
      [
        def(
          "mapper",
          [
            { id: "start", type: "start" },
            { id: "each", type: "map", items: "input.items", maxConcurrency: 2 },
            { id: "work", type: "activity", activity: "slow.double", parentId: "each", input: '{ "value": item, "at": index }' },
            { id: "label", type: "transform", parentId: "each", assign: { last: "steps.work.value" } },
          ],
          [
            ["start", "each"],
            ["work", "label"],
          ],
        ),
      ],
      {
        "slow.double": async (input: { value: number; at: number }) => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running -= 1;
          return { value: input.value * 2, at: input.at };
        },
      },
    );
    const id = await h.client.start("mapper", { items: [1, 2, 3, 4, 5] });
    const done = await h.client.waitForCompletion(id);
    expect(done.output).toEqual([{ last: 2 }, { last: 4 }, { last: 6 }, { last: 8 }, { last: 10 }]);
    expect(peak).toBeLessThanOrEqual(2);
    const scheduled = (await h.client.history(id)).filter((e) => e.type === "TaskScheduled");
    expect(scheduled.map((e) => e.tags)).toEqual([0, 1, 2, 3, 4].map((index) => ({ nodeId: "work", index })));
  });

  it("fails a map whose items expression is not an array, taking its error edge", async () => {
    const done = await run(
      def(
        "badmap",
        [
          { id: "start", type: "start" },
          { id: "each", type: "map", items: '"not a list"' },
          { id: "work", type: "activity", activity: "util.echo", parentId: "each" },
          { id: "oops", type: "end", output: "steps.each" },
        ],
        [
          ["start", "each"],
          ["each", "oops", { kind: "error" }],
        ],
      ),
    );
    expect(done.output).toMatchObject({ error: { name: "BadMapItems" } });
  });

  it("fails the map when an item fails, and the instance when the map has no error edge", async () => {
    const done = await run(
      def(
        "itemfails",
        [
          { id: "start", type: "start" },
          { id: "each", type: "map", items: "[1,2,3]" },
          { id: "work", type: "activity", activity: "util.fail", parentId: "each", input: '{ "message": "item " & $string(item) }' },
        ],
        [["start", "each"]],
      ),
    );
    expect(done.status).toBe("failed");
    expect(done.error?.message).toContain("item 1");
  });

  it("waits for an event and passes its payload on; lists the approval in the pending waits", async () => {
    const h = start([
      def(
        "approval",
        [
          { id: "start", type: "start" },
          { id: "ask", type: "waitForEvent", event: "Decision", approval: { title: "Approve?", choices: ["Approved", "Rejected"] } },
        ],
        [["start", "ask"]],
      ),
    ]);
    const id = await h.client.start("approval");
    const waiting = await h.until(id, (i) => i.pendingWaits.length === 1);
    expect(waiting.pendingWaits[0]?.tags).toEqual({ nodeId: "ask", approval: { title: "Approve?", choices: ["Approved", "Rejected"] } });
    await h.client.raiseEvent(id, "Decision", { decision: "Approved" });
    expect((await h.client.waitForCompletion(id)).output).toEqual({ decision: "Approved" });
  });

  it("takes the timeout edge when the wait times out, with steps.<id> = {timedOut: true}", async () => {
    const h = start([
      def(
        "timeout",
        [
          { id: "start", type: "start" },
          { id: "ask", type: "waitForEvent", event: "Decision", timeoutMs: 1000 },
          { id: "late", type: "end", output: '{ "wait": steps.ask }' },
        ],
        [
          ["start", "ask"],
          ["ask", "late", { kind: "timeout" }],
        ],
      ),
    ]);
    const id = await h.client.start("timeout");
    await h.until(id, (i) => i.pendingWaits.length === 1);
    h.advance(1000);
    expect((await h.client.waitForCompletion(id)).output).toEqual({ wait: { timedOut: true } });
  });

  it("fails the instance with a TimeoutError when a wait without a timeout edge times out", async () => {
    const h = start([
      def(
        "timeout2",
        [
          { id: "start", type: "start" },
          { id: "ask", type: "waitForEvent", event: "x", timeoutMs: 10 },
        ],
        [["start", "ask"]],
      ),
    ]);
    const id = await h.client.start("timeout2");
    await h.until(id, (i) => i.pendingWaits.length === 1);
    h.advance(10);
    const done = await h.client.waitForCompletion(id);
    expect(done.error?.name).toBe("TimeoutError");
  });

  it("delays for a duration and until an expression time", async () => {
    const h = start([
      def(
        "delays",
        [
          { id: "start", type: "start" },
          { id: "pause", type: "delay", durationMs: 5000 },
          { id: "until", type: "delay", until: "$fromMillis($millis() + 7000)" },
        ],
        [
          ["start", "pause"],
          ["pause", "until"],
        ],
      ),
    ]);
    const id = await h.client.start("delays");
    const t0 = h.clock.now();
    await h.until(id, (_, history) => history.some((e) => e.type === "TimerCreated"));
    h.advance(5000);
    await h.until(id, (_, history) => history.filter((e) => e.type === "TimerCreated").length === 2);
    h.advance(7000);
    const done = await h.client.waitForCompletion(id);
    expect(done.output).toEqual({ firedAt: new Date(t0 + 12_000).toISOString() });
  });

  it("takes the first choice edge whose condition holds, else the default", async () => {
    const flow = def(
      "choose",
      [
        { id: "start", type: "start" },
        { id: "pick", type: "choice" },
        { id: "big", type: "end", output: '"big"' },
        { id: "mid", type: "end", output: '"mid"' },
        { id: "small", type: "end", output: '"small"' },
      ],
      [
        ["start", "pick"],
        ["pick", "big", { condition: "input > 100" }],
        ["pick", "mid", { condition: "input > 10" }],
        ["pick", "small", { default: true }],
      ],
    );
    const h = start([flow]);
    const outputs = [];
    for (const n of [500, 50, 5]) {
      const id = await h.client.start("choose", n);
      outputs.push((await h.client.waitForCompletion(id)).output);
    }
    expect(outputs).toEqual(["big", "mid", "small"]);
  });

  it("fails with a clear error when no choice condition matches and there is no default", async () => {
    const done = await run(
      def(
        "nomatch",
        [
          { id: "start", type: "start" },
          { id: "pick", type: "choice", label: "Route" },
          { id: "x", type: "end" },
        ],
        [
          ["start", "pick"],
          ["pick", "x", { condition: "false" }],
        ],
      ),
    );
    expect(done.error).toMatchObject({ name: "NoChoiceMatched" });
    expect(done.error?.message).toContain("choice 'Route'");
  });

  it("loops through a choice, counting with a transform, and exits", async () => {
    const done = await run(
      def(
        "loop",
        [
          { id: "start", type: "start" },
          { id: "init", type: "transform", assign: { n: "0" } },
          { id: "inc", type: "transform", assign: { n: "vars.n + 1" } },
          { id: "again", type: "choice" },
          { id: "out", type: "end", output: "vars.n" },
        ],
        [
          ["start", "init"],
          ["init", "inc"],
          ["inc", "again"],
          ["again", "inc", { condition: "vars.n < 5" }],
          ["again", "out", { default: true }],
        ],
      ),
    );
    expect(done.output).toBe(5);
  });

  it(`fails a loop that never exits after ${MAX_NODE_VISITS} visits of a node`, async () => {
    const done = await run(
      def(
        "forever",
        [
          { id: "start", type: "start" },
          { id: "spin", type: "transform", label: "Spin", assign: { n: "1" } },
          { id: "again", type: "choice" },
          { id: "out", type: "end" },
        ],
        [
          ["start", "spin"],
          ["spin", "again"],
          ["again", "spin", { condition: "true" }],
          ["again", "out", { default: true }],
        ],
      ),
    );
    expect(done.error).toMatchObject({ name: "VisitLimitExceeded" });
    expect(done.error?.message).toContain(`'Spin' ran more than ${MAX_NODE_VISITS} times`);
  });

  it("sets the custom status and ends with the end node output", async () => {
    const done = await run(
      def(
        "status",
        [
          { id: "start", type: "start" },
          { id: "st", type: "setStatus", status: '"stage " & $string(input)' },
          { id: "end", type: "end", output: '{ "s": steps.st }' },
        ],
        [
          ["start", "st"],
          ["st", "end"],
        ],
      ),
      2,
    );
    expect(done.customStatus).toBe("stage 2");
    expect(done.output).toEqual({ s: "stage 2" });
  });

  it("fails the instance at a fail node with its code and message", async () => {
    const done = await run(
      def(
        "failing",
        [
          { id: "start", type: "start" },
          { id: "f", type: "fail", error: "OrderRejected", message: '"order " & input.id & " rejected"' },
        ],
        [["start", "f"]],
      ),
      { id: "o-1" },
    );
    expect(done.error).toMatchObject({ name: "OrderRejected", message: "order o-1 rejected" });
  });

  it("retries an activity, then succeeds", async () => {
    const h = start([
      def(
        "retry",
        [
          { id: "start", type: "start" },
          {
            id: "flaky",
            type: "activity",
            activity: "util.flaky",
            input: '{ "failAttempts": 2 }',
            retry: { maxAttempts: 3, firstIntervalMs: 10 },
          },
        ],
        [["start", "flaky"]],
      ),
    ]);
    const id = await h.client.start("retry");
    for (const n of [1, 2]) {
      await h.until(id, (_, history) => history.filter((e) => e.type === "TimerCreated").length === n);
      h.advance(10 * n);
    }
    expect((await h.client.waitForCompletion(id)).output).toEqual({ attempt: 3 });
  });

  it("takes the error edge after the retries are exhausted, with steps.<id>.error", async () => {
    const h = start([
      def(
        "exhaust",
        [
          { id: "start", type: "start" },
          {
            id: "bad",
            type: "activity",
            activity: "util.fail",
            input: '{ "message": "boom" }',
            retry: { maxAttempts: 2, firstIntervalMs: 10 },
          },
          { id: "handled", type: "end", output: "steps.bad" },
        ],
        [
          ["start", "bad"],
          ["bad", "handled", { kind: "error" }],
        ],
      ),
    ]);
    const id = await h.client.start("exhaust");
    await h.until(id, (_, history) => history.some((e) => e.type === "TimerCreated"));
    h.advance(10);
    expect((await h.client.waitForCompletion(id)).output).toEqual({ error: { name: "Error", message: "boom" } });
  });

  it("fails the node for a runaway expression instead of hanging", async () => {
    const done = await run(
      def(
        "runaway",
        [
          { id: "start", type: "start" },
          { id: "a", type: "activity", activity: "util.echo", input: "($f := function($x){ $f($x + 1) }; $f(0))" },
        ],
        [["start", "a"]],
      ),
    );
    expect(done.status).toBe("failed");
    expect(done.error?.name).toBe("ExpressionError");
  });

  it("runs a sub-workflow at the version resolved at start and returns its output", async () => {
    const child = def(
      "child",
      [
        { id: "start", type: "start" },
        { id: "end", type: "end", output: "input * 10" },
      ],
      [["start", "end"]],
    );
    const parent = def(
      "parent",
      [
        { id: "start", type: "start" },
        { id: "call", type: "subWorkflow", workflow: "child", version: "latest", input: "input + 1" },
      ],
      [["start", "call"]],
    );
    const h = start([parent, child]);
    const id = await h.client.start("parent", 1, { instanceId: "sub-parent", tags: { version: "1", "sub:call": "4" } });
    expect((await h.client.waitForCompletion(id)).output).toBe(20);
    const children = await h.client.list({ parentInstanceId: "sub-parent" });
    expect(children.items[0]).toMatchObject({ name: "child", tags: { version: "4" } });
  });

  it("fails a sub-workflow node whose latest version was not resolved at start", async () => {
    const child = def("child2", [{ id: "start", type: "start" }], []);
    const parent = def(
      "parent2",
      [
        { id: "start", type: "start" },
        { id: "call", type: "subWorkflow", workflow: "child2" },
      ],
      [["start", "call"]],
    );
    const h = start([parent, child]);
    const id = await h.client.start("parent2");
    expect((await h.client.waitForCompletion(id)).error?.name).toBe("UnresolvedSubWorkflow");
  });
});

describe("node states", () => {
  it("derives the same states from history as the live run observed, for the order example", async () => {
    const order = JSON.parse(readFileSync(new URL("../../../examples/order-processing.json", import.meta.url), "utf8")) as Json;
    const plan = compile(order, { version: 1 });
    const h = start([order], {
      "order.save": (o: unknown) => o,
      "order.createPdf": () => "pdf",
      "order.createVideo": () => "video",
      "order.sendEmail": () => "sent",
      "order.notApproved": () => "noted",
    });
    const id = await h.client.start("order-processing", { orderId: "o-9", email: "a@b.c" }, { tags: { version: "1" } });
    await h.until(id, (i) => i.pendingWaits.length === 1);
    const midway = await deriveNodeStates(plan, await h.client.history(id));
    expect(midway.approve?.status).toBe("waiting");
    expect(midway.pdf?.status).toBe("succeeded");
    expect(midway.email?.status).toBe("idle");
    await h.client.raiseEvent(id, "OrderApprovalResult", { decision: "Approved" });
    await h.client.waitForCompletion(id);
    const states = await deriveNodeStates(plan, await h.client.history(id));
    expect(states.email?.status).toBe("succeeded");
    expect(states.notApproved?.status).toBe("skipped");
    expect(states.decide?.takenEdge).toBe("decide-approved");
    // The live run's last transition per node agrees with the derived state.
    const live = new Map<string, string>();
    for (const t of transitions) live.set(t.nodeId, t.status);
    for (const [nodeId, status] of live) expect(states[nodeId]?.status).toBe(status);
  });

  it("shows retrying while a backoff timer runs, with the attempt count", async () => {
    const flow = def(
      "retrying",
      [
        { id: "start", type: "start" },
        {
          id: "flaky",
          type: "activity",
          activity: "util.flaky",
          input: '{ "failAttempts": 1 }',
          retry: { maxAttempts: 3, firstIntervalMs: 1000 },
        },
      ],
      [["start", "flaky"]],
    );
    const plan = compile(flow);
    const h = start([flow]);
    const id = await h.client.start("retrying");
    await h.until(id, (_, history) => history.some((e) => e.type === "TimerCreated"));
    const states = await deriveNodeStates(plan, await h.client.history(id));
    expect(states.flaky).toMatchObject({ status: "retrying", attempts: 1, maxAttempts: 3 });
    h.advance(1000);
    await h.client.waitForCompletion(id);
    expect((await deriveNodeStates(plan, await h.client.history(id))).flaky).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("tracks a map item by item", async () => {
    const flow = def(
      "mapstates",
      [
        { id: "start", type: "start" },
        { id: "each", type: "map", items: "[1,2,3]", maxConcurrency: 1 },
        { id: "wait", type: "waitForEvent", event: "next", parentId: "each" },
      ],
      [["start", "each"]],
    );
    const plan = compile(flow);
    const h = start([flow]);
    const id = await h.client.start("mapstates");
    await h.until(id, (i) => i.pendingWaits.length === 1);
    await h.client.raiseEvent(id, "next", "a");
    await h.until(id, (i, history) => history.some((e) => e.type === "EventRaised") && i.pendingWaits.length === 1);
    const states = await deriveNodeStates(plan, await h.client.history(id));
    expect(states.each?.progress).toEqual({ total: 3, done: 1, failed: 0, running: 1 });
    expect(states.each?.items?.[0]?.status).toBe("succeeded");
    expect(states.each?.items?.[1]?.status).toBe("waiting");
  });
});

describe("determinism over the shipped examples", () => {
  for (const file of ["order-processing.json", "video-pipeline.json"]) {
    it(`replaying a finished ${file} run reproduces the states the live run went through`, async () => {
      const definition = JSON.parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), "utf8")) as Json;
      const plan = compile(definition, { version: 1 });
      const echo: Record<string, ActivityFunction> = Object.fromEntries(
        GUARANTEED_ACTIVITY_NAMES.map((name) => [name, (input: unknown) => input ?? {}]),
      );
      const h = start([definition], echo);
      const input = { orderId: "o-1", email: "a@b.c", url: "https://v.example/x.mp4", resolutions: [1080, 720, 480] };
      const id = await h.client.start(definition.id as string, input, { tags: { version: "1" } });
      let instance = await h.client.get(id);
      for (let i = 0; i < 200 && instance && !["completed", "failed"].includes(instance.status); i++) {
        for (const wait of instance.pendingWaits) await h.client.raiseEvent(id, wait.name, { decision: "Approved" });
        await new Promise((r) => setTimeout(r, 5));
        instance = await h.client.get(id);
      }
      expect(instance?.status).toBe("completed");
      const states = await deriveNodeStates(plan, await h.client.history(id), { tags: { version: "1" }, instanceId: id });
      const live = new Map<string, string>();
      const liveItems = new Map<string, string>();
      for (const t of transitions) {
        if (t.index === undefined) live.set(t.nodeId, t.status);
        else liveItems.set(`${t.nodeId}#${t.index}`, t.status);
      }
      expect(live.size).toBeGreaterThan(5);
      for (const [nodeId, status] of live) expect(states[nodeId]?.status, nodeId).toBe(status);
      for (const [key, status] of liveItems) {
        const [nodeId, index] = key.split("#");
        expect(states[nodeId as string]?.items?.[Number(index)]?.status, key).toBe(status);
      }
      const unvisited = Object.keys(plan.nodes).filter((n) => !live.has(n) && !Object.keys(states[n]?.items ?? {}).length);
      for (const nodeId of unvisited) expect(states[nodeId]?.status).toBe("skipped");
    });
  }
});

describe("restart from a step", () => {
  const flow = def(
    "restartable",
    [
      { id: "start", type: "start" },
      { id: "expensive", type: "activity", activity: "count.expensive", input: '{ "n": input.n }' },
      { id: "mark", type: "transform", assign: { seen: '"yes"' } },
      { id: "split", type: "parallel" },
      { id: "a", type: "activity", activity: "util.echo", input: '"a"' },
      { id: "b", type: "activity", activity: "util.echo", input: '"b"' },
      { id: "join", type: "join" },
      {
        id: "buggy",
        type: "activity",
        activity: "count.buggy",
        input: '{ "from": steps.expensive, "seen": vars.seen, "join": steps.join }',
      },
    ],
    [
      ["start", "expensive"],
      ["expensive", "mark"],
      ["mark", "split"],
      ["split", "a"],
      ["split", "b"],
      ["a", "join"],
      ["b", "join"],
      ["join", "buggy"],
    ],
  );

  it("lists the top-level nodes outside parallel blocks as restart points", () => {
    expect(restartPoints(compile(flow)).sort()).toEqual(["buggy", "expensive", "mark", "split", "start"]);
  });

  it("keeps the outputs of the steps before the chosen one and runs from there", async () => {
    let expensiveRuns = 0;
    let fixed = false;
    const plan = compile(flow, { version: 1 });
    const h = start([flow], {
      "count.expensive": (input: { n: number }) => ((expensiveRuns += 1), { value: input.n * 100 }),
      "count.buggy": (input: unknown) => {
        if (!fixed) throw new Error("bug");
        return input;
      },
      [RESTART_SEED_ACTIVITY]: async (input: { instanceId: string; nodeId: string }) =>
        captureRestartSeed(plan, await h.client.history(input.instanceId), input.nodeId, {
          instanceId: input.instanceId,
          tags: { version: "1" },
        }),
    });
    const first = await h.client.start("restartable", { n: 3 }, { tags: { version: "1" } });
    expect((await h.client.waitForCompletion(first)).status).toBe("failed");
    expect(await captureRestartSeed(plan, await h.client.history(first), "buggy", { instanceId: first })).toMatchObject({
      steps: { expensive: { value: 300 } },
      vars: { seen: "yes" },
      last: ["a", "b"],
    });
    fixed = true;
    const second = await h.client.start(
      "restartable",
      { n: 3 },
      { tags: { version: "1", [RESTART_FROM_TAG]: "buggy", [RESTART_OF_TAG]: first } },
    );
    const done = await h.client.waitForCompletion(second);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ from: { value: 300 }, seen: "yes", join: ["a", "b"] });
    expect(expensiveRuns).toBe(1);
    // The restarted run's drawing: the step it took over is reused (issue 17, item 9), the rest ran.
    const states = await deriveNodeStates(plan, await h.client.history(second), {
      tags: { version: "1", [RESTART_FROM_TAG]: "buggy", [RESTART_OF_TAG]: first },
      instanceId: second,
    });
    expect(states.expensive).toMatchObject({ status: "succeeded", reused: true, runs: 0 });
    expect(states.buggy).toMatchObject({ status: "succeeded", runs: 1 });
    expect(states.buggy?.reused).toBeUndefined();
  });
});
