// The DBOS Transact baseline: workflows mirroring Weft's scenarios 1-3, on the same
// PostgreSQL, each run in a fresh system-database schema that is dropped afterwards.
// Prints one "@@RESULT {json}" line, like the Weft scenario processes.
//
//   node src/run.mjs <sequential|many|many-c50|fanout-steps|fanout-children> <n>
//
// many-c50 is the over-HTTP group's concurrent workload: n three-step workflows started
// by 50 concurrent starters (in-process calls, where Weft's go over HTTP).
import { DBOS } from "@dbos-inc/dbos-sdk";
import pg from "pg";

const [scenario, nText] = process.argv.slice(2);
const n = Number(nText);
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `dbos_${process.pid}_${Date.now().toString(36)}`;

const noop = async () => null;

const sequential = DBOS.registerWorkflow(
  async (count) => {
    for (let i = 0; i < count; i++) await DBOS.runStep(noop, { name: "noop" });
    return count;
  },
  { name: "sequential" },
);
const threeSteps = DBOS.registerWorkflow(
  async (input) => {
    await DBOS.runStep(noop, { name: "noop1" });
    await DBOS.runStep(noop, { name: "noop2" });
    await DBOS.runStep(noop, { name: "noop3" });
    return input;
  },
  { name: "threeSteps" },
);
const fanOutSteps = DBOS.registerWorkflow(
  async (count) => {
    const results = await Promise.all(Array.from({ length: count }, () => DBOS.runStep(noop, { name: "noop" })));
    return results.length;
  },
  { name: "fanOutSteps" },
);
const child = DBOS.registerWorkflow(
  async (input) => {
    await DBOS.runStep(noop, { name: "noop" });
    return input;
  },
  { name: "child" },
);
const fanOutChildren = DBOS.registerWorkflow(
  async (count) => {
    // DBOS's documented pattern: start each child (durably), then await every result.
    const handles = [];
    for (let i = 0; i < count; i++) handles.push(await DBOS.startWorkflow(child)(i));
    const results = await Promise.all(handles.map((h) => h.getResult()));
    return results.length;
  },
  { name: "fanOutChildren" },
);

DBOS.setConfig({ name: "weft-bench", systemDatabaseUrl: url, systemDatabaseSchemaName: schema, logLevel: "error" });
await DBOS.launch();
let value;
let unit;
const extra = {};
const t0 = performance.now();
if (scenario === "sequential") {
  await (await DBOS.startWorkflow(sequential)(n)).getResult();
  unit = "steps/s";
} else if (scenario === "many") {
  const handles = await Promise.all(Array.from({ length: n }, (_, i) => DBOS.startWorkflow(threeSteps)(i)));
  await Promise.all(handles.map((h) => h.getResult()));
  unit = "instances/s";
} else if (scenario === "many-c50") {
  const handles = [];
  const latencies = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        handles.push(await DBOS.startWorkflow(threeSteps)(i));
        latencies.push(performance.now() - s);
      }
    }),
  );
  extra.startMs = performance.now() - t0;
  await Promise.all(handles.map((h) => h.getResult()));
  latencies.sort((a, b) => a - b);
  const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  Object.assign(extra, { clients: 50, p50Ms: percentile(50), p99Ms: percentile(99), maxMs: latencies.at(-1) });
  unit = "instances/s";
} else if (scenario === "fanout-steps") {
  await (await DBOS.startWorkflow(fanOutSteps)(n)).getResult();
  unit = "activities/s";
} else if (scenario === "fanout-children") {
  await (await DBOS.startWorkflow(fanOutChildren)(n)).getResult();
  unit = "children/s";
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
const ms = performance.now() - t0;
value = (n / ms) * 1000;
await DBOS.shutdown();
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await admin.end();
process.stdout.write(
  `@@RESULT ${JSON.stringify({ value, unit, ms, n, ...extra, dbosVersion: "5.3.0", peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
process.exit(0);
