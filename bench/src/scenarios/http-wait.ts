/**
 * Issue 15's waiting workload over HTTP: `weft start` (SQLite, synchronous FULL) with n
 * instances of a drawn start → waitForEvent "go" → end, started with the batch endpoint
 * (POST /api/workflows/:id/instances/batch, 1,000 per request, 4 clients), then one "go"
 * raised on each with the filter endpoint (POST /api/events/go, a page of 1,000 per request,
 * one client following nextCursor).
 *
 * Reported: the server process's RSS while every instance waits (VmRSS from
 * /proc/<pid>/status, the highest of samples over a few seconds) and its peak so far
 * (VmHWM: the starts), and the events delivered per second, from the first raise request
 * to the last instance completed, with the server's CPU time per event meanwhile (user +
 * system from /proc/<pid>/stat: steadier than the rate on a shared machine).
 *
 * The workload goes through HTTP only. Progress is read from the database file by the
 * bench, read-only (WAL lets a reader beside the owner): any HTTP way of counting 100,000
 * instances by status would cost the server it measures a scan per poll.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Variant, report, sleep } from "../common.js";
import { api, publish, startServer } from "./http.js";

const WORKFLOW = "bench-http-wait";
const EVENT = "go";
const BATCH = 1000;
const START_CLIENTS = 4;
/** The resolution of the timings: a poll is a count over an index in the bench's own process. */
const POLL_MS = 50;
const RSS_SAMPLES = 30;
const RSS_SAMPLE_MS = 100;
const TIMEOUT_MS = 900_000;

export async function waitingOverHttp(variant: Variant, n: number): Promise<void> {
  if (variant !== "sqlite-full") throw new Error(`http-wait runs on sqlite-full, not ${variant}`);
  const dataDir = mkdtempSync(join(tmpdir(), "weft-bench-wait-"));
  const server = await startServer({ WEFT_DATA_DIR: dataDir });
  let db: Database.Database | undefined;
  try {
    await untilHealthy(server.url);
    const pid = server.child.pid as number;
    await publish(server.url, waiter(WORKFLOW));
    db = new Database(join(dataDir, "weft.db"), { readonly: true, fileMustExist: true });
    const counts = statusCounter(db);
    const loadBefore = loadavg()[0];

    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: START_CLIENTS }, async () => {
        while (next < n) {
          const size = Math.min(BATCH, n - next);
          next += size;
          const body = await api(server.url, `/api/workflows/${WORKFLOW}/instances/batch`, "POST", {
            items: Array.from({ length: size }, () => ({})),
          });
          const refused = body.results.filter((r: { status: string }) => r.status !== "started");
          if (refused.length > 0) throw new Error(`a batch start refused ${refused.length} item(s): ${JSON.stringify(refused[0])}`);
        }
      }),
    );
    const startMs = performance.now() - t0;
    await until(() => {
      const c = counts();
      if ((c.failed ?? 0) > 0) throw new Error(`${c.failed} instance(s) failed while starting`);
      return (c.running ?? 0) === n;
    }, "every instance waiting");
    const allWaitingMs = performance.now() - t0;

    const rssWaiting: number[] = [];
    for (let i = 0; i < RSS_SAMPLES; i++) {
      rssWaiting.push(memoryOf(pid).rssMb);
      await sleep(RSS_SAMPLE_MS);
    }
    const peakWhileStartingMb = memoryOf(pid).peakMb;

    const cpuBefore = cpuMsOf(pid);
    const t1 = performance.now();
    let raised = 0;
    let requests = 0;
    let cursor: string | null = null;
    do {
      const body: { results: { status: string }[]; nextCursor: string | null } = await api(server.url, `/api/events/${EVENT}`, "POST", {
        filter: { workflow: WORKFLOW, ...(cursor ? { cursor } : {}) },
        payload: { ok: true },
      });
      raised += body.results.filter((r) => r.status === "raised").length;
      cursor = body.nextCursor;
      requests++;
    } while (cursor);
    const raiseMs = performance.now() - t1;
    if (raised !== n) throw new Error(`the filter endpoint raised ${raised} events, expected ${n}`);
    await until(() => (counts().completed ?? 0) === n, "every instance completed");
    const deliverMs = performance.now() - t1;
    const deliverCpuMs = cpuMsOf(pid) - cpuBefore;
    const final = counts();
    if (final.completed !== n) throw new Error(`expected ${n} completed instances, got ${JSON.stringify(final)}`);

    report({
      value: (n / deliverMs) * 1000,
      unit: "events/s",
      n,
      serverRssWaitingMb: Math.max(...rssWaiting),
      serverRssWaitingMinMb: Math.min(...rssWaiting),
      serverPeakRssStartingMb: peakWhileStartingMb,
      serverPeakRssMb: memoryOf(pid).peakMb,
      startMs,
      startsPerSecond: (n / startMs) * 1000,
      allWaitingMs,
      raiseMs,
      raiseRequests: requests,
      deliverMs,
      serverCpuUsPerEvent: (deliverCpuMs * 1000) / n,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg()[0],
      store: "sqlite (FULL)",
    });
  } finally {
    db?.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** start → waitForEvent "go" → end, as drawn in the designer. */
function waiter(id: string): { id: string } {
  const at = (i: number) => ({ x: i * 200, y: 0 });
  return {
    id,
    name: id,
    nodes: [
      { id: "start", type: "start", position: at(0) },
      { id: "wait", type: "waitForEvent", event: EVENT, position: at(1) },
      { id: "end", type: "end", position: at(2) },
    ],
    edges: [
      { id: "e1", source: "start", target: "wait" },
      { id: "e2", source: "wait", target: "end" },
    ],
  } as { id: string };
}

function statusCounter(db: Database.Database): () => Record<string, number> {
  const statement = db.prepare("SELECT status, COUNT(*) AS n FROM instances GROUP BY status");
  return () => Object.fromEntries((statement.all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not reached within ${TIMEOUT_MS} ms: ${what}`);
    await sleep(POLL_MS);
  }
}

async function untilHealthy(url: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const response = await fetch(`${url}/api/health`).catch(() => undefined);
    if (response?.status === 200) return;
    await response?.body?.cancel();
    if (performance.now() > deadline) throw new Error(`${url}/api/health did not answer 200 within 60 s`);
    await sleep(50);
  }
}

/** User + system CPU time the process has used, in ms (Linux counts it in ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The fields after the command name (which may hold spaces, hence the last ")") start at
  // the 3rd: utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The process's resident set now and its peak so far, in MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb("VmRSS") / 1024), peakMb: Math.round(kb("VmHWM") / 1024) };
}
