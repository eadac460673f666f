/**
 * Scenario 4: a map over n items with maxConcurrency 100, drawn as a definition
 * (compiled and run by the definition interpreter) — items/s and peak RSS.
 */
import { createClient, createWorker } from "@weft/engine";
import { compile, interpret } from "@weft/definition";
import { type Variant, openStore, quiet, report } from "../common.js";
import { activities } from "../orchestrators.js";

export const mapDefinition = {
  id: "bench-map",
  name: "bench-map",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "each", type: "map", items: "input.items", maxConcurrency: 100, position: { x: 200, y: 0 } },
    { id: "work", type: "activity", activity: "noop", parentId: "each", input: "item", position: { x: 20, y: 40 } },
    { id: "end", type: "end", position: { x: 400, y: 0 } },
  ],
  edges: [
    { id: "e1", source: "start", target: "each" },
    { id: "e2", source: "each", target: "end" },
  ],
};

export async function definitionMap(variant: Variant, n: number): Promise<void> {
  const plan = compile(mapDefinition, { version: 1 });
  const opened = await openStore(variant);
  const worker = createWorker({
    store: opened.store,
    activities,
    resolveOrchestrator: (name) => (name === "bench-map" ? interpret(plan) : undefined),
    ...quiet,
  });
  worker.start();
  const client = createClient({ store: opened.store });
  const items = Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  const id = await client.start("bench-map", { items });
  const done = await client.waitForCompletion(id, { timeoutMs: 1_200_000 });
  const ms = performance.now() - t0;
  const historyEvents = (await client.history(id)).length;
  await worker.stop();
  const metrics = worker.metrics();
  await opened.destroy();
  if (done.status !== "completed") throw new Error(`map ended ${done.status}: ${JSON.stringify(done.error)}`);
  report({ value: (n / ms) * 1000, unit: "items/s", ms, n, historyEvents, turns: metrics.turns, turnMillis: metrics.turnMillis });
}
