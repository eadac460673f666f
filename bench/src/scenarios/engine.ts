/**
 * Scenarios 1, 2, 3, 5 and 6: the engine embedded (or, for pg-wN, worker processes on
 * the same schema with only the client here), in-process no-op activities.
 */
import { type EngineClient, createClient, createWorker, type Worker } from "@weft/engine";
import {
  machineCpuSeconds,
  type OpenedStore,
  type Variant,
  openStore,
  quiet,
  report,
  rssMb,
  sleep,
  untilTerminal,
  workerProcesses,
} from "../common.js";
import { activities, orchestrators } from "../orchestrators.js";
import { startWorkerProcesses } from "../workers.js";

interface Engine {
  opened: OpenedStore;
  client: EngineClient;
  worker?: Worker;
  stop(): Promise<Record<string, unknown>>;
}

async function startEngine(variant: Variant, extraActivities: typeof activities = {}): Promise<Engine> {
  const opened = await openStore(variant);
  const client = createClient({ store: opened.store });
  const processes = workerProcesses(variant);
  if (processes > 0) {
    const pool = await startWorkerProcesses(processes, opened.schema as string);
    return {
      opened,
      client,
      async stop() {
        const workers = await pool.stop();
        await opened.destroy();
        const sum: Record<string, number> = {};
        if (process.env.BENCH_TRACE === "1") {
          for (const w of workers)
            for (const [k, v] of Object.entries(w))
              if (k.startsWith("store.") || k === "localTurns" || k === "turns")
                sum[`workers.${k}`] = (sum[`workers.${k}`] ?? 0) + (v as number);
        }
        return {
          workerProcesses: processes,
          workerPeakRssMb: workers.map((w) => w.peakRssMb),
          workerTurns: workers.map((w) => w.turns),
          ...sum,
        };
      },
    };
  }
  const worker = createWorker({ store: opened.store, orchestrators, activities: { ...activities, ...extraActivities }, ...quiet });
  worker.start();
  return {
    opened,
    client,
    worker,
    async stop() {
      await worker.stop();
      const metrics = worker.metrics();
      await opened.destroy();
      return { turns: metrics.turns, turnsRejected: metrics.turnsRejected, cacheMisses: metrics.cacheMisses };
    },
  };
}

/** Scenario 1: one instance, n sequential activities. */
export async function sequential(variant: Variant, n: number): Promise<void> {
  const engine = await startEngine(variant);
  const t0 = performance.now();
  const id = await engine.client.start("sequential", n);
  const done = await engine.client.waitForCompletion(id, { timeoutMs: 600_000 });
  const ms = performance.now() - t0;
  if (done.status !== "completed") throw new Error(`sequential ended ${done.status}`);
  const extra = await engine.stop();
  report({ value: (n / ms) * 1000, unit: "steps/s", ms, n, ...extra });
}

/**
 * Scenario 2: n instances × 3 activities, all started at once. `warmPerProcess` instances
 * per worker process run first, unmeasured: every process then has its code compiled (a
 * worker process's first few hundred turns run in V8's interpreter, and each process pays
 * that once; the processes share the warm-up burst, so it grows with their number).
 */
export async function manyInstances(variant: Variant, n: number, warmPerProcess = 0): Promise<void> {
  const engine = await startEngine(variant);
  const warm = (warmPerProcess || Number(process.env.BENCH_WARMUP ?? 0)) * Math.max(1, workerProcesses(variant));
  if (warm > 0) {
    await Promise.all(Array.from({ length: warm }, (_, i) => engine.client.start("threeSteps", -i)));
    await untilTerminal(engine.opened, warm);
  }
  const cpu0 = machineCpuSeconds();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => engine.client.start("threeSteps", i)));
  const startedMs = performance.now() - t0;
  await untilTerminal(engine.opened, warm + n);
  const ms = performance.now() - t0;
  const cpu1 = machineCpuSeconds();
  const machineCpuMsPerInstance = cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / n;
  const failed = warm + n - (await engine.opened.countStatus("completed"));
  const extra = await engine.stop();
  if (failed > 0) throw new Error(`${failed} instances did not complete`);
  report({ value: (n / ms) * 1000, unit: "instances/s", ms, startedMs, n, machineCpuMsPerInstance, ...extra });
}

/** Scenario 3: one instance fanning out to n activities (all) or n sub-workflows. */
export async function fanOut(variant: Variant, n: number, kind: "activities" | "children"): Promise<void> {
  const engine = await startEngine(variant);
  const t0 = performance.now();
  const id = await engine.client.start(kind === "activities" ? "fanOutActivities" : "fanOutChildren", n);
  const done = await engine.client.waitForCompletion(id, { timeoutMs: 600_000 });
  const ms = performance.now() - t0;
  if (done.status !== "completed") throw new Error(`fan-out ended ${done.status}: ${JSON.stringify(done.error)}`);
  const extra = await engine.stop();
  report({ value: (n / ms) * 1000, unit: kind === "activities" ? "activities/s" : "children/s", ms, n, ...extra });
}

/**
 * Scenario 5: the cost of a step near history length 100 and near 10,000 (median
 * interval between consecutive activity starts over a window of 50 steps), then a
 * restart (worker stopped, store closed and reopened, cold cache) and one event to
 * the instance: its turn replays the whole history.
 */
export async function historyCost(variant: Variant, steps: number): Promise<void> {
  const starts: number[] = [];
  const cpu: number[] = [];
  const timing = {
    noop: (_: unknown, ctx: { taskId: number }) => {
      starts[ctx.taskId] = performance.now();
      const usage = process.cpuUsage();
      cpu[ctx.taskId] = (usage.user + usage.system) / 1000;
      return null;
    },
  };
  let opened = await openStore(variant);
  const schema = opened.schema;
  const dir = opened.path;
  let client = createClient({ store: opened.store });
  let worker = createWorker({ store: opened.store, orchestrators, activities: timing, ...quiet });
  worker.start();
  const id = await client.start("longThenWait", steps);
  // The instance waits (a wait records no event) once its first turn and one turn per step have committed.
  while (worker.metrics().turns < steps + 1) await sleep(20);
  const history = await client.history(id);
  // Step k (0-based) has taskId k and ends near event 3k+3. Two windows of 60 steps: events ~50-230 and ~9,900-10,080.
  // Wall time per step is the median interval between activity starts (fsync-bound, noisy on a shared disk);
  // CPU per step is this process's CPU over the window (engine, store code, SQLite or pg: the cost that must stay flat).
  const window = (fromStep: number): { wall: number; cpu: number } => {
    const intervals: number[] = [];
    for (let k = fromStep + 1; k <= fromStep + 60; k++) {
      const a = starts[k - 1];
      const b = starts[k];
      if (a !== undefined && b !== undefined) intervals.push(b - a);
    }
    intervals.sort((x, y) => x - y);
    const c0 = cpu[fromStep];
    const c1 = cpu[fromStep + 60];
    return {
      wall: intervals[Math.floor(intervals.length / 2)] ?? Number.NaN,
      cpu: c0 !== undefined && c1 !== undefined ? (c1 - c0) / 60 : Number.NaN,
    };
  };
  const early = window(16);
  const late = window(Math.max(17, Math.min(3300, Math.floor((history.length - 300) / 3))));
  await worker.stop();
  await opened.close();

  // The restart: a new store object and worker, nothing cached.
  opened = await openStore(variant, { ...(dir ? { dir } : {}), ...(schema ? { schema } : {}) });
  client = createClient({ store: opened.store });
  worker = createWorker({ store: opened.store, orchestrators, activities: timing, ...quiet });
  worker.start();
  const t0 = performance.now();
  await client.raiseEvent(id, "go");
  const done = await client.waitForCompletion(id, { timeoutMs: 600_000 });
  const replayMs = performance.now() - t0;
  const metrics = worker.metrics();
  await worker.stop();
  await opened.destroy();
  if (variant.startsWith("sqlite") && dir) (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
  if (schema) await (await import("../common.js")).dropSchema(schema);
  if (done.status !== "completed") throw new Error(`history scenario ended ${done.status}`);
  report({
    value: late.cpu / early.cpu,
    unit: "ratio (CPU/step)",
    cpuMsPerStepAt100: early.cpu,
    cpuMsPerStepAt10k: late.cpu,
    msPerStepAt100: early.wall,
    msPerStepAt10k: late.wall,
    wallRatio: late.wall / early.wall,
    historyEvents: history.length,
    replayMs,
    replayTurnMillis: metrics.turnMillis,
    replayEventsProcessed: metrics.eventsProcessed,
  });
}

/** Scenario 6: n instances waiting on an event; RSS while they wait, then one event to each. */
export async function waiting(variant: Variant, n: number): Promise<void> {
  const engine = await startEngine(variant);
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const chunk = await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => engine.client.start("waiter")));
    ids.push(...chunk);
  }
  while ((await engine.opened.countStatus("running")) < n) await sleep(20);
  const startMs = performance.now() - t0;
  global.gc?.();
  const rssWaiting = rssMb();
  const t1 = performance.now();
  // 1,000 at a time, as the batch endpoint (POST /api/events/:name) raises them: the client's
  // group commit puts each thousand in one transaction.
  for (let i = 0; i < ids.length; i += 1000) {
    await Promise.all(ids.slice(i, i + 1000).map((id) => engine.client.raiseEvent(id, "go", 1)));
  }
  const raisedMs = performance.now() - t1;
  await untilTerminal(engine.opened, n);
  const deliverMs = performance.now() - t1;
  const extra = await engine.stop();
  report({
    value: rssWaiting,
    unit: "MB RSS",
    rssWaitingMb: rssWaiting,
    startMs,
    raisedMs,
    deliverMs,
    eventsPerSecond: (n / deliverMs) * 1000,
    n,
    ...extra,
  });
}
