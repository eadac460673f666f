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

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = `${benchDir}results/`;
const quick = process.env.BENCH_QUICK === "1";
const runs = Number(process.env.BENCH_RUNS ?? 3);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : undefined;
const profile = process.env.BENCH_PROFILE === "1";
const size = (full: number, small: number) => (quick ? small : full);

interface Case {
  id: string;
  scenario: string;
  title: string;
  system: string;
  command: { kind: "weft"; kase: string; variant: string } | { kind: "dbos"; scenario: string };
  n: number;
  timeoutMs: number;
}

const weft = (scenario: string, kase: string, variant: string, n: number, title: string, system: string, timeoutMs = 600_000): Case => ({
  id: `${kase}:${variant}`,
  scenario,
  title,
  system,
  command: { kind: "weft", kase, variant },
  n,
  timeoutMs,
});
const dbos = (scenario: string, dbosScenario: string, n: number, title: string, options: { id?: string; system?: string } = {}): Case => ({
  id: options.id ?? `dbos:${dbosScenario}`,
  scenario,
  title,
  system: options.system ?? "DBOS Transact 5.3.0 (PostgreSQL)",
  command: { kind: "dbos", scenario: dbosScenario },
  n,
  timeoutMs: 600_000,
});

const SQ_FULL = "Weft, SQLite (WAL, synchronous=FULL)";
const SQ_NORMAL = "Weft, SQLite (WAL, synchronous=NORMAL — weaker: may lose the last commits on power loss)";
const PG = "Weft, PostgreSQL (embedded worker)";
const pgW = (k: number) => `Weft, PostgreSQL, client + ${k} worker process${k > 1 ? "es" : ""}`;

const N1 = size(1000, 200);
const N2 = size(1000, 200);
const N3 = size(1000, 200);
const N4 = size(10_000, 1000);
const N5 = size(3400, 3400);
const N6 = size(10_000, 2000);
const NH1 = size(1000, 200);
const NH2 = size(1000, 200);
const NH3 = 200;
const NHW = size(100_000, 10_000);
const HTTP_SQ = "Weft over HTTP (`weft start`, SQLite, synchronous=FULL)";
const HTTP_PG = "Weft over HTTP (`weft start`, DATABASE_URL: PostgreSQL)";
// The stricter comparison for Weft: DBOS pays no HTTP round trip, no JSON definition to interpret.
const DBOS_IN_PROCESS = "DBOS Transact 5.3.0 (PostgreSQL), in-process calls, no HTTP";

const cases: Case[] = [
  weft("0", "fsync", "disk", size(2000, 500), "disk: 4 KiB write + fdatasync, in sequence", "the disk (temp dir)"),
  weft(
    "0",
    "storage-seq",
    "sqlite-full",
    size(1000, 300),
    "storage limit: one INSERT per transaction, in sequence",
    "better-sqlite3 (WAL, FULL)",
  ),
  weft(
    "0",
    "storage-seq",
    "sqlite-normal",
    size(5000, 1000),
    "storage limit: one INSERT per transaction, in sequence",
    "better-sqlite3 (WAL, NORMAL)",
  ),
  weft("0", "storage-seq", "pg", size(1000, 300), "storage limit: one INSERT per transaction, in sequence", "pg, 1 connection"),
  weft("0", "storage-10", "pg", size(3000, 1000), "storage limit: one INSERT per transaction, 10 connections", "pg, 10 connections"),

  weft("1", "s1", "sqlite-full", N1, `1: one instance, ${N1} sequential activities`, SQ_FULL),
  weft("1", "s1", "sqlite-normal", N1, `1: one instance, ${N1} sequential activities`, SQ_NORMAL),
  weft("1", "s1", "pg", N1, `1: one instance, ${N1} sequential activities`, PG),
  dbos("1", "sequential", N1, `1: one instance, ${N1} sequential activities`),

  weft("2", "s2", "sqlite-full", N2, `2: ${N2} instances × 3 activities at once`, SQ_FULL),
  weft("2", "s2", "sqlite-normal", N2, `2: ${N2} instances × 3 activities at once`, SQ_NORMAL),
  weft("2", "s2", "pg", N2, `2: ${N2} instances × 3 activities at once`, PG),
  weft("2", "s2", "pg-w1", N2, `2: ${N2} instances × 3 activities at once`, pgW(1)),
  weft("2", "s2", "pg-w2", N2, `2: ${N2} instances × 3 activities at once`, pgW(2)),
  weft("2", "s2", "pg-w4", N2, `2: ${N2} instances × 3 activities at once`, pgW(4)),
  dbos("2", "many", N2, `2: ${N2} instances × 3 activities at once`),
  // The same burst once every process has run 300 instances (code compiled): how throughput
  // grows with processes, without each process's one-off JIT warm-up in a 1-second run.
  weft("2w", "s2-warm", "pg-w1", N2, `2w: ${N2} instances × 3 activities at once, worker processes warm`, pgW(1)),
  weft("2w", "s2-warm", "pg-w2", N2, `2w: ${N2} instances × 3 activities at once, worker processes warm`, pgW(2)),
  weft("2w", "s2-warm", "pg-w4", N2, `2w: ${N2} instances × 3 activities at once, worker processes warm`, pgW(4)),

  weft("3a", "s3-activities", "sqlite-full", N3, `3a: fan-out to ${N3} activities (all)`, SQ_FULL),
  weft("3a", "s3-activities", "pg", N3, `3a: fan-out to ${N3} activities (all)`, PG),
  dbos("3a", "fanout-steps", N3, `3a: fan-out to ${N3} activities (all)`),
  weft("3b", "s3-children", "sqlite-full", N3, `3b: fan-out to ${N3} sub-workflows (1 activity each)`, SQ_FULL),
  weft("3b", "s3-children", "pg", N3, `3b: fan-out to ${N3} sub-workflows (1 activity each)`, PG),
  dbos("3b", "fanout-children", N3, `3b: fan-out to ${N3} sub-workflows (1 activity each)`),

  weft("4", "s4", "sqlite-full", N4, `4: map over ${N4} items, maxConcurrency 100, as a definition`, SQ_FULL, 1_200_000),
  weft("4", "s4", "pg", N4, `4: map over ${N4} items, maxConcurrency 100, as a definition`, PG, 1_200_000),

  weft("5", "s5", "sqlite-full", N5, `5: per-step cost at history 100 vs 10,000; replay of ~${N5 * 3} events after a restart`, SQ_FULL),
  weft("5", "s5", "pg", N5, `5: per-step cost at history 100 vs 10,000; replay of ~${N5 * 3} events after a restart`, PG),

  weft("6", "s6", "sqlite-full", N6, `6: ${N6} instances waiting on an event`, SQ_FULL),
  weft("6", "s6", "pg", N6, `6: ${N6} instances waiting on an event`, PG),

  weft(
    "7",
    "s7-starts",
    "sqlite-full",
    50,
    "7a: HTTP, 50 concurrent clients starting instances",
    "Weft server process (`weft start`, SQLite FULL)",
  ),
  weft(
    "7",
    "s7-sse",
    "sqlite-full",
    100,
    "7b: HTTP, 100 SSE subscribers on one instance: raise → receipt lag",
    "Weft server process (`weft start`, SQLite FULL)",
  ),
  weft("http-1", "http-seq", "sqlite-full", NH1, `HTTP 1: one drawn instance, ${NH1} sequential util.echo steps`, HTTP_SQ),
  weft("http-1", "http-seq", "pg", NH1, `HTTP 1: one drawn instance, ${NH1} sequential util.echo steps`, HTTP_PG),
  dbos("http-1", "sequential", NH1, `HTTP 1: one instance, ${NH1} sequential steps`, {
    id: "dbos:http-sequential",
    system: DBOS_IN_PROCESS,
  }),
  weft(
    "http-2",
    "http-many",
    "sqlite-full",
    NH2,
    `HTTP 2: ${NH2} drawn instances × 3 util.echo steps, started by 50 concurrent clients`,
    HTTP_SQ,
  ),
  weft("http-2", "http-many", "pg", NH2, `HTTP 2: ${NH2} drawn instances × 3 util.echo steps, started by 50 concurrent clients`, HTTP_PG),
  dbos("http-2", "many-c50", NH2, `HTTP 2: ${NH2} instances × 3 steps, started by 50 concurrent callers`, { system: DBOS_IN_PROCESS }),
  weft(
    "http-wait",
    "http-wait",
    "sqlite-full",
    NHW,
    `HTTP 4: ${NHW.toLocaleString("en-US")} drawn instances waiting on an event (batch starts), then one event to each (filter endpoint)`,
    HTTP_SQ,
    1_200_000,
  ),
  weft(
    "http-3",
    "http-xacts",
    "pg",
    NH3,
    `HTTP 3: PostgreSQL commits per sequential step (${NH3}-step drawn chain, idle polling included)`,
    HTTP_PG,
  ),
  weft("8", "s8-canvas", "browser", 300, "8a: browser, open a 300-node drawing in the designer", "Chromium (Playwright) + `weft start`"),
  weft(
    "8",
    "s8-instance",
    "browser",
    5000,
    "8b: browser, open an instance page with ~10,000 history events (5,000-item map)",
    "Chromium (Playwright) + `weft start`",
  ),
];

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

interface Row {
  id: string;
  scenario: string;
  title: string;
  system: string;
  n: number;
  unit: string;
  median: number;
  runs: number[];
  peakRssMb: number;
  details: Record<string, number>;
  failures: string[];
  /** When the row was measured (merged tables hold rows of two runs). */
  from?: string;
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
const get = (id: string) => rows.find((r) => r.id === id)?.median ?? Number.NaN;
const detail = (id: string, key: string) => rows.find((r) => r.id === id)?.details[key] ?? Number.NaN;

interface Target {
  target: string;
  measured: number;
  need: number;
  kind: ">=" | "<=";
  how: string;
}
const targets: Target[] = [
  {
    target: "SQLite FULL, scenario 1 ≥ 5× DBOS",
    measured: get("s1:sqlite-full") / get("dbos:sequential"),
    need: 5,
    kind: ">=",
    how: "steps/s ÷ DBOS steps/s",
  },
  {
    target: "SQLite FULL, scenario 1 ≥ 40% of the storage limit",
    measured: get("s1:sqlite-full") / get("storage-seq:sqlite-full"),
    need: 0.4,
    kind: ">=",
    how: "steps/s ÷ better-sqlite3 commits/s",
  },
  {
    target: "SQLite FULL, scenario 2 ≥ 10× DBOS",
    measured: get("s2:sqlite-full") / get("dbos:many"),
    need: 10,
    kind: ">=",
    how: "instances/s ÷ DBOS instances/s",
  },
  {
    target: "PostgreSQL, scenario 1 ≥ 2× DBOS",
    measured: get("s1:pg") / get("dbos:sequential"),
    need: 2,
    kind: ">=",
    how: "steps/s ÷ DBOS steps/s",
  },
  {
    target: "PostgreSQL, scenario 2 ≥ 2× DBOS",
    measured: get("s2:pg") / get("dbos:many"),
    need: 2,
    kind: ">=",
    how: "instances/s ÷ DBOS (embedded worker)",
  },
  {
    target: "PostgreSQL, 2 worker processes ≥ 1 (scenario 2, warm processes)",
    measured: get("s2-warm:pg-w2") / get("s2-warm:pg-w1"),
    need: 1,
    kind: ">=",
    how: "instances/s ÷ instances/s of 1 process",
  },
  {
    target: "PostgreSQL, 4 worker processes ≥ 1 (scenario 2, warm processes)",
    measured: get("s2-warm:pg-w4") / get("s2-warm:pg-w1"),
    need: 1,
    kind: ">=",
    how: "instances/s ÷ instances/s of 1 process",
  },
  {
    target: "PostgreSQL, scenario 3 sub-workflows ≥ 5× DBOS",
    measured: get("s3-children:pg") / get("dbos:fanout-children"),
    need: 5,
    kind: ">=",
    how: "children/s ÷ DBOS children/s",
  },
  {
    target: "Scenario 5 ratio ≤ 1.5 (SQLite FULL)",
    measured: get("s5:sqlite-full"),
    need: 1.5,
    kind: "<=",
    how: "CPU ms/step at 10,000 events ÷ at 100",
  },
  {
    target: "Scenario 5 ratio ≤ 1.5 (PostgreSQL)",
    measured: get("s5:pg"),
    need: 1.5,
    kind: "<=",
    how: "CPU ms/step at 10,000 events ÷ at 100",
  },
  {
    target: "Scenario 6 ≤ 300 MB RSS (SQLite FULL)",
    measured: get("s6:sqlite-full"),
    need: 300,
    kind: "<=",
    how: "RSS with 10,000 instances waiting",
  },
  {
    target: "Scenario 6 ≤ 300 MB RSS (PostgreSQL)",
    measured: get("s6:pg"),
    need: 300,
    kind: "<=",
    how: "RSS with 10,000 instances waiting",
  },
  {
    target: "Over HTTP, SQLite FULL, sequential ≥ 3× DBOS",
    measured: get("http-seq:sqlite-full") / get("dbos:http-sequential"),
    need: 3,
    kind: ">=",
    how: "steps/s ÷ DBOS steps/s (in-process)",
  },
  {
    target: "Over HTTP, SQLite FULL, concurrent ≥ 3× DBOS",
    measured: get("http-many:sqlite-full") / get("dbos:many-c50"),
    need: 3,
    kind: ">=",
    how: "instances/s ÷ DBOS instances/s (in-process)",
  },
  {
    target: "Over HTTP, PostgreSQL, sequential ≥ 2× DBOS",
    measured: get("http-seq:pg") / get("dbos:http-sequential"),
    need: 2,
    kind: ">=",
    how: "steps/s ÷ DBOS steps/s (in-process)",
  },
  {
    target: "Over HTTP, PostgreSQL, concurrent ≥ 2× DBOS",
    measured: get("http-many:pg") / get("dbos:many-c50"),
    need: 2,
    kind: ">=",
    how: "instances/s ÷ DBOS instances/s (in-process)",
  },
  {
    target: "Over HTTP, PostgreSQL ≤ 1.5 transactions per sequential step",
    measured: get("http-xacts:pg"),
    need: 1.5,
    kind: "<=",
    how: "pg_stat_database xact_commit delta ÷ steps",
  },
  {
    target: "Over HTTP, 50 clients on SQLite FULL: p99 start latency ≤ 100 ms",
    measured: detail("http-many:sqlite-full", "p99Ms"),
    need: 100,
    kind: "<=",
    how: "ms, POST …/instances",
  },
  {
    target: `Over HTTP, ${NHW.toLocaleString("en-US")} instances waiting on an event: server RSS ≤ 300 MB (SQLite FULL)`,
    measured: detail("http-wait:sqlite-full", "serverRssWaitingMb"),
    need: 300,
    kind: "<=",
    how: "MB, VmRSS of `weft start` while all wait",
  },
  {
    target: `Over HTTP, one event to each of ${NHW.toLocaleString("en-US")} waiting instances ≥ 5,000 events/s (SQLite FULL)`,
    measured: get("http-wait:sqlite-full"),
    need: 5000,
    kind: ">=",
    how: "events/s, first raise request → all completed",
  },
  {
    target: "Designer: 300-node canvas opens < 1.5 s (issue 5)",
    measured: get("s8-canvas:browser"),
    need: 1500,
    kind: "<=",
    how: "ms, navigation → all nodes on the canvas",
  },
  {
    target: "Runs: ~10,000-event instance page opens < 2 s (issue 6)",
    measured: get("s8-instance:browser"),
    need: 2000,
    kind: "<=",
    how: "ms, navigation → history counted, timeline drawn",
  },
].filter((t) => Number.isFinite(t.measured)) as Target[];
const verdict = (t: Target) => ((t.kind === ">=" ? t.measured >= t.need : t.measured <= t.need) ? "PASS" : "FAIL");

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
