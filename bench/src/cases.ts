/** The benchmark's cases: each scenario's Weft variants and the baselines they are compared with. */

const quick = process.env.BENCH_QUICK === "1";
const size = (full: number, small: number) => (quick ? small : full);

export interface Case {
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
export const NHW = size(100_000, 10_000);
const HTTP_SQ = "Weft over HTTP (`weft start`, SQLite, synchronous=FULL)";
const HTTP_PG = "Weft over HTTP (`weft start`, DATABASE_URL: PostgreSQL)";
// The stricter comparison for Weft: DBOS pays no HTTP round trip, no JSON definition to interpret.
const DBOS_IN_PROCESS = "DBOS Transact 5.3.0 (PostgreSQL), in-process calls, no HTTP";

export const cases: Case[] = [
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
