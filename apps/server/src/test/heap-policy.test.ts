import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { limitHeapGrowth } from "../heap-policy.js";

const policy = pathToFileURL(fileURLToPath(new URL("../heap-policy.ts", import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), "weft-heap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The server's memory profile in small: a long-lived set (the cached executors), then
 * batches that live a while and die (requests waiting on their group commit). Prints the
 * largest heap V8 reserved meanwhile, in MB.
 */
const churn = `
  const { limitHeapGrowth } = await import(${JSON.stringify(policy)});
  if (process.argv.includes("--limit")) limitHeapGrowth();
  const live = [];
  for (let i = 0; i < 400_000; i++) live.push({ i, text: "x" + i, pair: [i, i + 1] });
  const inFlight = [];
  let largest = 0;
  for (let round = 0; round < 300; round++) {
    inFlight.push(Array.from({ length: 20_000 }, (_, j) => ({ j, text: "y" + j })));
    if (inFlight.length > 20) inFlight.shift();
    largest = Math.max(largest, process.memoryUsage().heapTotal);
  }
  console.log(JSON.stringify({ largestMb: largest / 1048576, kept: live.length }));
`;

function largestHeapMb(limit: boolean): number {
  const script = join(dir, "churn.mjs");
  writeFileSync(script, churn);
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...(limit ? ["--limit"] : [])], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`churn exited ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { largestMb: number }).largestMb;
}

describe("the heap policy of the long-running commands", () => {
  it("keeps the heap near what is live instead of letting dead objects pile up to V8's own factor", () => {
    const unlimited = largestHeapMb(false);
    const limited = largestHeapMb(true);
    // Measured: ~227 MB without, ~117 MB with (live: ~50 MB).
    expect(limited).toBeLessThan(unlimited * 0.75);
  });

  it("leaves a --heap-growing-percent given on the node command line alone", () => {
    expect(limitHeapGrowth(["--heap-growing-percent=20"])).toBe(false);
    expect(limitHeapGrowth(["--max-old-space-size=512", "--heap_growing_percent=0"])).toBe(false);
  });
});
