/**
 * The benchmark suite: every scenario of issue 9, each run in its own process (peak
 * RSS is per scenario), runs interleaved (run 1 of every case, then run 2 …, so a
 * noisy disk hits the engine and its baselines alike), the median of BENCH_RUNS
 * (default 3) runs, ratios to the baselines and the issue's targets, one table on
 * stdout, one JSON file in bench/results/ (latest.json and a dated copy).
 *
 *   npm run bench                       # everything (~25 min on 2 cores)
 *   BENCH_ONLY=1,2 npm run bench        # a subset of scenarios (storage baselines always run)
 *   BENCH_ONLY=http npm run bench       # the over-HTTP group (issue 15): `weft start` driven over HTTP vs DBOS
 *   BENCH_ONLY=http-wait npm run bench  # one of its scenarios: 100,000 instances waiting on an event, over HTTP
 *   BENCH_RUNS=5 BENCH_QUICK=1 …        # more runs / smaller sizes
 *   BENCH_PROFILE=1 …                   # --cpu-prof of scenarios 1 and 2 into bench/results/profiles/
 *   BENCH_TRACE=1 BENCH_ONLY=1,2 …      # count Store calls and sample PostgreSQL wait events (diagnosis, not timing)
 *   BENCH_MERGE=1 BENCH_ONLY=5 …        # re-run some scenarios and replace their rows in latest.json
 *   BENCH_WARMUP=300 BENCH_ONLY=2 …     # scenario 2 first runs 300 unmeasured instances per worker process (warm JIT; diagnosis)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { type Case, cases } from "./cases.js";
import { type Row, targetsFor, verdict } from "./targets.js";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = `${benchDir}results/`;
const quick = process.env.BENCH_QUICK === "1";
const runs = Number(process.env.BENCH_RUNS ?? 3);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : undefined;
const profile = process.env.BENCH_PROFILE === "1";

interface RunResult {
  ok: boolean;
  value: number;
  unit: string;
  peakRssMb: number;
  details: Record<string, unknown>;
  error?: string;
}

function runOnce(c: Case, index: number): Promise<RunResult> {
  const profiling =
    profile && (c.scenario === "1" || c.scenario === "2") && c.command.kind === "weft" && index === 0 && !c.id.includes("normal");
  const profileDir = `${resultsDir}profiles/${c.id.replace(/[:]/g, "-")}`;
  if (profiling) mkdirSync(profileDir, { recursive: true });
  const [cmd, args, cwd] =
    c.command.kind === "weft"
      ? [
          process.execPath,
          [
            ...(profiling ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
            "--expose-gc",
            "--import",
            "tsx",
            "src/child.ts",
            c.command.kase,
            c.command.variant,
            String(c.n),
          ],
          benchDir,
        ]
      : [process.execPath, ["src/run.mjs", c.command.scenario, String(c.n)], `${benchDir}dbos/`];
  return new Promise((resolve) => {
    const env = { ...process.env, ...(profiling ? { BENCH_WORKER_CPU_PROF_DIR: profileDir } : {}) };
    const child = spawn(cmd, args as string[], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), c.timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith("@@RESULT "));
      if (code !== 0 || !line) {
        resolve({
          ok: false,
          value: Number.NaN,
          unit: "",
          peakRssMb: Number.NaN,
          details: {},
          error: `exit ${code}: ${[
            ...new Set([
              ...err
                .split("\n")
                .filter((l) => /Error|error:|cause/.test(l))
                .slice(0, 3),
              ...err
                .split("\n")
                .filter((l) => !/Deprecation|trace-deprecation/.test(l))
                .slice(-4),
            ]),
          ].join(" | ")}`,
        });
        return;
      }
      const parsed = JSON.parse(line.slice(9));
      resolve({ ok: true, value: parsed.value, unit: parsed.unit, peakRssMb: parsed.peakRssMb, details: parsed });
    });
  });
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function ensureDbos(): void {
  if (existsSync(`${benchDir}dbos/node_modules/@dbos-inc/dbos-sdk`)) return;
  console.log("installing the DBOS baseline (bench/dbos, npm ci) …");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: `${benchDir}dbos/`, stdio: "inherit" });
}

// A group name selects its scenarios: "3" selects 3a and 3b, "http" selects http-1, http-2, http-3 and http-wait.
const selected = cases.filter(
  (c) =>
    c.scenario === "0" ||
    !only ||
    only.has(c.scenario) ||
    only.has(c.scenario.replace(/[ab]$/, "")) ||
    only.has(c.scenario.replace(/-[^-]+$/, "")),
);
if (selected.some((c) => c.command.kind === "dbos")) ensureDbos();
const startedAt = new Date();
const results = new Map<string, RunResult[]>(selected.map((c) => [c.id, []]));
for (let r = 0; r < runs; r++) {
  for (const c of selected) {
    const t0 = performance.now();
    let result = await runOnce(c, r);
    // Others share this machine (test suites restart PostgreSQL, rebuild the web app): a failed run is retried once,
    // and the failure is kept in the JSON.
    if (!result.ok) {
      console.log(`run ${r + 1}/${runs}  ${c.id.padEnd(32)} FAILED ${result.error} — retrying once`);
      const retry = await runOnce(c, r + 1);
      if (retry.ok) retry.details = { ...retry.details, retriedAfter: result.error ?? "failure" };
      result = retry.ok ? retry : result;
    }
    results.get(c.id)?.push(result);
    const took = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `run ${r + 1}/${runs}  ${c.id.padEnd(32)} ${result.ok ? `${result.value.toFixed(1)} ${result.unit}` : `FAILED ${result.error}`}  (${took} s)`,
    );
  }
}

const fresh: Row[] = selected.map((c) => {
  const rs = results.get(c.id) ?? [];
  const ok = rs.filter((r) => r.ok);
  const detailKeys = new Set(ok.flatMap((r) => Object.keys(r.details).filter((k) => typeof r.details[k] === "number")));
  const details: Record<string, number> = {};
  for (const k of detailKeys) details[k] = median(ok.map((r) => r.details[k] as number));
  return {
    id: c.id,
    scenario: c.scenario,
    title: c.title,
    system: c.system,
    n: c.n,
    unit: ok[0]?.unit ?? "",
    median: median(ok.map((r) => r.value)),
    runs: rs.map((r) => r.value),
    peakRssMb: median(ok.map((r) => r.peakRssMb)),
    details,
    failures: rs.filter((r) => !r.ok).map((r) => r.error ?? "failed"),
  };
});
// BENCH_MERGE=1 with BENCH_ONLY: the scenarios just run replace theirs in latest.json, the rest is kept,
// and the table is rebuilt from both (the JSON lists which rows came from which run).
const merge = process.env.BENCH_MERGE === "1" && only !== undefined && existsSync(`${resultsDir}latest.json`);
const previous = merge ? (JSON.parse(readFileSync(`${resultsDir}latest.json`, "utf8")) as { rows: Row[]; startedAt: string }) : undefined;
const freshIds = new Set(fresh.filter((r) => r.scenario !== "0").map((r) => r.id));
const rows: Row[] = previous
  ? [
      ...cases
        .map((c) =>
          freshIds.has(c.id)
            ? fresh.find((r) => r.id === c.id)
            : (previous.rows.find((r) => r.id === c.id) ?? fresh.find((r) => r.id === c.id)),
        )
        .filter((r): r is Row => r !== undefined)
        .map((r) => ({ ...r, from: freshIds.has(r.id) ? startedAt.toISOString() : (r.from ?? previous.startedAt) })),
    ]
  : fresh;
const targets = targetsFor(rows);
const get = (id: string) => rows.find((r) => r.id === id)?.median ?? Number.NaN;

// Ratios shown beside each row: to DBOS for the PostgreSQL-comparable rows, to the storage limit for scenario 1.
const dbosFor: Record<string, string> = {
  "1": "dbos:sequential",
  "2": "dbos:many",
  "3a": "dbos:fanout-steps",
  "3b": "dbos:fanout-children",
  "http-1": "dbos:http-sequential",
  "http-2": "dbos:many-c50",
};
const storageFor = (row: Row) =>
  row.scenario === "1"
    ? row.id.endsWith("sqlite-full")
      ? "storage-seq:sqlite-full"
      : row.id.endsWith("sqlite-normal")
        ? "storage-seq:sqlite-normal"
        : row.id.endsWith(":pg")
          ? "storage-seq:pg"
          : undefined
    : undefined;

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? Math.abs(x) >= 100
      ? Math.round(x).toLocaleString("en-US")
      : x.toFixed(Math.max(digits, Math.abs(x) < 10 ? 2 : 1))
    : "—";
function extra(row: Row): string {
  const d = row.details;
  const parts: string[] = [];
  if (row.scenario === "5")
    parts.push(
      d.cpuMsPerStepAt100 === undefined
        ? `${fmt(d.msPerStepAt100 ?? Number.NaN)} → ${fmt(d.msPerStepAt10k ?? Number.NaN)} ms/step (wall); replay ${fmt(d.historyEvents ?? Number.NaN)} events after restart: ${fmt(d.replayMs ?? Number.NaN)} ms`
        : `CPU ${fmt(d.cpuMsPerStepAt100)} → ${fmt(d.cpuMsPerStepAt10k ?? Number.NaN)} ms/step, wall ${fmt(d.msPerStepAt100 ?? Number.NaN)} → ${fmt(d.msPerStepAt10k ?? Number.NaN)} ms/step (ratio ${fmt(d.wallRatio ?? Number.NaN)}); after a restart, one event to the instance (full replay of ${fmt(d.historyEvents ?? Number.NaN)} events + 2 turns): ${fmt(d.replayMs ?? Number.NaN)} ms`,
    );
  if (row.scenario === "6")
    parts.push(
      `deliver one event to each: ${fmt(d.deliverMs ?? Number.NaN)} ms (${fmt(d.eventsPerSecond ?? Number.NaN)} events/s); start all: ${fmt(d.startMs ?? Number.NaN)} ms`,
    );
  if (row.id.startsWith("s7-starts")) parts.push(`p50 ${fmt(d.p50Ms ?? Number.NaN)} ms, p99 ${fmt(d.p99Ms ?? Number.NaN)} ms`);
  if (row.id.startsWith("s7-sse"))
    parts.push(
      `p50 ${fmt(d.p50Ms ?? Number.NaN)} ms, p99 ${fmt(d.p99Ms ?? Number.NaN)} ms over ${fmt(d.deliveries ?? Number.NaN)} deliveries`,
    );
  if (row.id.startsWith("http-many") || row.id === "dbos:many-c50")
    parts.push(`starts p50 ${fmt(d.p50Ms ?? Number.NaN)} ms, p99 ${fmt(d.p99Ms ?? Number.NaN)} ms`);
  if (row.id.startsWith("http-many") && d.firstStartsP50Ms !== undefined)
    parts.push(`each client's first start p50 ${fmt(d.firstStartsP50Ms)} ms, max ${fmt(d.firstStartsMaxMs ?? Number.NaN)} ms`);
  if (row.id.startsWith("http-wait"))
    parts.push(
      `server RSS ${fmt(d.serverRssWaitingMb ?? Number.NaN)} MB while all wait (peak ${fmt(d.serverPeakRssStartingMb ?? Number.NaN)} MB while starting, ${fmt(d.startsPerSecond ?? Number.NaN)} starts/s); raise requests ${fmt(d.raiseMs ?? Number.NaN)} ms, all completed ${fmt(d.deliverMs ?? Number.NaN)} ms, server CPU ${fmt(d.serverCpuUsPerEvent ?? Number.NaN)} µs/event; load ${fmt(d.loadAverageBefore ?? Number.NaN)}`,
    );
  if (row.id.startsWith("http-xacts"))
    parts.push(
      `${fmt(d.xacts ?? Number.NaN)} commits for ${fmt(d.n ?? Number.NaN)} steps (${fmt(d.stepsPerSecond ?? Number.NaN)} steps/s)`,
    );
  if (row.id.startsWith("s8-instance")) parts.push(`${fmt(d.historyEvents ?? Number.NaN)} events`);
  if (row.id.startsWith("s8-canvas")) parts.push(`${fmt(d.nodesRendered ?? Number.NaN)} nodes rendered`);
  if (row.scenario === "4") parts.push(`${fmt(d.historyEvents ?? Number.NaN)} history events`);
  const dbosId = dbosFor[row.scenario];
  if (dbosId && !row.id.startsWith("dbos")) parts.push(`${fmt(row.median / get(dbosId))}× DBOS`);
  const storage = storageFor(row);
  if (storage) parts.push(`${fmt((100 * row.median) / get(storage))}% of storage limit`);
  if (row.failures.length) parts.push(`${row.failures.length} failed run(s)`);
  return parts.filter(Boolean).join("; ");
}

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  os: `${process.platform} ${release()}`,
  node: process.version,
  postgres: (() => {
    try {
      return execFileSync("psql", [
        process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
        "-Atc",
        "select version() || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')",
      ])
        .toString()
        .trim();
    } catch {
      return "unknown";
    }
  })(),
  fsyncPerSecond: Math.round(get("fsync:disk")),
};

const header = "| scenario | system | median | peak RSS | vs baseline, notes |\n| --- | --- | ---: | ---: | --- |";
const lines = rows.map(
  (row) =>
    `| ${row.title} | ${row.system} | ${row.failures.length === row.runs.length ? "failed" : `${fmt(row.median)} ${row.unit}`} | ${fmt(row.peakRssMb)} MB | ${extra(row)} |`,
);
if (rows.some((r) => r.scenario === "8") && rows.filter((r) => r.scenario === "8").every((r) => r.failures.length === r.runs.length))
  lines.push(
    "| 8: browser rows | Playwright + Chromium | not run | — | every run failed (is apps/web/dist built? see the failures in latest.json) |",
  );
const targetLines = targets.map((t) => `| ${t.target} | ${fmt(t.measured)} (${t.how}) | ${t.kind} ${t.need} | **${verdict(t)}** |`);
const table = `${header}\n${lines.join("\n")}\n\n| target | measured | needed | |\n| --- | --- | --- | --- |\n${targetLines.join("\n")}`;

console.log(
  `\nWeft benchmarks — ${startedAt.toISOString()} — ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, node ${machine.node}`,
);
console.log(
  `PostgreSQL: ${machine.postgres}; disk: ${machine.fsyncPerSecond} fdatasync/s; median of ${runs} run(s)${quick ? " (BENCH_QUICK sizes)" : ""}\n`,
);
console.log(table);
console.log("\nSQLite is one process by design (an OS lock owns the file): the 1/2/4 worker-process rows exist for PostgreSQL only.");
if (rows.some((r) => r.scenario.startsWith("http-")))
  console.log(
    "Over HTTP: Weft is `weft start` in its own process, driven only over HTTP (drawn definitions published through the API); DBOS runs in-process, without HTTP.",
  );

mkdirSync(resultsDir, { recursive: true });
const json = {
  startedAt: previous?.startedAt ?? startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  quick,
  runs,
  only: only ? [...only] : undefined,
  merged: previous ? { scenarios: [...(only ?? [])], at: startedAt.toISOString() } : undefined,
  machine,
  loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
  rows,
  targets: targets.map((t) => ({ ...t, verdict: verdict(t) })),
  table,
};
const body = `${JSON.stringify(json, null, 2)}\n`;
const stamp = `${startedAt.toISOString().replace(/[:.]/g, "-")}${quick ? "-quick" : ""}${profile ? "-profiled" : ""}${only ? `-only-${[...only].join("_")}` : ""}`;
writeFileSync(`${resultsDir}${stamp}.json`, body);
// latest.* is the last complete run: a subset does not replace it.
if (!only || merge) {
  writeFileSync(`${resultsDir}latest.json`, body);
  writeFileSync(`${resultsDir}latest.md`, `${table}\n`);
}
console.log(`\nwrote bench/results/${stamp}.json${!only || merge ? ", latest.json and latest.md" : ""}`);
