/**
 * Prints the README's "Performance" section from bench/results/latest.json: the
 * table, the machine it ran on, the exact command. `--write <README.md>` replaces
 * the section in that file (from "## Performance" to the next "## ").
 *
 *   node --import tsx src/readme-section.ts [--write ../README.md]
 */
import { readFileSync, writeFileSync } from "node:fs";

const latest = JSON.parse(readFileSync(new URL("../results/latest.json", import.meta.url), "utf8"));
const m = latest.machine;
const overHttp = (latest.rows as { scenario: string }[]).some((r) => r.scenario.startsWith("http-"))
  ? `
The "HTTP" rows (\`BENCH_ONLY=http\`) run Weft as a user runs it: \`weft start\` in its own
process on a free loopback port, on SQLite (synchronous FULL) or PostgreSQL (\`DATABASE_URL\`),
driven only over HTTP — drawn definitions of \`util.echo\` steps saved and published through
the API, instances started with POST and watched by polling the instance list every 20 ms.
DBOS runs the same workloads in-process, without HTTP: the stricter comparison for Weft.
PostgreSQL commits per step are the \`pg_stat_database.xact_commit\` delta of a database of the
run's own, from before the start request to completion, the server's idle polling included.
`
  : "";
const section = `## Performance

\`npm run bench\` (about 15–30 minutes; \`BENCH_ONLY=1,2\`, \`BENCH_RUNS=5\`, \`BENCH_QUICK=1\` for a
subset, more runs or smaller sizes) runs every scenario of the benchmark issue in its own
process, interleaved with its baselines — the same number of durable commits done directly
with better-sqlite3 / pg, and DBOS Transact ${"5.3.0"} on the same PostgreSQL (\`bench/dbos\`, its own
package and lockfile) — and writes one table and one JSON file to \`bench/results/\`
(\`latest.json\`, \`latest.md\` and a dated copy). Each figure is the median of ${latest.runs} runs; peak RSS is
the scenario process's \`maxRSS\`. Where the time goes, with profiles, and what would close
the gaps: [bench/ANALYSIS.md](bench/ANALYSIS.md).

Last run: ${latest.startedAt}${latest.merged ? ` (scenarios ${latest.merged.scenarios.join(", ")} re-run at ${latest.merged.at})` : ""}, on ${m.cpus}, ${m.memoryGb} GB, ${m.os}, Node ${m.node};
${m.postgres.replace(/ on x86_64.*?64-bit/, "")}; the disk did ${m.fsyncPerSecond.toLocaleString("en-US")} fdatasync/s
(4 KiB write + fdatasync, measured in the run). The machine is shared with other work, and
neither it nor its disk stays the same from one session to the next (AMD EPYC or Intel Xeon
cores; 200 to 18,000 fdatasync/s): compare ratios within one run, not absolute figures
across runs. The disk moves the ratios too: DBOS's steps wait on the disk and Weft's are
mostly CPU here, so on a fast disk DBOS gains more (its scenario 1 went from 326 steps/s on
a 5,000-fsync/s disk to 632–730 on a 17,000–18,500 one, Weft's SQLite from 1,458 to ~2,500). SQLite is one process by design (an OS lock owns the file),
so the 1/2/4-worker-process rows are PostgreSQL's.
${overHttp}
Command: \`npm run bench\`${latest.runs === 3 && !latest.quick ? "" : ` (here with BENCH_RUNS=${latest.runs}${latest.quick ? ", BENCH_QUICK=1" : ""})`}; load average when the run started: ${(latest.loadAverage as number[]).map((l) => l.toFixed(1)).join(" / ")} (1 / 5 / 15 min).

${latest.table}

`;

const at = process.argv.indexOf("--write");
if (at >= 0) {
  const file = process.argv[at + 1] as string;
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("## Performance\n");
  const end = text.indexOf("\n## ", start + 1);
  if (start < 0 || end < 0) throw new Error(`no "## Performance" section in ${file}`);
  writeFileSync(file, `${text.slice(0, start)}${section}${text.slice(end + 1)}`);
} else {
  process.stdout.write(section);
}
