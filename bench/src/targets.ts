/** The issues' targets, each computed from the rows of one run: the README's PASS/FAIL table. */
import { NHW } from "./cases.js";

export interface Row {
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

export interface Target {
  target: string;
  measured: number;
  need: number;
  kind: ">=" | "<=";
  how: string;
}

const target = (target: string, measured: number, kind: Target["kind"], need: number, how: string): Target => ({
  target,
  measured,
  need,
  kind,
  how,
});

export function targetsFor(rows: readonly Row[]): Target[] {
  const get = (id: string) => rows.find((r) => r.id === id)?.median ?? Number.NaN;
  const detail = (id: string, key: string) => rows.find((r) => r.id === id)?.details[key] ?? Number.NaN;

  return [
    target("SQLite FULL, scenario 1 ≥ 5× DBOS", get("s1:sqlite-full") / get("dbos:sequential"), ">=", 5, "steps/s ÷ DBOS steps/s"),
    target(
      "SQLite FULL, scenario 1 ≥ 40% of the storage limit",
      get("s1:sqlite-full") / get("storage-seq:sqlite-full"),
      ">=",
      0.4,
      "steps/s ÷ better-sqlite3 commits/s",
    ),
    target("SQLite FULL, scenario 2 ≥ 10× DBOS", get("s2:sqlite-full") / get("dbos:many"), ">=", 10, "instances/s ÷ DBOS instances/s"),
    target("PostgreSQL, scenario 1 ≥ 2× DBOS", get("s1:pg") / get("dbos:sequential"), ">=", 2, "steps/s ÷ DBOS steps/s"),
    target("PostgreSQL, scenario 2 ≥ 2× DBOS", get("s2:pg") / get("dbos:many"), ">=", 2, "instances/s ÷ DBOS (embedded worker)"),
    target(
      "PostgreSQL, 2 worker processes ≥ 1 (scenario 2, warm processes)",
      get("s2-warm:pg-w2") / get("s2-warm:pg-w1"),
      ">=",
      1,
      "instances/s ÷ instances/s of 1 process",
    ),
    target(
      "PostgreSQL, 4 worker processes ≥ 1 (scenario 2, warm processes)",
      get("s2-warm:pg-w4") / get("s2-warm:pg-w1"),
      ">=",
      1,
      "instances/s ÷ instances/s of 1 process",
    ),
    target(
      "PostgreSQL, scenario 3 sub-workflows ≥ 5× DBOS",
      get("s3-children:pg") / get("dbos:fanout-children"),
      ">=",
      5,
      "children/s ÷ DBOS children/s",
    ),
    target("Scenario 5 ratio ≤ 1.5 (SQLite FULL)", get("s5:sqlite-full"), "<=", 1.5, "CPU ms/step at 10,000 events ÷ at 100"),
    target("Scenario 5 ratio ≤ 1.5 (PostgreSQL)", get("s5:pg"), "<=", 1.5, "CPU ms/step at 10,000 events ÷ at 100"),
    target("Scenario 6 ≤ 300 MB RSS (SQLite FULL)", get("s6:sqlite-full"), "<=", 300, "RSS with 10,000 instances waiting"),
    target("Scenario 6 ≤ 300 MB RSS (PostgreSQL)", get("s6:pg"), "<=", 300, "RSS with 10,000 instances waiting"),
    target(
      "Over HTTP, SQLite FULL, sequential ≥ 3× DBOS",
      get("http-seq:sqlite-full") / get("dbos:http-sequential"),
      ">=",
      3,
      "steps/s ÷ DBOS steps/s (in-process)",
    ),
    target(
      "Over HTTP, SQLite FULL, concurrent ≥ 3× DBOS",
      get("http-many:sqlite-full") / get("dbos:many-c50"),
      ">=",
      3,
      "instances/s ÷ DBOS instances/s (in-process)",
    ),
    target(
      "Over HTTP, PostgreSQL, sequential ≥ 2× DBOS",
      get("http-seq:pg") / get("dbos:http-sequential"),
      ">=",
      2,
      "steps/s ÷ DBOS steps/s (in-process)",
    ),
    target(
      "Over HTTP, PostgreSQL, concurrent ≥ 2× DBOS",
      get("http-many:pg") / get("dbos:many-c50"),
      ">=",
      2,
      "instances/s ÷ DBOS instances/s (in-process)",
    ),
    target(
      "Over HTTP, PostgreSQL ≤ 1.5 transactions per sequential step",
      get("http-xacts:pg"),
      "<=",
      1.5,
      "pg_stat_database xact_commit delta ÷ steps",
    ),
    target(
      "Over HTTP, 50 clients on SQLite FULL: p99 start latency ≤ 100 ms",
      detail("http-many:sqlite-full", "p99Ms"),
      "<=",
      100,
      "ms, POST …/instances",
    ),
    target(
      `Over HTTP, ${NHW.toLocaleString("en-US")} instances waiting on an event: server RSS ≤ 300 MB (SQLite FULL)`,
      detail("http-wait:sqlite-full", "serverRssWaitingMb"),
      "<=",
      300,
      "MB, VmRSS of `weft start` while all wait",
    ),
    target(
      `Over HTTP, one event to each of ${NHW.toLocaleString("en-US")} waiting instances ≥ 5,000 events/s (SQLite FULL)`,
      get("http-wait:sqlite-full"),
      ">=",
      5000,
      "events/s, first raise request → all completed",
    ),
    target(
      "Designer: 300-node canvas opens < 1.5 s (issue 5)",
      get("s8-canvas:browser"),
      "<=",
      1500,
      "ms, navigation → all nodes on the canvas",
    ),
    target(
      "Runs: ~10,000-event instance page opens < 2 s (issue 6)",
      get("s8-instance:browser"),
      "<=",
      2000,
      "ms, navigation → history counted, timeline drawn",
    ),
  ].filter((t) => Number.isFinite(t.measured));
}

export const verdict = (t: Target) => ((t.kind === ">=" ? t.measured >= t.need : t.measured <= t.need) ? "PASS" : "FAIL");
