import {
  createWorker,
  type HistoryEvent,
  type InstanceRecord,
  type OrchestrationContext,
  type TaskHubStore,
  type Worker,
} from "@weft/engine";
import { createClient, type EngineClient } from "@weft/engine";
import { createFakeClock, createMemoryStore, type FakeClock } from "@weft/engine/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { historyProblems } from "./support/history-checks.js";
import { FULL } from "./support/paths.js";
import { report } from "./support/results.js";

// Scenario 4: model-based testing of the engine (memory store, fake clock).
const RUNS = FULL ? 400 : 60;
const MAX_COMMANDS = FULL ? 40 : 25;

type Op = { delta: number; pauseMs?: number; stop?: boolean };

/**
 * The orchestrator under test: applies "op" events in order through an activity,
 * optionally pausing on a durable timer after one, until a stop event.
 */
function* accumulator(ctx: OrchestrationContext, input: { start: number }): Generator<any, any, any> {
  let total = input.start;
  const applied: number[] = [];
  for (;;) {
    const op: Op = yield ctx.waitForEvent("op");
    if (op.stop) return { total, applied };
    total = yield ctx.callActivity("add", { total, delta: op.delta });
    applied.push(op.delta);
    if (op.pauseMs) yield ctx.sleep(op.pauseMs);
  }
}

/** The reference model of one instance. */
interface Model {
  started: boolean;
  status: "running" | "suspended" | "completed" | "terminated";
  total: number;
  applied: number[];
  /** Events in history (EventRaised), in order, and events still waiting in the inbox (suspended). */
  delivered: Op[];
  inbox: Op[];
  /** Index into `delivered` of the next op the orchestrator takes. */
  next: number;
  blockedUntil: number | undefined;
  now: number;
  output: unknown;
}

/** Runs the orchestrator's logic in the model until it blocks. */
function progress(m: Model): void {
  if (m.status !== "running") return;
  if (m.blockedUntil !== undefined) {
    if (m.blockedUntil > m.now) return;
    m.blockedUntil = undefined;
  }
  while (m.next < m.delivered.length) {
    const op = m.delivered[m.next++] as Op;
    if (op.stop) {
      m.status = "completed";
      m.output = { total: m.total, applied: [...m.applied] };
      return;
    }
    m.total += op.delta;
    m.applied.push(op.delta);
    if (op.pauseMs) {
      m.blockedUntil = m.now + op.pauseMs;
      return;
    }
  }
}

interface Real {
  store: TaskHubStore;
  clock: FakeClock;
  client: EngineClient;
  worker: Worker;
  id: string;
  /** Activity results are delivered twice while set (a remote worker retrying its completion). */
  duplicateResults: { on: boolean; duplicates: number };
  crashes: number;
}

const terminalOrSettled = (m: Model) => m.status;

async function settle(real: Real, m: Model, label: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  let last: string;
  for (;;) {
    const instance = await real.store.getInstance(real.id);
    const history = await real.store.getHistory(real.id);
    last = mismatch(m, instance, history);
    if (!last) return;
    if (Date.now() > deadline) throw new Error(`after ${label}: engine and model disagree: ${last}`);
    real.worker.poke();
    await new Promise((r) => setTimeout(r, 1));
  }
}

function mismatch(m: Model, instance: InstanceRecord | undefined, history: HistoryEvent[]): string {
  if (!m.started) return instance ? "instance exists before start" : "";
  if (!instance) return "no instance";
  if (instance.status !== terminalOrSettled(m)) return `status ${instance.status}, model ${m.status}`;
  const problems = historyProblems(history as never);
  if (problems.length) return `history: ${problems.join("; ")}`;
  const raised = history.filter((e) => e.type === "EventRaised").map((e) => e.input);
  if (JSON.stringify(raised) !== JSON.stringify(m.delivered))
    return `events in history ${JSON.stringify(raised)}, model ${JSON.stringify(m.delivered)}`;
  const scheduled = history.filter((e) => e.type === "TaskScheduled").map((e) => (e.input as { delta: number }).delta);
  const completed = history.filter((e) => e.type === "TaskCompleted").length;
  if (JSON.stringify(scheduled) !== JSON.stringify(m.applied))
    return `activities ${JSON.stringify(scheduled)}, model ${JSON.stringify(m.applied)}`;
  if (m.status !== "terminated" && completed !== m.applied.length) return `${completed} activities completed, model ${m.applied.length}`;
  if (m.status === "completed" && JSON.stringify(instance.output) !== JSON.stringify(m.output))
    return `output ${JSON.stringify(instance.output)}, model ${JSON.stringify(m.output)}`;
  const timers = history.filter((e) => e.type === "TimerCreated").length;
  const expectedTimers = m.delivered.slice(0, m.next).filter((op) => !op.stop && op.pauseMs).length;
  if (m.status !== "terminated" && timers !== expectedTimers) return `${timers} timers, model ${expectedTimers}`;
  return "";
}

/** Expects the client call to be refused exactly when the model says the state forbids it. */
async function attempt(allowed: boolean, call: () => Promise<unknown>, label: string): Promise<boolean> {
  let refused: unknown;
  try {
    await call();
  } catch (error) {
    refused = error;
  }
  if (allowed && refused) throw new Error(`${label} was refused but the model allows it: ${String(refused)}`);
  if (!allowed && !refused) throw new Error(`${label} was accepted but the model forbids it`);
  if (refused && (refused as { name?: string }).name !== "InstanceStateError") throw refused;
  return allowed;
}

const live = (m: Model) => m.status === "running" || m.status === "suspended";

class Start implements fc.AsyncCommand<Model, Real> {
  constructor(readonly begin: number) {}
  check = (m: Readonly<Model>) => !m.started;
  async run(m: Model, r: Real) {
    await r.client.start("accumulator", { start: this.begin }, { instanceId: r.id });
    Object.assign(m, { started: true, status: "running", total: this.begin });
    await settle(r, m, this.toString());
  }
  toString = () => `start(${this.begin})`;
}

class Raise implements fc.AsyncCommand<Model, Real> {
  constructor(readonly op: Op) {}
  check = (m: Readonly<Model>) => m.started;
  async run(m: Model, r: Real) {
    if (await attempt(live(m), () => r.client.raiseEvent(r.id, "op", this.op), this.toString())) {
      if (m.status === "suspended") m.inbox.push(this.op);
      else m.delivered.push(this.op);
      progress(m);
    }
    await settle(r, m, this.toString());
  }
  toString = () => `raise(${JSON.stringify(this.op)})`;
}

class Terminate implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.started;
  async run(m: Model, r: Real) {
    if (await attempt(live(m), () => r.client.terminate(r.id, "model"), "terminate")) {
      m.status = "terminated";
      m.inbox = [];
    }
    await settle(r, m, "terminate");
  }
  toString = () => "terminate";
}

class Suspend implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.started;
  async run(m: Model, r: Real) {
    if (await attempt(m.status === "running", () => r.client.suspend(r.id), "suspend")) m.status = "suspended";
    await settle(r, m, "suspend");
  }
  toString = () => "suspend";
}

class Resume implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.started;
  async run(m: Model, r: Real) {
    if (await attempt(m.status === "suspended", () => r.client.resume(r.id), "resume")) {
      m.status = "running";
      m.delivered.push(...m.inbox);
      m.inbox = [];
      progress(m);
    }
    await settle(r, m, "resume");
  }
  toString = () => "resume";
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += this.ms;
    r.clock.advance(this.ms);
    r.worker.poke();
    progress(m);
    await settle(r, m, this.toString());
  }
  toString = () => `advance(${this.ms})`;
}

/** Stop the worker, drop its replay cache, start a fresh worker on the same store. */
class Crash implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    await r.worker.stop();
    r.worker = newWorker(r);
    r.worker.start();
    r.crashes += 1;
    await settle(r, m, "crash");
  }
  toString = () => "crash";
}

class DuplicateResults implements fc.AsyncCommand<Model, Real> {
  constructor(readonly on: boolean) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.duplicateResults.on = this.on;
  }
  toString = () => `duplicateResults(${this.on})`;
}

function newWorker(r: Pick<Real, "store" | "clock">): Worker {
  return createWorker({
    store: r.store,
    clock: r.clock,
    pollIntervalMs: 20,
    orchestrators: { accumulator },
    activities: { add: async (input: unknown) => (input as { total: number; delta: number }).total + (input as { delta: number }).delta },
  });
}

/** Wraps a store so that, when asked, every activity result is delivered twice. */
function withDuplicateResults(store: TaskHubStore, flag: { on: boolean; duplicates: number }): TaskHubStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === "completeActivities") {
        return async (results: Parameters<TaskHubStore["completeActivities"]>[0], now: number) => {
          const first = await target.completeActivities(results, now);
          if (flag.on) {
            const again = await target.completeActivities(results, now);
            flag.duplicates += results.length;
            if (again.some(Boolean)) throw new Error(`a duplicate activity result was accepted: ${JSON.stringify(results)}`);
          }
          return first;
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ delta: fc.integer({ min: -50, max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ delta: fc.integer({ min: -50, max: 50 }), pauseMs: fc.constantFrom(1_000, 60_000) }) },
  { weight: 1, arbitrary: fc.constant({ delta: 0, stop: true }) },
);

const commands = [
  fc.integer({ min: 0, max: 100 }).map((n) => new Start(n)),
  opArb.map((op) => new Raise(op)),
  fc.constant(new Terminate()),
  fc.constant(new Suspend()),
  fc.constant(new Resume()),
  fc.constantFrom(500, 1_000, 30_000, 60_000).map((ms) => new Advance(ms)),
  fc.constant(new Crash()),
  fc.boolean().map((on) => new DuplicateResults(on)),
  fc.constant(new DuplicateResults(true)),
];

describe("model-based: the engine agrees with a reference model of an instance", () => {
  it(`over ${RUNS} random sequences of commands, deliveries, duplicate results and crashes`, async () => {
    let sequences = 0;
    let commandsRun = 0;
    let crashes = 0;
    let duplicates = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
        const flag = { on: false, duplicates: 0 };
        const clock = createFakeClock();
        const store = withDuplicateResults(createMemoryStore(), flag);
        const client = createClient({ store, clock });
        const real: Real = {
          store,
          clock,
          client,
          worker: newWorker({ store, clock }),
          id: `model-${sequences}`,
          duplicateResults: flag,
          crashes: 0,
        };
        real.worker.start();
        const model: Model = {
          started: false,
          status: "running",
          total: 0,
          applied: [],
          delivered: [],
          inbox: [],
          next: 0,
          blockedUntil: undefined,
          now: clock.now(),
          output: undefined,
        };
        try {
          await fc.asyncModelRun(() => ({ model, real }), [new Start(0), ...cmds]);
          // Nothing late may change the picture: the engine stays where the model is.
          for (let i = 0; i < 5; i++) {
            real.worker.poke();
            await new Promise((r) => setTimeout(r, 2));
          }
          const late = mismatch(model, await store.getInstance(real.id), await store.getHistory(real.id));
          if (late) throw new Error(`after the last command: ${late}`);
          commandsRun += [...cmds].length + 1;
        } finally {
          await real.worker.stop();
          sequences += 1;
          crashes += real.crashes;
          duplicates += flag.duplicates;
        }
      }),
      { numRuns: RUNS },
    );
    report("model", { sequences, commands: commandsRun, crashes, duplicateResultsRejected: duplicates, disagreements: 0 });
    expect(sequences).toBeGreaterThanOrEqual(RUNS);
  });
});
