/**
 * One scenario run in its own process (so peak RSS is this scenario's alone).
 * The runner (run.ts) starts it; it prints one "@@RESULT {json}" line. Each case
 * imports only its own module: Playwright or the HTTP client must not weigh on the
 * RSS of an engine scenario.
 *
 *   node --import tsx src/child.ts <case> <variant> <n>
 */
import type { Variant } from "./common.js";

const [kase, variantText, nText] = process.argv.slice(2);
const variant = variantText as Variant;
const n = Number(nText);
/** Scenario 2 with warm processes ("2w"): this many unmeasured instances per worker process first. */
const WARM_INSTANCES = 300;

const engine = () => import("./scenarios/engine.js");
const storage = () => import("./scenarios/storage.js");
const http = () => import("./scenarios/http.js");
const browser = () => import("./scenarios/browser.js");
const overHttp = () => import("./scenarios/over-http.js");

const cases: Record<string, () => Promise<void>> = {
  fsync: async () => (await storage()).fsyncRate(n),
  "storage-seq": async () => (await storage()).storageLimit(variant, n, 1),
  "storage-10": async () => (await storage()).storageLimit(variant, n, 10),
  s1: async () => (await engine()).sequential(variant, n),
  s2: async () => (await engine()).manyInstances(variant, n),
  "s2-warm": async () => (await engine()).manyInstances(variant, n, WARM_INSTANCES),
  "s3-activities": async () => (await engine()).fanOut(variant, n, "activities"),
  "s3-children": async () => (await engine()).fanOut(variant, n, "children"),
  s4: async () => (await import("./scenarios/definition-map.js")).definitionMap(variant, n),
  s5: async () => (await engine()).historyCost(variant, n),
  s6: async () => (await engine()).waiting(variant, n),
  "s7-starts": async () => (await http()).httpStarts(variant, n),
  "s7-sse": async () => (await http()).sseLag(variant, n),
  "http-seq": async () => (await overHttp()).sequentialOverHttp(variant, n),
  "http-many": async () => (await overHttp()).concurrentOverHttp(variant, n),
  "http-xacts": async () => (await overHttp()).pgXactsPerStep(variant, n),
  "http-wait": async () => (await import("./scenarios/http-wait.js")).waitingOverHttp(variant, n),
  "s8-canvas": async () => (await browser()).browserCanvas(variant, n),
  "s8-instance": async () => (await browser()).browserInstance(variant, n),
};

const run = kase ? cases[kase] : undefined;
if (!run) throw new Error(`unknown case ${kase}; one of ${Object.keys(cases).join(", ")}`);
try {
  await run();
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `${String(error)}${(error as Error).cause ? ` (cause: ${String((error as Error).cause)})` : ""}\n${(error as Error).stack ?? ""}\n`,
  );
  const { createdSchemas, dropSchema } = await import("./common.js");
  for (const schema of createdSchemas) await dropSchema(schema).catch(() => undefined);
  process.exit(1);
}
