import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countInstances, hugeMapWorkflow, probeHugeMap, probeSelfCall, SELF_CALLER } from "./support/limit-probes.js";
import { FULL } from "./support/paths.js";
import { report } from "./support/results.js";
import { apiAt, publish, type ServerProcess, sleep, startServerProcess } from "./support/server-process.js";

// Issue #23, findings 2 and 4, and bounded shutdown. Before the limits: a workflow calling
// itself started 7,500 instances in 75 s (1.65 GB, /api/health silent for over 30 s, SIGTERM
// ignored); a map over [1..200000] held the event loop 15 s before failing on the history limit.

const CONFIG = fileURLToPath(new URL("../fixtures/self-calling.config.mjs", import.meta.url));
const HEALTH_BAR_MS = 100;
const DEPTH = 10;
const figures: Record<string, number | string | boolean> = {};

async function warmUp(server: ServerProcess): Promise<void> {
  const api = apiAt(() => server.url);
  await publish(api, hugeMapWorkflow("warm-up", 20));
  const started = await api("/api/workflows/warm-up/instances", { json: { input: {} } });
  for (let i = 0; i < 200; i++) {
    const { body } = await api(`/api/instances/${started.body.instanceId}`);
    if (body?.status === "completed") return;
    await sleep(25);
  }
  throw new Error("the warm-up run did not complete");
}

async function withServer<T>(env: Record<string, string>, body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-limits-"));
  const server = await startServerProcess({ dataDir, env, args: ["--config", CONFIG] });
  try {
    return await body(server);
  } finally {
    await server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

afterAll(() => {
  report("security-limits", figures);
});

describe("engine limits keep a hostile workflow from taking the server down", () => {
  let server: ServerProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "weft-limits-"));
    server = await startServerProcess({ dataDir, args: ["--config", CONFIG] });
    // The first commits of a fresh database are slow while SQLite's files grow (one measured
    // 84 ms, its fsync holding the event loop): warm up with one small run, so the probes
    // measure the hostile workload, not the first write.
    await warmUp(server);
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stops a workflow that calls itself at the depth limit with a clear error, while /api/health answers under 100 ms", async () => {
    const api = apiAt(() => server.url);
    const result = await probeSelfCall(api, server.url);
    Object.assign(figures, {
      selfCallInstances: result.instancesStarted,
      selfCallSettledMs: result.settledMs,
      selfCallHealthP99Ms: result.healthP99Ms,
      selfCallHealthMaxMs: result.healthMaxMs,
    });
    expect(result.settled, "the root instance ended").toBe(true);
    expect(result.status).toBe("failed");
    expect(result.errorName).toBe("SubOrchestrationDepthExceeded");
    expect(result.errorMessage).toContain(`the limit is ${DEPTH}`);
    expect(result.errorMessage).toContain("WEFT_MAX_SUBWORKFLOW_DEPTH");
    // The root and ten levels below it: nothing else was created.
    expect(result.instancesStarted).toBe(DEPTH + 1);
    expect(result.healthFailures).toBe(0);
    expect(result.healthMaxMs).toBeLessThan(HEALTH_BAR_MS);
  });

  it("fails a map over [1..200000] fast with a clear error, one at a time and several at once, while /api/health answers under 100 ms", async () => {
    const api = apiAt(() => server.url);
    // The finding's map: its items expression already passes the expressions' sequence limit (100,000).
    const finding = await probeHugeMap(api, server.url, { items: 200_000, concurrent: 1 });
    // Under that limit, the map's own limit (10,000 items) is what stops it.
    const one = await probeHugeMap(api, server.url, { items: 50_000, concurrent: 1 });
    const several = await probeHugeMap(api, server.url, { items: 50_000, concurrent: FULL ? 16 : 4 });
    Object.assign(figures, {
      map200kSettledMs: finding.settledMs,
      map200kHealthMaxMs: finding.healthMaxMs,
      map50kSettledMs: one.settledMs,
      map50kHealthMaxMs: one.healthMaxMs,
      map50kAtOnce: several.statuses.length,
      map50kAtOnceSettledMs: several.settledMs,
      map50kAtOnceHealthP99Ms: several.healthP99Ms,
      map50kAtOnceHealthMaxMs: several.healthMaxMs,
    });
    expect(finding.statuses).toEqual(["failed"]);
    expect(["MapItemsExceeded", "ExpressionError"]).toContain(finding.errorNames[0]);
    for (const result of [one, several]) {
      expect(new Set(result.statuses)).toEqual(new Set(["failed"]));
      expect(new Set(result.errorNames)).toEqual(new Set(["MapItemsExceeded"]));
      expect(result.errorMessage).toContain("the limit is 10,000");
      expect(result.errorMessage).toContain("WEFT_MAX_MAP_ITEMS");
    }
    for (const result of [finding, one, several]) {
      expect(result.settled).toBe(true);
      expect(result.settledMs).toBeLessThan(10_000);
      expect(result.healthFailures).toBe(0);
      expect(result.healthMaxMs).toBeLessThan(HEALTH_BAR_MS);
    }
  });

  it("runs a map of the maximum size, all items in flight at once, while /api/health keeps answering", async () => {
    const api = apiAt(() => server.url);
    const result = await probeHugeMap(api, server.url, { items: 10_000, maxConcurrency: 10_000, concurrent: 1, timeoutMs: 60_000 });
    Object.assign(figures, {
      map10kInFlightSettledMs: result.settledMs,
      map10kInFlightHealthP99Ms: result.healthP99Ms,
      map10kInFlightHealthMaxMs: result.healthMaxMs,
      map10kInFlightHealthChecks: result.healthChecks,
    });
    expect(result.statuses).toEqual(["completed"]);
    expect(result.settledMs).toBeLessThan(30_000);
    expect(result.healthFailures).toBe(0);
    expect(result.healthP99Ms).toBeLessThan(HEALTH_BAR_MS);
  });
});

describe("weft start stops within a bounded time under load", () => {
  /** Starts the hostile workload without waiting for it: maps at and over the limit, and the self-call. */
  async function load(server: ServerProcess): Promise<void> {
    const api = apiAt(() => server.url);
    await publish(api, hugeMapWorkflow("map-over-limit", 200_000));
    await publish(api, hugeMapWorkflow("map-at-limit", 10_000));
    const starts = [
      ...Array.from({ length: 4 }, () => api("/api/workflows/map-over-limit/instances", { json: { input: {} } })),
      ...Array.from({ length: 4 }, () => api("/api/workflows/map-at-limit/instances", { json: { input: {} } })),
      ...Array.from({ length: 4 }, () => api(`/api/workflows/${SELF_CALLER}/instances`, { json: { input: 0 } })),
    ];
    for (const started of await Promise.all(starts)) expect(started.status, JSON.stringify(started.body)).toBe(202);
    // Let the work get going: thousands of activities and turns in flight.
    await sleep(1_500);
    expect(await countInstances(api)).toBeGreaterThan(12);
  }

  /** Publishes and starts a workflow whose one activity sleeps for ten minutes (it honours its abort signal). */
  async function startLongSleep(server: ServerProcess): Promise<void> {
    const api = apiAt(() => server.url);
    const sleeper = hugeMapWorkflow("long-sleep", 1);
    (sleeper.nodes[2] as Record<string, unknown>).activity = "util.sleep";
    (sleeper.nodes[2] as Record<string, unknown>).input = '{ "ms": 600000 }';
    await publish(api, sleeper);
    expect((await api("/api/workflows/long-sleep/instances", { json: { input: {} } })).status).toBe(202);
    await sleep(1_000);
  }

  async function stopWith(server: ServerProcess, signals: number): Promise<{ ms: number; code: number | null }> {
    const t0 = Date.now();
    for (let i = 0; i < signals; i++) {
      if (i > 0) await sleep(200);
      process.kill(server.pid, "SIGTERM");
    }
    const code = await server.exited;
    return { ms: Date.now() - t0, code };
  }

  it("exits within WEFT_SHUTDOWN_TIMEOUT_MS of a SIGTERM under load", async () => {
    const boundMs = 10_000;
    const once = await withServer({ WEFT_SHUTDOWN_TIMEOUT_MS: String(boundMs) }, async (server) => {
      await load(server);
      return stopWith(server, 1);
    });
    Object.assign(figures, { sigtermUnderLoadExitMs: once.ms, sigtermUnderLoadExitCode: String(once.code) });
    expect(once.ms).toBeLessThan(boundMs + 1_000);
    expect(once.code, "a graceful stop").toBe(0);
  });

  it("exits at once on a second signal, although the graceful stop would wait for a running activity", async () => {
    const twice = await withServer({ WEFT_SHUTDOWN_TIMEOUT_MS: "10000" }, async (server) => {
      await startLongSleep(server);
      return stopWith(server, 2);
    });
    figures.secondSignalExitMs = twice.ms;
    // The first signal alone would give the sleeping activity 6 s (60% of the bound).
    expect(twice.ms).toBeLessThan(1_500);
  });

  it("exits within the bound although an activity is still running", async () => {
    const boundMs = 2_000;
    const result = await withServer({ WEFT_SHUTDOWN_TIMEOUT_MS: String(boundMs) }, async (server) => {
      await startLongSleep(server);
      return stopWith(server, 1);
    });
    figures.sigtermWithRunningActivityMs = result.ms;
    expect(result.ms).toBeLessThan(boundMs + 1_000);
  });
});
