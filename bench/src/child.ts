/**
 * One scenario run in its own process (so peak RSS is this scenario's alone).
 * The runner (run.ts) starts it; it prints one "@@RESULT {json}" line.
 *
 *   node --import tsx src/child.ts <case> <variant> <n>
 */
import type { Variant } from "./common.js";
import { browserCanvas, browserInstance } from "./scenarios/browser.js";
import { definitionMap } from "./scenarios/definition-map.js";
import { fanOut, historyCost, manyInstances, sequential, waiting } from "./scenarios/engine.js";
import { httpStarts, sseLag } from "./scenarios/http.js";
import { fsyncRate, storageLimit } from "./scenarios/storage.js";

const [kase, variantText, nText] = process.argv.slice(2);
const variant = variantText as Variant;
const n = Number(nText);

const cases: Record<string, () => Promise<void>> = {
  fsync: () => fsyncRate(n),
  "storage-seq": () => storageLimit(variant, n, 1),
  "storage-10": () => storageLimit(variant, n, 10),
  s1: () => sequential(variant, n),
  s2: () => manyInstances(variant, n),
  "s3-activities": () => fanOut(variant, n, "activities"),
  "s3-children": () => fanOut(variant, n, "children"),
  s4: () => definitionMap(variant, n),
  s5: () => historyCost(variant, n),
  s6: () => waiting(variant, n),
  "s7-starts": () => httpStarts(variant, n),
  "s7-sse": () => sseLag(variant, n),
  "s8-canvas": () => browserCanvas(variant, n),
  "s8-instance": () => browserInstance(variant, n),
};

const run = kase ? cases[kase] : undefined;
if (!run) throw new Error(`unknown case ${kase}; one of ${Object.keys(cases).join(", ")}`);
try {
  await run();
  process.exit(0);
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
