import { execSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, type Cluster, fiveStepWorkflow, historyProblems, postgresAvailable, startCluster, startRecorder } from "./cluster.js";

let available = false;
let cluster: Cluster | undefined;
let recorder: Awaited<ReturnType<typeof startRecorder>> | undefined;
beforeAll(async () => {
  available = await postgresAvailable();
});
afterEach(async () => {
  await cluster?.stop();
  recorder?.close();
  cluster = undefined;
  recorder = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publishAndStart(
  c: Cluster,
  recorderUrl: string,
  count: number,
  options: { raiseGo: boolean; definition?: Record<string, unknown> },
): Promise<string[]> {
  const definition = options.definition ?? fiveStepWorkflow(recorderUrl);
  expect((await api(c.url, "/api/workflows/five-steps", { method: "PUT", json: definition })).status).toBe(200);
  expect((await api(c.url, "/api/workflows/five-steps/publish", { method: "POST" })).status).toBe(201);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, k) => {
        const started = await api(c.url, "/api/workflows/five-steps/instances", {
          method: "POST",
          json: { input: { n: i + k }, instanceId: `run-${i + k}` },
        });
        expect(started.status).toBe(202);
        if (options.raiseGo)
          expect((await api(c.url, `/api/instances/run-${i + k}/events/go`, { method: "POST", json: { ok: i + k } })).status).toBe(202);
        return started.body.instanceId as string;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

async function countByStatus(c: Cluster, status: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page: { body: { items: unknown[]; nextCursor: string | null } } = await api(
      c.url,
      `/api/instances?workflow=five-steps&status=${status}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    total += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return total;
}

async function expectAllCompletedCorrectly(c: Cluster, ids: string[]): Promise<void> {
  for (const id of ids) {
    const detail = await api(c.url, `/api/instances/${id}`);
    expect(detail.body.status, `${id}: ${JSON.stringify(detail.body.error)}`).toBe("completed");
    const n = Number(id.slice(4));
    expect(detail.body.output).toEqual({ n, steps: ["a", "b", "c", "d"], go: { ok: n } });
    const history = await api(c.url, `/api/instances/${id}/history`);
    expect(historyProblems(history.body.events), id).toEqual([]);
  }
}

describe("many worker processes on one PostgreSQL", () => {
  it("300 instances finish with three workers SIGKILLed and restarted throughout; nothing lost or duplicated, and no more extra activity runs than kills", async (ctx) => {
    if (!available) return ctx.skip();
    recorder = await startRecorder();
    // One activity at a time per worker: a kill then interrupts at most one activity, so
    // "extra runs ≤ kills" can be checked for the whole run, not only per activity.
    cluster = await startCluster({ workers: 3, env: { WEFT_LEASE_MS: "5000", WEFT_ACTIVITY_CONCURRENCY: "1" } });
    const c = cluster;
    const ids = await publishAndStart(c, recorder.url, 300, { raiseGo: true });
    let kills = 0;
    const deadline = Date.now() + 180_000;
    while ((await countByStatus(c, "completed")) < ids.length) {
      expect(Date.now()).toBeLessThan(deadline);
      if (kills < 12) {
        const victim = Math.floor(Math.random() * 3);
        await c.kill(victim);
        kills += 1;
        await sleep(100 + Math.random() * 300);
        c.startWorker(victim);
      }
      await sleep(400 + Math.random() * 800);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    await expectAllCompletedCorrectly(c, ids);
    // Every activity's side effect happened; an activity ran again at most once per kill.
    const runs = [...recorder.counts.entries()].filter(([path]) => path.startsWith("/run?"));
    expect(runs.length).toBe(ids.length * 4);
    for (const [, count] of runs) expect(count).toBeLessThanOrEqual(1 + kills);
    const extra = runs.reduce((sum, [, count]) => sum + count - 1, 0);
    expect(extra).toBeLessThanOrEqual(kills);
    console.log(`scale-out: 300 instances, 3 workers, ${kills} SIGKILLs, ${extra} repeated activity runs of ${runs.length}`);
  });

  it("a worker stopped (SIGSTOP) past its lease cannot commit when it resumes: the new owner's result is the one recorded", async (ctx) => {
    if (!available) return ctx.skip();
    recorder = await startRecorder();
    cluster = await startCluster({ workers: 1, env: { WEFT_LEASE_MS: "3000" } });
    const c = cluster;
    const slow = fiveStepWorkflow(recorder.url);
    // Only step "a" matters here: its first call (by the worker about to be stopped) is held open.
    (slow.nodes as { id: string; input?: string }[]).forEach((node) => {
      if (node.id === "a") node.input = `{ "url": "${recorder!.url}/run?instance=" & instance.id & "&step=a&slow=1", "method": "POST" }`;
    });
    // The first call of step "a" is answered only after the worker that made it was stopped
    // and resumed (never by timing: on a busy machine the test could stop it too late).
    let held: (() => void) | undefined;
    recorder.server.removeAllListeners("request");
    recorder.server.on("request", (req, res) => {
      const key = req.url ?? "";
      recorder!.counts.set(key, (recorder!.counts.get(key) ?? 0) + 1);
      const step = new URL(key, "http://x").searchParams.get("step");
      res.setHeader("content-type", "application/json");
      const answer = () => res.end(JSON.stringify({ step }));
      if (key.includes("slow=1") && held === undefined) held = answer;
      else setTimeout(answer, 5);
    });
    const [id] = await publishAndStart(c, recorder.url, 1, { raiseGo: true, definition: slow });
    const slowKey = () => [...recorder!.counts.keys()].find((k) => k.includes("step=a"));
    while (!slowKey()) await sleep(20);
    // The held call (the variant above was published, not the plain five steps).
    expect(slowKey()).toContain("slow=1");
    await c.kill(0, "SIGSTOP");
    c.startWorker(1);
    // The stopped worker's lease lapses; the second worker runs the step again and the run finishes.
    const deadline = Date.now() + 60_000;
    while ((await api(c.url, `/api/instances/${id}`)).body.status !== "completed") {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(100);
    }
    c.workers[0]?.kill("SIGCONT");
    held?.();
    await sleep(2500);
    await expectAllCompletedCorrectly(c, [id as string]);
    const history = await api(c.url, `/api/instances/${id}/history`);
    const told = JSON.stringify({
      calls: Object.fromEntries(recorder.counts),
      events: history.body.events.map((e: { type: string; taskId?: number }) => `${e.type}${e.taskId ?? ""}`),
    });
    expect(recorder.counts.get(slowKey() as string), told).toBe(2);
    const stepA = history.body.events.find(
      (e: { type: string; tags?: { nodeId?: string } }) => e.type === "TaskScheduled" && e.tags?.nodeId === "a",
    );
    expect(
      history.body.events.filter((e: { type: string; taskId?: number }) => e.type === "TaskCompleted" && e.taskId === stepA.taskId),
    ).toHaveLength(1);
  });

  it("200 running instances all finish across a PostgreSQL restart", async (ctx) => {
    if (!available) return ctx.skip();
    const clusters = readdirSync("/etc/postgresql", { withFileTypes: true }).filter((d) => d.isDirectory());
    if (clusters.length === 0 || process.getuid?.() !== 0) {
      if (process.env.CI === "true") throw new Error("The PostgreSQL restart test needs root and pg_ctlcluster in CI.");
      return ctx.skip();
    }
    recorder = await startRecorder();
    cluster = await startCluster({ workers: 2 });
    const c = cluster;
    const ids = await publishAndStart(c, recorder.url, 200, { raiseGo: false });
    await sleep(500);
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${clusters[0]?.name} main restart`, { stdio: "ignore", timeout: 60_000 });
    for (const id of ids) await api(c.url, `/api/instances/${id}/events/go`, { method: "POST", json: { ok: Number(id.slice(4)) } });
    const deadline = Date.now() + 120_000;
    while ((await countByStatus(c, "completed")) < ids.length) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(500);
    }
    await expectAllCompletedCorrectly(c, ids);
  });
});
