import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CRASH_STEPS, crashExpected, crashWorkflow } from "./support/definitions.js";
import { historyProblems } from "./support/history-checks.js";
import { FULL } from "./support/paths.js";
import { startRecorder } from "./support/recorder.js";
import { report } from "./support/results.js";
import { apiAt, publish, type ServerProcess, sleep, startServerProcess } from "./support/server-process.js";

// Scenario 1. Full: 200 instances × 5 activities, 20 SIGKILLs every 0.5–5 s.
const INSTANCES = FULL ? 200 : 24;
const KILLS = FULL ? 20 : 4;
const KILL_EVERY: [number, number] = FULL ? [500, 5000] : [500, 1500];
const ACTIVITY_CONCURRENCY = FULL ? 8 : 4;
const TIMER_MS = FULL ? 3000 : 500;
const RECORDER_DELAY: [number, number] = FULL ? [100, 600] : [50, 250];

describe("crash: the server process SIGKILLed at random moments", () => {
  it(`completes all ${INSTANCES} instances with the right output, every side effect at least once, extra runs bounded by the kills, histories sound`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "weft-chaos-crash-"));
    const recorder = await startRecorder({ minDelayMs: RECORDER_DELAY[0], maxDelayMs: RECORDER_DELAY[1] });
    const env = { WEFT_HTTP_ALLOW_PRIVATE: "true", WEFT_ACTIVITY_CONCURRENCY: String(ACTIVITY_CONCURRENCY), WEFT_DEMO_TIME_SCALE: "0.01" };
    let server: ServerProcess = await startServerProcess({ dataDir, env });
    const api = apiAt(() => server.url);
    const startedAt = Date.now();
    try {
      await publish(api, crashWorkflow(recorder.url, TIMER_MS));

      // Start the instances while the kills go on: a start that meets a dead server is
      // retried with the same instance id (409 = it got in before the kill).
      let restarting: Promise<void> = Promise.resolve();
      const startAll = (async () => {
        for (let i = 0; i < INSTANCES; i++) {
          for (;;) {
            await restarting;
            const r = await api("/api/workflows/crash-pipeline/instances", { json: { instanceId: `crash-${i}`, input: { n: i } } }).catch(
              () => undefined,
            );
            if (r && (r.status === 202 || r.status === 409)) break;
            await sleep(50);
          }
        }
      })();

      let kills = 0;
      let killsWithWorkPending = 0;
      const restartMs: number[] = [];
      while (kills < KILLS) {
        await sleep(KILL_EVERY[0] + Math.random() * (KILL_EVERY[1] - KILL_EVERY[0]));
        let release!: () => void;
        restarting = new Promise((resolve) => (release = resolve));
        await server.kill("SIGKILL");
        kills += 1;
        if (recorder.total() < INSTANCES * CRASH_STEPS.length) killsWithWorkPending += 1;
        const t0 = Date.now();
        server = await startServerProcess({ dataDir, env });
        restartMs.push(Date.now() - t0);
        release();
      }
      await startAll;

      // Let everything finish on the last server.
      const deadline = Date.now() + (FULL ? 600_000 : 60_000);
      const output = new Map<number, unknown>();
      while (output.size < INSTANCES) {
        for (let i = 0; i < INSTANCES; i++) {
          if (output.has(i)) continue;
          const { body } = await api(`/api/instances/crash-${i}`);
          if (body?.status === "completed") output.set(i, body.output);
          else if (["failed", "terminated"].includes(body?.status))
            throw new Error(`crash-${i} ended ${body.status}: ${JSON.stringify(body.error)}`);
        }
        if (output.size < INSTANCES) {
          if (Date.now() > deadline)
            throw new Error(`${INSTANCES - output.size} instances did not complete; server stderr: ${server.stderr().slice(-2000)}`);
          await sleep(200);
        }
      }
      const elapsedMs = Date.now() - startedAt;

      // Right output.
      for (let i = 0; i < INSTANCES; i++) expect(output.get(i), `crash-${i}`).toEqual(crashExpected(i));

      // Sound histories: no seq twice, no task answered twice, one terminal event.
      const problems: string[] = [];
      for (let i = 0; i < INSTANCES; i++) {
        const { body } = await api(`/api/instances/crash-${i}/history`);
        for (const p of historyProblems(body.events)) problems.push(`crash-${i}: ${p}`);
        const completed = body.events.filter((e: { type: string }) => e.type === "TaskCompleted").length;
        if (completed !== CRASH_STEPS.length) problems.push(`crash-${i}: ${completed} TaskCompleted, expected ${CRASH_STEPS.length}`);
      }
      expect(problems).toEqual([]);

      // Every side effect at least once; at-least-once means a kill may repeat the calls it interrupted.
      let missing = 0;
      let maxPerStep = 0;
      for (let i = 0; i < INSTANCES; i++) {
        for (const step of CRASH_STEPS) {
          const n = recorder.calls.get(`crash-${i}/${step}`) ?? 0;
          if (n === 0) missing += 1;
          maxPerStep = Math.max(maxPerStep, n);
        }
      }
      const effects = INSTANCES * CRASH_STEPS.length;
      const extraRuns = recorder.total() - effects + missing;
      expect(missing, "side effects never recorded").toBe(0);
      expect(recorder.calls.size, "calls from unknown instances or steps").toBe(effects);
      // Per step: at most one extra run per kill. In all: a kill can only repeat the
      // activities in flight at that moment (at most the activity concurrency).
      expect(maxPerStep).toBeLessThanOrEqual(1 + kills);
      expect(extraRuns).toBeLessThanOrEqual(kills * ACTIVITY_CONCURRENCY);

      report("crash", {
        instances: INSTANCES,
        activities: effects,
        kills,
        killsWithWorkPending,
        completed: output.size,
        wrongOutputs: 0,
        historyProblems: problems.length,
        sideEffectsMissing: missing,
        activityCalls: recorder.total(),
        extraRuns,
        maxRunsOfOneActivity: maxPerStep,
        maxRestartMs: Math.max(...restartMs),
        elapsedS: Math.round(elapsedMs / 1000),
      });
    } finally {
      await server.kill("SIGKILL");
      await recorder.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
