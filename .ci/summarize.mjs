// Sums Vitest's "Tests  N failed | M passed" lines (and Playwright's "N passed") of a whole run
// into the one plain line CI reads: "N passed, N failed".
import { readFileSync } from "node:fs";

const [logPath, status = "0"] = process.argv.slice(2);
const text = readFileSync(logPath, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;
for (const line of text.split("\n")) {
  const vitest = line.match(/^\s*(?:\S+:test:\s+)?Tests\s+(.*)\(\d+\)\s*$/);
  if (vitest) {
    passed += Number(vitest[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(vitest[1].match(/(\d+) failed/)?.[1] ?? 0);
    continue;
  }
  const playwright = line.match(/^\s*(?:\S+:\s+)?(\d+) (passed|failed|flaky)\b/);
  if (playwright && !/Test Files/.test(line)) {
    // A flaky test failed once and then passed on its retry: it counts as passed.
    if (playwright[2] === "failed") failed += Number(playwright[1]);
    else passed += Number(playwright[1]);
  }
}
// A run that failed before any test reported still counts as a failure.
if (status !== "0" && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
