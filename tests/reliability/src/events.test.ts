import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectorWorkflow } from "./support/definitions.js";
import { type Event, historyProblems } from "./support/history-checks.js";
import { FULL } from "./support/paths.js";
import { report } from "./support/results.js";
import { apiAt, publish, type ServerProcess, sleep, startServerProcess } from "./support/server-process.js";

// Scenario 3. Full: 1,000 instances × 10 events = 10,000 events, 10 kills.
const BATCHES = FULL ? 10 : 2;
const PER_BATCH = FULL ? 100 : 25;
const EVENTS_EACH = 10;

describe("early and concurrent events", () => {
  it(`loses none of ${BATCHES * PER_BATCH * EVENTS_EACH} events raised before the wait, ten at once, with a SIGKILL between raise and consumption`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "weft-chaos-events-"));
    let server: ServerProcess = await startServerProcess({ dataDir });
    const api = apiAt(() => server.url);
    const sent = new Map<string, string[]>();
    let raised = 0;
    let kills = 0;
    const startedAt = Date.now();
    try {
      await publish(api, collectorWorkflow());
      for (let batch = 0; batch < BATCHES; batch++) {
        const ids: string[] = [];
        for (let i = 0; i < PER_BATCH; i++) {
          const id = `collect-${batch}-${i}`;
          ids.push(id);
          // Even instances are still in their pause when the events come (no waiter yet);
          // odd ones are already waiting, or about to.
          const delayMs = i % 2 === 0 ? 2_000 : 0;
          const r = await api("/api/workflows/event-collector/instances", { json: { instanceId: id, input: { n: EVENTS_EACH, delayMs } } });
          expect(r.status).toBe(202);
        }
        // Ten events at once for each instance.
        await Promise.all(
          ids.map(async (id) => {
            const payloads = Array.from({ length: EVENTS_EACH }, (_, k) => `${id}#${k}`);
            sent.set(id, payloads);
            const answers = await Promise.all(payloads.map((p) => api(`/api/instances/${id}/events/ping`, { json: { id: p } })));
            for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(202);
            raised += answers.length;
          }),
        );
        // Every raise was acknowledged; kill before the instances consume them.
        await server.kill("SIGKILL");
        kills += 1;
        server = await startServerProcess({ dataDir });
      }

      // An event for an unknown instance is an error to the caller, never a silent drop.
      const unknown = await api("/api/instances/no-such-instance/events/ping", { json: { id: "x" } });
      expect(unknown.status).toBe(404);

      let lost = 0;
      let duplicated = 0;
      const problems: string[] = [];
      const deadline = Date.now() + (FULL ? 300_000 : 60_000);
      for (const [id, payloads] of sent) {
        let detail: any;
        for (;;) {
          detail = (await api(`/api/instances/${id}`)).body;
          if (detail.status === "completed") break;
          if (detail.status !== "running") throw new Error(`${id}: ${detail.status} ${JSON.stringify(detail.error)}`);
          if (Date.now() > deadline) {
            lost +=
              payloads.length -
              ((await api(`/api/instances/${id}/history`)).body.events as Event[]).filter((e) => e.type === "EventRaised").length;
            break;
          }
          await sleep(20);
        }
        if (detail.status !== "completed") continue;
        const got = (detail.output as Array<{ id: string }>).map((p) => p.id);
        lost += payloads.filter((p) => !got.includes(p)).length;
        duplicated += got.length - new Set(got).size;
        const events = (await api(`/api/instances/${id}/history`)).body.events as Event[];
        for (const p of historyProblems(events)) problems.push(`${id}: ${p}`);
        const raisedEvents = events.filter((e) => e.type === "EventRaised").length;
        if (raisedEvents !== payloads.length) problems.push(`${id}: ${raisedEvents} EventRaised for ${payloads.length} raises`);
      }
      report("events", {
        instances: sent.size,
        eventsRaised: raised,
        kills,
        lost,
        duplicated,
        unknownInstanceStatus: unknown.status,
        historyProblems: problems.length,
        elapsedS: Math.round((Date.now() - startedAt) / 1000),
      });
      expect(lost).toBe(0);
      expect(duplicated).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await server.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
