import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, cli, type Cluster, DATABASE_URL, historyProblems, postgresAvailable, spawnNode, startCluster } from "./cluster.js";

/**
 * Reliability scenario 7: a poison activity (one that kills the worker process running it)
 * is given up after its attempts, and while it is being given up the other instances keep
 * at least 90% of their throughput.
 *
 * Two identical clusters run side by side on one PostgreSQL, each 1 API and 3 worker
 * processes on a schema of its own and pinned to a core of its own (taskset), with a
 * supervisor that restarts a worker that died (on its core, as systemd would on its
 * machine), and a closed loop of IN_FLIGHT normal three-step instances. In each phase one
 * cluster gets a poison instance and the other is its control. Both run at the same
 * moments against the same database, so what the machine does to throughput (checkpoints,
 * autovacuum, the tables growing, the test's own work) hits both alike, and the ratio of
 * their completions over the phase is what the poison costs: lost work, stalled leases,
 * dead workers' capacity. (Measured one after the other, two
 * poison-free phases of one cluster differ by 15–25% here, so a ratio of 0.9 could not be
 * told from noise; unpinned, the control cluster would take the CPU the poisoned one's
 * dead workers leave, which on a real deployment stays idle.) The roles swap from phase to
 * phase and the figure is the geometric mean of the phases' ratios, so a difference
 * between the two clusters (or cores) cancels. A phase lasts until its poison instance has
 * ended, so no damage spills into the next one.
 *
 * Ghost workers: a restarted worker's start-up (about a CPU-second, more on a busy core) is
 * taken from its own cluster's core here, where on a real deployment it runs in the dead
 * worker's own container. For every death on the poisoned cluster a ghost worker starts on
 * the control cluster's core at the same moment, on a schema of its own (it takes no work),
 * and is killed once it has started: the restarts' CPU is charged to both sides, and the
 * ratio is what the engine's handling costs.
 *
 * What keeps the damage small (packages/engine/ARCHITECTURE.md, "A poison activity"):
 * - worker liveness: a dead worker's leases end within a third of the lease (its
 *   PostgreSQL session, and the advisory lock it held, went with it), not at expiry;
 * - suspects spread: an activity claimed before without a result never runs beside
 *   another one (one per worker, one per claim), so the activities that shared the
 *   poison's crash run on other workers than the poison;
 * - the pause: a dead worker's task waits 2 s after a first death (none when the worker
 *   also held a task that had died before, the likelier culprit) and 5 s per death after
 *   that, so the poison kills workers about as fast as they are restarted, not all at once;
 * - isolation: a suspect from the project runs in a process of its own
 *   (apps/server/src/isolation.ts), so the poison kills its worker once and then only
 *   that process;
 * - the give-up: an attempt run MAX_CLAIMS times without a result (worker deaths, then
 *   isolated process deaths) fails with PoisonActivityError.
 *
 * Why the test can fail: without the give-up the poison instance never ends (the phase
 * deadline fails); without isolation each poison kills MAX_CLAIMS workers, past the bound
 * of one death per attempt; without the spreading innocent attempts
 * follow the poison from worker to worker and are given up with it
 * (normalAttemptsGivenUpAsPoison); without the pause the poison kills all three workers
 * within a second or two and nothing runs until one is back (ratio 0.42 measured with
 * liveness alone, in the earlier one-cluster version of this test); with only lease expiry
 * each death stalls what the dead worker held for a lease (0.67–0.86 there).
 */

const FULL = process.env.WEFT_CHAOS === "full";
const CONFIG = fileURLToPath(new URL("../fixtures/poison.config.mjs", import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

/**
 * The lease. Workers look for dead ones every third of it (at most every second), well
 * before it would expire even on a busy core, so deaths are found through liveness.
 */
const LEASE_MS = 4000;
/** DEFAULT_MAX_CLAIMS_PER_ATTEMPT in packages/engine/src/runtime/worker.ts (not configurable in the server). */
const MAX_CLAIMS = 3;
const POISON_ATTEMPTS = 1;
const WORKERS = 3;
/** Normal instances kept in flight on each cluster (a closed loop). */
const IN_FLIGHT = 12;
const RESTART_DELAY_MS = 300;
/**
 * `phases`: which cluster gets the poison, phase by phase. A phase lasts at least phaseMs
 * and until its poison instance has failed: about 6 s (its worker's death found within a
 * second, the 2 s pause, two runs in isolated processes that it kills).
 *
 * The 90% promise is held by the full run (`npm run test:chaos`), over four phases of
 * 30 s (measured 0.94, 0.95, 0.96, 0.97). The fast run in `npm test` (one pair of 8 s phases)
 * cannot tell 0.9 from its own noise on a two-core machine: one phase's ratio spreads
 * ±0.15 (runs measured 0.90, 0.93, 0.95, 0.99, 1.03 for one build). It holds a floor
 * of 0.7 instead, far below that noise and far above a collapse (0.42 without the
 * pause, 0.67 with only lease expiry), and asserts everything else: the give-up, one
 * worker death per poison attempt, no death on the control cluster or after the
 * give-up, no innocent attempt given up, every other instance completed with the right
 * output and a sound history.
 */
const SIZE = FULL
  ? { warmupMs: 10_000, phaseMs: 30_000, phases: ["a", "b", "a", "b"], bar: 0.9 }
  : { warmupMs: 3_000, phaseMs: 8_000, phases: ["a", "b"], bar: 0.7 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function activity(id: string, name: string, input: string, retry: Record<string, number>) {
  return { id, type: "activity", activity: name, input, retry, position: { x: 0, y: 0 } };
}

function chain(id: string, nodes: Record<string, unknown>[], output: string): Record<string, unknown> {
  const all = [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    ...nodes,
    { id: "end", type: "end", output, position: { x: 0, y: 0 } },
  ];
  return {
    id,
    name: id,
    nodes: all,
    edges: all.slice(1).map((node, i) => ({ id: `e${i}`, source: all[i]?.id, target: node.id })),
  };
}

/**
 * Three cheap steps, with a retry policy. Activities claimed in the same batch as the poison
 * die with it; were they then run beside it again they could follow it from worker to worker
 * and be given up as poison too (the figure normalAttemptsGivenUpAsPoison, which must stay 0).
 */
const normalWorkflow = chain(
  "normal",
  ["a", "b", "c"].map((step) =>
    activity(step, "util.echo", `{ "n": input.n, "step": "${step}" }`, { maxAttempts: 3, firstIntervalMs: 100 }),
  ),
  '{ "n": input.n, "steps": [steps.a.step, steps.b.step, steps.c.step] }',
);
const poisonWorkflow = chain(
  "poison",
  [activity("crash", "poison.crash", "input", { maxAttempts: POISON_ATTEMPTS, firstIntervalMs: 100 })],
  "steps.crash",
);

type Status = { status: string; at: number };

/** Terminal statuses from the global SSE stream: one connection instead of polling every instance. */
function watchStatuses(url: string) {
  const waiters = new Map<string, { resolve: (s: Status) => void; since: number }>();
  const abort = new AbortController();
  const settle = (id: string, status: string) => {
    if (status !== "completed" && status !== "failed" && status !== "terminated") return;
    const waiter = waiters.get(id);
    if (!waiter) return;
    waiters.delete(id);
    waiter.resolve({ status, at: performance.now() });
  };
  const reading = (async () => {
    const response = await fetch(`${url}/api/stream`, { signal: abort.signal });
    if (!response.body) throw new Error("/api/stream has no body");
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!/^event: instance$/m.test(message)) continue;
        const data = message.match(/^data: (.*)$/m)?.[1];
        if (!data) continue;
        const summary = JSON.parse(data) as { instanceId: string; status: string };
        settle(summary.instanceId, summary.status);
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  // A safety net, not the measurement: a waiter the stream has not answered for a while is polled.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [id, waiter] of waiters) {
      if (now - waiter.since < 5000) continue;
      waiter.since = now;
      void api(url, `/api/instances/${id}`).then((r) => settle(id, r.body?.status));
    }
  }, 1000);
  return {
    /** Register before starting the instance, so an early end is not missed. */
    wait(id: string): Promise<Status> {
      return new Promise((resolve) => waiters.set(id, { resolve, since: performance.now() }));
    },
    async close() {
      clearInterval(sweep);
      abort.abort();
      await reading;
    },
  };
}

/** One side of the comparison: a cluster, its closed loop of normal instances, its deaths. */
interface Side {
  name: "a" | "b";
  cluster: Cluster;
  statuses: ReturnType<typeof watchStatuses>;
  normal: { id: string; n: number; status?: string; at?: number }[];
  poison: { id: string; status?: string; at?: number }[];
  deaths: { at: number; signal: string | null; code: number | null }[];
  startFailures: string[];
  cpus: string;
  /** Called when one of this side's workers died (the poisoned side starts a ghost on the control's core). */
  onDeath?: () => void;
}

async function startSide(name: "a" | "b"): Promise<Side> {
  const deaths: Side["deaths"] = [];
  const cpus = name === "a" ? "0" : "1";
  // Filled in below; the exit handler only runs after the workers are up.
  let side = {} as Side;
  const cluster = await startCluster({
    workers: WORKERS,
    cpus,
    args: ["--config", CONFIG],
    env: { WEFT_LEASE_MS: String(LEASE_MS) },
    restartDelayMs: RESTART_DELAY_MS,
    onExit: (_, code, signal) => {
      deaths.push({ at: performance.now(), code, signal });
      side.onDeath?.();
    },
  });
  sides.push({ name, cluster, cpus } as Side);
  for (const definition of [normalWorkflow, poisonWorkflow]) {
    const saved = await api(cluster.url, `/api/workflows/${definition.id}`, { method: "PUT", json: definition });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await api(cluster.url, `/api/workflows/${definition.id}/publish`, { method: "POST" })).status).toBe(201);
  }
  side = { name, cluster, cpus, statuses: watchStatuses(cluster.url), normal: [], poison: [], deaths, startFailures: [] };
  sides[sides.length - 1] = side;
  return side;
}

/**
 * A worker process on the ghost schema (it takes no work), pinned to `cpus`, killed as
 * soon as it has started: the CPU of one restart (see "Ghost workers" above).
 */
function ghostWorker(cpus: string): Promise<void> {
  const env = { ...process.env, DATABASE_URL, WEFT_DB_SCHEMA: ghostSchema, WEFT_LOG_LEVEL: "info", WEFT_LEASE_MS: String(LEASE_MS) };
  const child = spawnNode([cli, "worker", "--config", CONFIG], { env, stdio: ["ignore", "pipe", "inherit"] }, cpus);
  let out = "";
  child.stdout?.on("data", (chunk) => {
    out += chunk;
    if (out.includes("worker started")) child.kill("SIGKILL");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) => {
    child.once("error", () => resolve());
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Keeps IN_FLIGHT normal instances running on `side` while `running()` holds. */
function closedLoop(side: Side, running: () => boolean): Promise<void> {
  const slot = async () => {
    while (running()) {
      const n = side.normal.length;
      const run: Side["normal"][number] = { id: `normal-${n}`, n };
      side.normal.push(run);
      const done = side.statuses.wait(run.id);
      const started = await api(side.cluster.url, "/api/workflows/normal/instances", {
        method: "POST",
        json: { input: { n }, instanceId: run.id },
      });
      if (started.status !== 202) {
        side.startFailures.push(`${side.name}/${run.id}: ${started.status} ${JSON.stringify(started.body)}`);
        return;
      }
      const end = await done;
      run.status = end.status;
      run.at = end.at;
    }
  };
  return Promise.all(Array.from({ length: IN_FLIGHT }, slot)).then(() => undefined);
}

/** Starts a poison instance on `side` and waits (at most 90 s) until it has ended. */
async function poisonOnce(side: Side): Promise<Side["poison"][number]> {
  const p: Side["poison"][number] = { id: `poison-${side.poison.length + 1}` };
  side.poison.push(p);
  const done = side.statuses.wait(p.id);
  const started = await api(side.cluster.url, "/api/workflows/poison/instances", {
    method: "POST",
    json: { input: { p: p.id }, instanceId: p.id },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${side.name}/${p.id} still running after 90 s; ${side.deaths.length} worker deaths so far`)),
      90_000,
    );
  });
  try {
    const end = await Promise.race([done, deadline]);
    p.status = end.status;
    p.at = end.at;
  } finally {
    clearTimeout(timer);
  }
  return p;
}

/** What went wrong with `side`'s instances, and how many normal attempts failed (as poison). */
async function checkSide(side: Side) {
  const problems: string[] = [];
  let poisonAttemptsGivenUp = 0;
  for (const p of side.poison) {
    const detail = await api(side.cluster.url, `/api/instances/${p.id}`);
    if (detail.body.status !== "failed") problems.push(`${side.name}/${p.id} is ${detail.body.status}`);
    if (!JSON.stringify(detail.body.error).includes("PoisonActivityError"))
      problems.push(`${side.name}/${p.id} failed with ${JSON.stringify(detail.body.error)}`);
    const events = (await api(side.cluster.url, `/api/instances/${p.id}/history`)).body.events as {
      type: string;
      error?: { name?: string; message?: string };
    }[];
    const failures = events.filter((e) => e.type === "TaskFailed").map((e) => e.error);
    const names = failures.map((e) => e?.name);
    if (names.length !== POISON_ATTEMPTS || names.some((n) => n !== "PoisonActivityError"))
      problems.push(`${side.name}/${p.id} attempts failed with ${names.join(", ")}`);
    const isolatedDeaths = `its worker died 1 time(s), then the process it ran alone in died ${MAX_CLAIMS - 1} time(s)`;
    for (const failure of failures)
      if (!failure?.message?.includes(isolatedDeaths)) problems.push(`${side.name}/${p.id}: ${failure?.message}`);
    poisonAttemptsGivenUp += names.filter((n) => n === "PoisonActivityError").length;
  }
  let normalAttemptsFailed = 0;
  let normalAttemptsGivenUpAsPoison = 0;
  const check = async (run: Side["normal"][number]) => {
    const detail = await api(side.cluster.url, `/api/instances/${run.id}`);
    if (detail.body.status !== "completed")
      problems.push(`${side.name}/${run.id} is ${detail.body.status}: ${JSON.stringify(detail.body.error)}`);
    else if (JSON.stringify(detail.body.output) !== JSON.stringify({ n: run.n, steps: ["a", "b", "c"] }))
      problems.push(`${side.name}/${run.id} output ${JSON.stringify(detail.body.output)}`);
    const events = (await api(side.cluster.url, `/api/instances/${run.id}/history`)).body.events as {
      seq: number;
      type: string;
      taskId?: number;
      error?: { name?: string };
    }[];
    for (const problem of historyProblems(events)) problems.push(`${side.name}/${run.id}: ${problem}`);
    for (const e of events) {
      if (e.type !== "TaskFailed") continue;
      normalAttemptsFailed += 1;
      if (e.error?.name === "PoisonActivityError") normalAttemptsGivenUpAsPoison += 1;
    }
  };
  for (let i = 0; i < side.normal.length; i += 16) await Promise.all(side.normal.slice(i, i + 16).map(check));
  return { problems, poisonAttemptsGivenUp, normalAttemptsFailed, normalAttemptsGivenUpAsPoison };
}

const completedIn = (side: Side, from: number, to: number) =>
  side.normal.filter((r) => r.status === "completed" && (r.at ?? 0) >= from && (r.at ?? 0) < to).length;

let sides: Side[] = [];
const ghostSchema = `weft_ghost_${process.pid}`;
const ghosts: Promise<void>[] = [];
let available = false;
beforeAll(async () => {
  available = await postgresAvailable();
});
afterEach(async () => {
  // The streams first: stopping an API would otherwise end its stream with an error.
  await Promise.all(sides.map((side) => side.statuses?.close()));
  await Promise.all(sides.map((side) => side.cluster.stop()));
  await Promise.all(ghosts);
  sides = [];
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${ghostSchema}" CASCADE`);
  await client.end();
});

describe("a poison activity", () => {
  it(
    FULL
      ? "that kills its worker is given up after its attempts, with one worker death per attempt, and the other instances keep ≥ 90% of their throughput"
      : "that kills its worker is given up after its attempts, with one worker death per attempt, no innocent attempt given up, every other instance completed and ≥ 70% of their throughput (90% held by the full run)",
    async (ctx) => {
      if (!available) return ctx.skip();
      const [a, b] = [await startSide("a"), await startSide("b")];
      // The first ghost makes the ghost schema (migrations); later ones find it, as restarts do.
      await ghostWorker("0");
      // Let the streams connect before the first instance can end.
      await sleep(200);
      let loadRunning = true;
      const load = Promise.all([closedLoop(a, () => loadRunning), closedLoop(b, () => loadRunning)]);
      await sleep(SIZE.warmupMs);

      const phases: {
        poisoned: Side;
        control: Side;
        start: number;
        end: number;
        poisonEnded: number;
        deathsDuring: number;
        controlDeaths: number;
      }[] = [];
      for (const which of SIZE.phases) {
        const [poisoned, control] = which === "a" ? [a, b] : [b, a];
        const start = performance.now();
        const [deathsBefore, controlDeathsBefore] = [poisoned.deaths.length, control.deaths.length];
        poisoned.onDeath = () => ghosts.push(sleep(RESTART_DELAY_MS).then(() => ghostWorker(control.cpus)));
        const [poison] = await Promise.all([poisonOnce(poisoned), sleep(SIZE.phaseMs)]);
        poisoned.onDeath = undefined;
        phases.push({
          poisoned,
          control,
          start,
          end: performance.now(),
          poisonEnded: poison.at ?? Number.NaN,
          deathsDuring: poisoned.deaths.length - deathsBefore,
          controlDeaths: control.deaths.length - controlDeathsBefore,
        });
      }
      const deathsWhenPoisonEnded = a.deaths.length + b.deaths.length;
      loadRunning = false;
      await load;
      // The give-up is final: no worker dies once the poison instances have ended.
      await sleep(2 * LEASE_MS);
      const deathsAfterPoison = a.deaths.length + b.deaths.length - deathsWhenPoisonEnded;

      // ---- throughput: poisoned against control, over the same windows ----
      const phaseRatios = phases.map((p) => completedIn(p.poisoned, p.start, p.end) / Math.max(1, completedIn(p.control, p.start, p.end)));
      const ratio = Math.exp(phaseRatios.reduce((sum, r) => sum + Math.log(r), 0) / phaseRatios.length);
      const seconds = phases.reduce((sum, p) => sum + (p.end - p.start), 0) / 1000;
      const poisonedPerS = phases.reduce((sum, p) => sum + completedIn(p.poisoned, p.start, p.end), 0) / seconds;
      const controlPerS = phases.reduce((sum, p) => sum + completedIn(p.control, p.start, p.end), 0) / seconds;

      const checks = [await checkSide(a), await checkSide(b)];
      const problems = checks.flatMap((c) => c.problems);
      const poisonInstances = a.poison.length + b.poison.length;
      const deaths = [...a.deaths, ...b.deaths];
      // The first run of an attempt kills its worker; the later ones (suspects) run isolated and kill only their process.
      const maxWorkerDeaths = poisonInstances * POISON_ATTEMPTS;
      const normalAttemptsGivenUpAsPoison = checks.reduce((sum, c) => sum + c.normalAttemptsGivenUpAsPoison, 0);
      report({
        ratio: round(ratio, 3),
        phaseRatios: phaseRatios.map((r) => round(r, 3)).join(","),
        poisonedCompletionsPerS: round(poisonedPerS),
        controlCompletionsPerS: round(controlPerS),
        phaseSeconds: phases.map((p) => round((p.end - p.start) / 1000)).join(","),
        poisonSeconds: phases.map((p) => round((p.poisonEnded - p.start) / 1000)).join(","),
        workerDeaths: deaths.length,
        maxWorkerDeaths,
        deathsPerPhase: phases.map((p) => p.deathsDuring).join(","),
        controlDeaths: phases.reduce((sum, p) => sum + p.controlDeaths, 0),
        workerDeathsAfterPoisonEnded: deathsAfterPoison,
        poisonInstances,
        poisonAttemptsGivenUp: checks.reduce((sum, c) => sum + c.poisonAttemptsGivenUp, 0),
        normalInstances: a.normal.length + b.normal.length,
        normalAttemptsFailed: checks.reduce((sum, c) => sum + c.normalAttemptsFailed, 0),
        normalAttemptsGivenUpAsPoison,
        clusters: 2,
        workersPerCluster: WORKERS,
        inFlightPerCluster: IN_FLIGHT,
        bar: SIZE.bar,
        leaseMs: LEASE_MS,
        restartDelayMs: RESTART_DELAY_MS,
        full: FULL,
      });

      expect([...a.startFailures, ...b.startFailures]).toEqual([]);
      expect(problems.slice(0, 20)).toEqual([]);
      // Each attempt kills one worker (its other MAX_CLAIMS - 1 runs kill isolated processes), and only on the poisoned cluster.
      expect(phases.every((p) => p.deathsDuring > 0)).toBe(true);
      expect(deaths.length).toBeLessThanOrEqual(maxWorkerDeaths);
      expect(phases.map((p) => p.controlDeaths)).toEqual(phases.map(() => 0));
      expect(deathsAfterPoison).toBe(0);
      expect(deaths.filter((d) => d.signal !== "SIGKILL")).toEqual([]);
      // Suspects run alone: no innocent attempt dies with the poison often enough to be given up.
      expect(normalAttemptsGivenUpAsPoison).toBe(0);
      expect(ratio).toBeGreaterThanOrEqual(SIZE.bar);
    },
    FULL ? 600_000 : 180_000,
  );
});

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** The same line and file shape as tests/reliability/src/support/results.ts. */
function report(figures: Record<string, number | string | boolean>): void {
  console.log(
    `[poison] ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
  if (!FULL) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const body = {
    scenario: "poison",
    recordedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    figures,
  };
  writeFileSync(`${RESULTS_DIR}chaos-poison.json`, `${JSON.stringify(body, null, 2)}\n`);
}
