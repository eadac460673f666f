#!/usr/bin/env node
// `npm run test:chaos`: the full versions of the reliability scenarios (tests/reliability,
// SQLite) and of the poison scenario (tests/scale-out, PostgreSQL), one after the other so
// their figures are not skewed by each other; then one table of every figure this run
// wrote to bench/results/chaos-*.json. Exits non-zero if any scenario failed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = `${root}bench/results`;
const startedAt = Date.now();

// The server scenarios run the built CLI.
if (spawnSync("npx", ["turbo", "run", "build"], { cwd: root, stdio: "inherit" }).status !== 0) process.exit(1);

const failed = [];
for (const workspace of ["@weft/reliability", "@weft/scale-out-tests"]) {
  const run = spawnSync("npm", ["run", "test:chaos", "-w", workspace], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) failed.push(workspace);
}

const rows = [];
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir)
    .filter((f) => f.startsWith("chaos-") && f.endsWith(".json"))
    .sort()) {
    const result = JSON.parse(readFileSync(`${resultsDir}/${file}`, "utf8"));
    if (Date.parse(result.recordedAt) < startedAt) continue;
    for (const [name, value] of Object.entries(result.figures)) rows.push(`| ${result.scenario} | ${name} | ${value} |`);
  }
}
const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
process.stdout.write(
  `\nWeft chaos suite — figures (bench/results/chaos-*.json), ${minutes} min\n\n| scenario | figure | value |\n| --- | --- | --- |\n${rows.join("\n")}\n\n`,
);
if (failed.length > 0) {
  process.stderr.write(`Failed: ${failed.join(", ")} (see above).\n`);
  process.exit(1);
}
