import type { ActivityFunction } from "@weft/engine";
import { createTestHub } from "@weft/engine/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "./compile.js";
import { interpret } from "./interpreter.js";
import type { NodeTransition } from "./node-observer.js";
import { deriveNodeStates } from "./node-states.js";
import { hasErrors } from "./problem.js";
import { validate } from "./validate.js";

// Every definition that validates without errors must run to a terminal state.
// Random definitions almost never validate, so this builds random *structured*
// workflows — chains, parallel blocks (all/any), choices that merge again, maps,
// waits with timeouts, delays, retries, error edges — validates each, and runs
// the valid ones on the engine with util.* activities, answering every wait and
// moving the clock on until the instance ends. Replaying each finished history
// must also reproduce the states the live run went through.

type Step =
  | { kind: "echo" }
  | { kind: "flaky"; failAttempts: number; maxAttempts: number }
  | { kind: "fail"; handled: boolean }
  | { kind: "transform" }
  | { kind: "status" }
  | { kind: "delay"; ms: number }
  | { kind: "wait"; timeout: boolean }
  | { kind: "parallel"; mode: "all" | "any"; branches: Step[][] }
  | { kind: "choice"; branches: Step[][] }
  | { kind: "map"; items: number; concurrency: number; body: Step[] };

const leaf: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: "echo" }),
  fc.record({
    kind: fc.constant("flaky" as const),
    failAttempts: fc.integer({ min: 0, max: 2 }),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant("fail" as const), handled: fc.boolean() }),
  fc.constant<Step>({ kind: "transform" }),
  fc.constant<Step>({ kind: "status" }),
  fc.record({ kind: fc.constant("delay" as const), ms: fc.integer({ min: 1, max: 60_000 }) }),
  fc.record({ kind: fc.constant("wait" as const), timeout: fc.boolean() }),
);

const { steps } = fc.letrec<{ steps: Step[]; step: Step }>((tie) => ({
  steps: fc.array(tie("step"), { minLength: 1, maxLength: 4 }),
  step: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    leaf,
    fc.record({
      kind: fc.constant("parallel" as const),
      mode: fc.constantFrom("all" as const, "any" as const),
      branches: fc.array(tie("steps"), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("choice" as const), branches: fc.array(tie("steps"), { minLength: 1, maxLength: 3 }) }),
    fc.record({
      kind: fc.constant("map" as const),
      items: fc.integer({ min: 0, max: 4 }),
      concurrency: fc.integer({ min: 1, max: 3 }),
      body: fc.array(leaf, { minLength: 1, maxLength: 3 }),
    }),
  ),
}));

interface Built {
  nodes: Record<string, unknown>[];
  edges: Record<string, unknown>[];
}

/** Turns steps into nodes and edges; returns the entry and the exits that continue to what follows. */
function build(
  list: Step[],
  out: Built,
  scope: string | undefined,
  counter: { n: number },
): { entry: string; exits: { id: string; kind?: string }[] } {
  let entry = "";
  let pending: { id: string; kind?: string }[] = [];
  const node = (fields: Record<string, unknown>): string => {
    const id = `n${counter.n++}`;
    out.nodes.push({ id, position: { x: counter.n * 10, y: 0 }, ...(scope ? { parentId: scope } : {}), ...fields });
    return id;
  };
  const connect = (from: { id: string; kind?: string }[], to: string, extra: Record<string, unknown> = {}) => {
    for (const source of from)
      out.edges.push({
        id: `e${out.edges.length}`,
        source: source.id,
        target: to,
        ...(source.kind ? { kind: source.kind } : {}),
        ...extra,
      });
  };
  for (const step of list) {
    let first: string;
    let exits: { id: string; kind?: string }[];
    switch (step.kind) {
      case "echo":
        first = node({ type: "activity", activity: "util.echo", input: '{ "at": $millis() }' });
        exits = [{ id: first }];
        break;
      case "flaky": {
        first = node({
          type: "activity",
          activity: "util.flaky",
          input: `{ "failAttempts": ${step.failAttempts} }`,
          retry: { maxAttempts: step.maxAttempts, firstIntervalMs: 1000 },
        });
        const handler = node({ type: "transform", assign: { recovered: "true" } });
        connect([{ id: first, kind: "error" }], handler);
        exits = [{ id: first }, { id: handler }];
        break;
      }
      case "fail":
        first = node({ type: "activity", activity: "util.fail", input: '{ "message": "planned" }' });
        if (step.handled) {
          const handler = node({ type: "transform", assign: { handled: "true" } });
          connect([{ id: first, kind: "error" }], handler);
          exits = [{ id: first }, { id: handler }];
        } else exits = [{ id: first }];
        break;
      case "transform":
        first = node({ type: "transform", assign: { n: "$exists(vars.n) ? vars.n + 1 : 1" } });
        exits = [{ id: first }];
        break;
      case "status":
        first = node({ type: "setStatus", status: '"step " & $string($random() < 2)' });
        exits = [{ id: first }];
        break;
      case "delay":
        first = node({ type: "delay", durationMs: step.ms });
        exits = [{ id: first }];
        break;
      case "wait":
        first = node({ type: "waitForEvent", event: "go", ...(step.timeout ? { timeoutMs: 5000 } : {}) });
        exits = step.timeout ? [{ id: first }, { id: first, kind: "timeout" }] : [{ id: first }];
        if (step.timeout) {
          const late = node({ type: "transform", assign: { late: "true" } });
          connect([{ id: first, kind: "timeout" }], late);
          exits = [{ id: first }, { id: late }];
        }
        break;
      case "parallel": {
        first = node({ type: "parallel" });
        const join = node({ type: "join", mode: step.mode });
        for (const branch of step.branches) {
          const inner = build(branch, out, scope, counter);
          connect([{ id: first }], inner.entry);
          connect(inner.exits, join);
        }
        exits = [{ id: join }];
        break;
      }
      case "choice": {
        first = node({ type: "choice" });
        exits = [];
        step.branches.forEach((branch, i) => {
          const inner = build(branch, out, scope, counter);
          const last = i === step.branches.length - 1;
          out.edges.push({
            id: `e${out.edges.length}`,
            source: first,
            target: inner.entry,
            ...(last ? { default: true } : { condition: `$random() < ${(i + 1) / (step.branches.length + 1)}` }),
          });
          exits.push(...inner.exits);
        });
        break;
      }
      case "map": {
        first = node({
          type: "map",
          items: `[${Array.from({ length: step.items }, (_, i) => i).join(",")}]`,
          maxConcurrency: step.concurrency,
        });
        build(step.body, out, first, counter);
        exits = [{ id: first }];
        break;
      }
    }
    if (!entry) entry = first;
    connect(pending, first);
    pending = exits;
  }
  return { entry, exits: pending };
}

function definitionOf(list: Step[], id: string): Record<string, unknown> {
  const out: Built = { nodes: [{ id: "start", type: "start", position: { x: 0, y: 0 } }], edges: [] };
  const body = build(list, out, undefined, { n: 0 });
  out.edges.push({ id: `e${out.edges.length}`, source: "start", target: body.entry });
  return { id, name: id, ...out };
}

const utilActivities: Record<string, ActivityFunction> = {
  "util.echo": (input: unknown) => input,
  "util.fail": (input: { message?: string }) => {
    throw new Error(input?.message ?? "failed");
  },
  "util.flaky": (input: { failAttempts?: number }, ctx) => {
    if (ctx.attempt <= (input?.failAttempts ?? 0)) throw new Error(`attempt ${ctx.attempt}`);
    return { attempt: ctx.attempt };
  },
};

describe("random structured workflows", () => {
  it("every one that validates without errors runs to a terminal state, and its replay reproduces the live states", async () => {
    let valid = 0;
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(steps, fc.integer({ min: 0, max: 1 }), async (list, answerWaits) => {
        const id = `p${ran}`;
        const definition = definitionOf(list, id);
        const problems = validate(definition, { activities: Object.keys(utilActivities) });
        if (hasErrors(problems)) {
          // The generator only builds well-formed graphs: an error here is a validator bug.
          throw new Error(`generated workflow did not validate: ${JSON.stringify(problems.filter((p) => p.severity === "error"))}`);
        }
        valid += 1;
        const plan = compile(definition, { version: 1 });
        // The transitions of each executor (each run of the orchestrator, replays included). A
        // turn that is not committed (a local turn the store refused because the instance moved
        // on) leaves its executor's transitions behind: the run that counts is the last executor,
        // which replayed the committed history.
        const runs: NodeTransition[][] = [];
        const hub = createTestHub({
          activities: utilActivities,
          resolveOrchestrator: () => (ctx, input) => {
            const transitions: NodeTransition[] = [];
            runs.push(transitions);
            return interpret(plan, { observer: (t) => transitions.push(t) })(ctx, input);
          },
        });
        try {
          const instanceId = await hub.client.start(id, null, { tags: { version: "1" } });
          let instance = await hub.client.get(instanceId);
          // Each round either answers the open waits or lets a minute pass (timers, retries, timeouts),
          // preferring one or the other per run; when the preferred move changes nothing, the other one.
          let stalled = 0;
          for (let round = 0; round < 400 && instance && !["completed", "failed", "terminated"].includes(instance.status); round++) {
            const answer = stalled % 2 === 0 ? answerWaits === 1 : answerWaits === 0;
            if (answer && instance.pendingWaits.length > 0) {
              for (const wait of instance.pendingWaits) {
                // The run goes on meanwhile (its activities need no clock): it may have ended since it was read.
                await hub.client.raiseEvent(instanceId, wait.name, { decision: "Approved" }).catch((error: unknown) => {
                  if ((error as { code?: unknown }).code !== "instance-state") throw error;
                });
              }
            } else {
              hub.advance(60_000);
            }
            const before = instance.lastSeq;
            let changed = false;
            for (let spin = 0; spin < 20 && !changed; spin++) {
              await new Promise((r) => setTimeout(r, 1));
              instance = await hub.client.get(instanceId);
              changed = !instance || instance.lastSeq !== before;
            }
            if (!changed) stalled += 1;
          }
          expect(["completed", "failed"]).toContain(instance?.status);
          ran += 1;
          const states = await deriveNodeStates(plan, await hub.client.history(instanceId), { tags: { version: "1" }, instanceId });
          const live = new Map<string, string>();
          for (const t of runs.at(-1) ?? []) if (t.index === undefined) live.set(t.nodeId, t.status);
          for (const [nodeId, status] of live) {
            const derived = states[nodeId]?.status;
            // A node still running when the instance ended is shown as cancelled.
            const agrees = derived === status || (derived === "cancelled" && ["running", "waiting"].includes(status));
            expect(agrees, `node ${nodeId}: live ${status}, derived ${derived}`).toBe(true);
          }
        } finally {
          await hub.stop();
        }
      }),
      { numRuns: 300 },
    );
    expect(valid).toBe(300);
    expect(ran).toBe(300);
  }, 240_000);
});
