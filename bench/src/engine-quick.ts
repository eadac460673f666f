/**
 * Quick engine figures on SQLite (synchronous=FULL, WAL): sequential no-op
 * activities per second in one instance, and the cost of a step when the
 * history is ~100 events long vs ~10,000 (the replay cache keeps it flat).
 *
 *   npm run bench:quick -w @weft/bench
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { createClient, createWorker, type OrchestrationContext } from "@weft/engine";
import { createSqliteStore } from "@weft/store-sqlite";

const STEPS = Number(process.env.STEPS ?? 3400);

function* sequential(ctx: OrchestrationContext, n: number) {
  for (let i = 0; i < n; i++) yield ctx.callActivity("noop", i);
  return n;
}

const dir = mkdtempSync(join(tmpdir(), "weft-bench-"));
const store = await createSqliteStore({ path: join(dir, "weft.db"), synchronous: "FULL" });
const stepTimes: { seq: number; at: number }[] = [];
const worker = createWorker({
  store,
  orchestrators: { sequential },
  activities: {
    noop: (_: unknown, ctx) => {
      stepTimes.push({ seq: ctx.taskId, at: performance.now() });
      return null;
    },
  },
});
const client = createClient({ store });
worker.start();
const started = performance.now();
const id = await client.start("sequential", STEPS);
await client.waitForCompletion(id, { timeoutMs: 600_000 });
const elapsed = performance.now() - started;
const history = await client.history(id);
await worker.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

// Each step adds 3 events (OrchestratorStarted, TaskCompleted, TaskScheduled): step k ends near event 3k.
const stepMs = (fromStep: number, count: number): number => {
  const window = stepTimes.slice(fromStep, fromStep + count + 1);
  const first = window[0];
  const last = window.at(-1);
  return first && last ? (last.at - first.at) / (window.length - 1) : Number.NaN;
};
const near100 = stepMs(Math.round(100 / 3), 100);
const near10k = stepMs(Math.round(10_000 / 3) - 100, 100);
const result = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`,
  store: "sqlite (WAL, synchronous=FULL)",
  steps: STEPS,
  historyEvents: history.length,
  sequentialActivitiesPerSecond: Math.round((STEPS / elapsed) * 1000),
  msPerStepAtHistory100: Number(near100.toFixed(3)),
  msPerStepAtHistory10000: Number(near10k.toFixed(3)),
  ratio: Number((near10k / near100).toFixed(2)),
};
console.table(result);
mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
writeFileSync(new URL("../results/engine-quick.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
