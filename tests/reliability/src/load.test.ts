import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { threeStepWorkflow } from "./support/definitions.js";
import { FULL } from "./support/paths.js";
import { percentile, report, round } from "./support/results.js";
import { apiAt, publish, sleep, startServerProcess } from "./support/server-process.js";

// Scenario 8 (load): 50 concurrent HTTP clients starting three-step workflows on SQLite.
const CLIENTS = FULL ? 50 : 20;
// WEFT_LOAD_SECONDS=3600 turns it into the one-hour soak (README, Guarantees).
const DURATION_MS = process.env.WEFT_LOAD_SECONDS ? Number(process.env.WEFT_LOAD_SECONDS) * 1000 : FULL ? 60_000 : 4_000;

/** The server process's resident memory in MB (Linux), or 0 where /proc is missing. */
function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Completed instances, from the Prometheus gauge (one cheap query instead of paging). */
async function completedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /weft_instances\{status="completed"\} (\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

describe("load", () => {
  it(`${CLIENTS} concurrent clients start three-step workflows for ${DURATION_MS / 1000} s with zero errors`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "weft-chaos-load-"));
    const server = await startServerProcess({ dataDir });
    const api = apiAt(() => server.url);
    try {
      await publish(api, threeStepWorkflow());
      const latencies: number[] = [];
      const errors: string[] = [];
      const t0 = Date.now();
      const rss: number[] = [];
      const sampler = setInterval(() => rss.push(rssMb(server.pid)), 5_000);
      let n = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (Date.now() - t0 < DURATION_MS) {
            const i = n++;
            const started = performance.now();
            try {
              const response = await fetch(`${server.url}/api/workflows/three-steps/instances`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ input: { n: i } }),
              });
              await response.arrayBuffer();
              if (response.status !== 202) errors.push(`start ${i}: ${response.status}`);
            } catch (error) {
              errors.push(`start ${i}: ${(error as Error).message}`);
            }
            latencies.push(performance.now() - started);
          }
        }),
      );
      const startWindowMs = Date.now() - t0;
      clearInterval(sampler);
      const completedAtEnd = await completedCount(server.url);
      // Then let the backlog drain and time it.
      const starts = latencies.length;
      const drainDeadline = Date.now() + (FULL ? 600_000 : 60_000);
      let completed = completedAtEnd;
      while (completed < starts && Date.now() < drainDeadline) {
        await sleep(200);
        completed = await completedCount(server.url);
      }
      const allDoneMs = Date.now() - t0;
      const failed = Number(/weft_instances\{status="failed"\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? 0);
      report("load", {
        clients: CLIENTS,
        durationS: DURATION_MS / 1000,
        starts,
        errors: errors.length,
        startsPerS: round((starts / startWindowMs) * 1000),
        completionsPerS: round((completed / allDoneMs) * 1000),
        completedDuringWindow: completedAtEnd,
        allCompletedAfterS: round(allDoneMs / 1000),
        p50StartMs: round(percentile(latencies, 50)),
        p99StartMs: round(percentile(latencies, 99)),
        maxStartMs: round(Math.max(...latencies)),
        failedInstances: failed,
        serverRssFirstMb: rss[0] ?? rssMb(server.pid),
        serverRssMaxMb: Math.max(rssMb(server.pid), ...rss),
        serverRssLastMb: rss.at(-1) ?? rssMb(server.pid),
      });
      expect(errors.slice(0, 5)).toEqual([]);
      expect(completed).toBe(starts);
      expect(failed).toBe(0);
    } finally {
      await server.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
