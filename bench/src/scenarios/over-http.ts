/**
 * The "over HTTP" group (issue 15): Weft run as a user runs it — `weft start` as its own
 * process, on SQLite (the default, synchronous FULL) or PostgreSQL (DATABASE_URL) — and
 * driven only through the HTTP API, with drawn workflows (JSON definitions of util.echo
 * steps, saved and published over HTTP):
 *
 * - sequential: one instance of an n-step chain; steps/s from the start request to the
 *   completed instance;
 * - concurrent: n instances of a three-step chain started by 50 concurrent clients, each
 *   with a connection of its own, opened before the clock starts (as 50 programs would
 *   hold theirs: one shared pool opens its connections lazily and queues a client's first
 *   request behind the others' — measured at the server, up to 1.8 s late); instances/s
 *   from the first start to the last completion, and the start latency. The clients use
 *   undici's `request`, not `fetch`: with `fetch` the load generator spent ~1.1 ms of CPU
 *   per request and saturated its core (1.5 s of CPU in 1.4 s), so the latency it
 *   reported was partly its own queue;
 * - xacts: PostgreSQL transactions committed per step of an n-step chain, counted by
 *   pg_stat_database in a database of its own.
 */
import pg from "pg";
import { Agent, request } from "undici";
import { DATABASE_URL, type Variant, createdSchemas, dropSchema, freshSchema, report, sleep } from "../common.js";
import { api, percentile, publish, startServer } from "./http.js";

const CLIENTS = 50;
/** How often the bench asks whether the work is done: the resolution of the figures (runs last seconds). */
const POLL_MS = 20;
const TIMEOUT_MS = 600_000;
const TERMINAL = "completed,failed,terminated";
const UNFINISHED = "pending,running,suspended";

interface Weft {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** `weft start` on a free loopback port; resolves once /api/health answers 200. */
async function startWeft(variant: Variant, databaseUrl?: string): Promise<Weft> {
  let env: Record<string, string> = {};
  let schema: string | undefined;
  if (databaseUrl !== undefined) env = { DATABASE_URL: databaseUrl };
  else if (variant === "pg") {
    schema = freshSchema("bench_http");
    createdSchemas.add(schema);
    env = { DATABASE_URL, WEFT_DB_SCHEMA: schema };
  } else if (variant !== "sqlite-full") throw new Error(`the over-HTTP group runs on sqlite-full or pg, not ${variant}`);
  const server = await startServer(env);
  const close = async () => {
    await server.close();
    if (schema) await dropSchema(schema);
  };
  try {
    const deadline = performance.now() + 60_000;
    for (;;) {
      const response = await fetch(`${server.url}/api/health`).catch(() => undefined);
      if (response?.status === 200) break;
      await response?.body?.cancel();
      if (performance.now() > deadline) throw new Error(`${server.url}/api/health did not answer 200 within 60 s`);
      await sleep(50);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url: server.url, pid: server.child.pid as number, close };
}

/** A drawn workflow: start → `steps` util.echo activities in a chain → end. */
function echoChain(id: string, steps: number): { id: string } {
  const at = (i: number) => ({ x: i * 200, y: 0 });
  const nodes: Record<string, unknown>[] = [{ id: "start", type: "start", position: at(0) }];
  const edges: Record<string, unknown>[] = [];
  let previous = "start";
  for (let i = 1; i <= steps; i++) {
    nodes.push({ id: `echo${i}`, type: "activity", activity: "util.echo", input: "input", position: at(i) });
    edges.push({ id: `e${i}`, source: previous, target: `echo${i}` });
    previous = `echo${i}`;
  }
  nodes.push({ id: "end", type: "end", position: at(steps + 1) });
  edges.push({ id: "eEnd", source: previous, target: "end" });
  return { id, name: id, nodes, edges } as { id: string };
}

/**
 * Resolves when no instance of `workflowId` is left unfinished. One indexed list query
 * with limit 1 per poll: GET /api/instances/:id would read the whole history each time
 * (thousands of events near the end of a 1,000-step chain), and the polling would then
 * weigh on the server it measures.
 */
async function untilNoneUnfinished(url: string, workflowId: string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const page = await api(url, `/api/instances?workflow=${workflowId}&status=${UNFINISHED}&limit=1`, "GET");
    if (page.items.length === 0) return;
    if (performance.now() > deadline) throw new Error(`instances of ${workflowId} still unfinished after ${TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** Every instance of `workflowId` in a terminal status, by status (after the timing). */
async function terminalCounts(url: string, workflowId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const page: { items: { status: string }[]; nextCursor: string | null } = await api(
      url,
      `/api/instances?workflow=${workflowId}&status=${TERMINAL}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      "GET",
    );
    for (const item of page.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

const storeName = (variant: Variant) => (variant === "pg" ? "postgres" : "sqlite (FULL)");

/** One instance of an n-step drawn chain, started and watched over HTTP. */
export async function sequentialOverHttp(variant: Variant, n: number): Promise<void> {
  const weft = await startWeft(variant);
  try {
    const workflowId = "bench-http-chain";
    await publish(weft.url, echoChain(workflowId, n));
    const t0 = performance.now();
    const { instanceId } = await api(weft.url, `/api/workflows/${workflowId}/instances`, "POST", { input: { n } });
    await untilNoneUnfinished(weft.url, workflowId);
    const ms = performance.now() - t0;
    const instance = await api(weft.url, `/api/instances/${instanceId}`, "GET");
    if (instance.status !== "completed") throw new Error(`the ${n}-step chain ended ${instance.status}: ${JSON.stringify(instance.error)}`);
    report({ value: (n / ms) * 1000, unit: "steps/s", ms, n, store: storeName(variant), pollMs: POLL_MS });
  } finally {
    await weft.close();
  }
}

/** n instances of a three-step drawn chain, started by 50 concurrent HTTP clients. */
export async function concurrentOverHttp(variant: Variant, n: number): Promise<void> {
  const weft = await startWeft(variant);
  try {
    const workflowId = "bench-http-three";
    await publish(weft.url, echoChain(workflowId, 3));
    const latencies: number[] = [];
    // Each client's first start is also the server's first run of that code on a fresh
    // process (and one of 50 arriving at once): reported apart, as the tail.
    const firsts: number[] = [];
    const later: number[] = [];
    // Each client connects before the clock starts, as a program that talks to Weft holds a
    // keep-alive connection: the figures are those of the starts, not of 50 TCP handshakes
    // and of the load generator's own first use of its HTTP client.
    const connections = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const connection = new Agent({ connections: 1 });
        const health = await request(`${weft.url}/api/health`, { dispatcher: connection });
        await health.body.text();
        return connection;
      }),
    );
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      connections.map(async (connection) => {
        let first = true;
        try {
          while (next < n) {
            const i = next++;
            const s = performance.now();
            const response = await request(`${weft.url}/api/workflows/${workflowId}/instances`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ input: { i } }),
              dispatcher: connection,
            });
            const text = await response.body.text();
            if (response.statusCode !== 202) throw new Error(`start ${i}: ${response.statusCode} ${text}`);
            const latency = performance.now() - s;
            latencies.push(latency);
            (first ? firsts : later).push(latency);
            first = false;
          }
        } finally {
          await connection.close();
        }
      }),
    );
    const startMs = performance.now() - t0;
    await untilNoneUnfinished(weft.url, workflowId);
    const ms = performance.now() - t0;
    const counts = await terminalCounts(weft.url, workflowId);
    if (counts.completed !== n) throw new Error(`expected ${n} completed instances, got ${JSON.stringify(counts)}`);
    latencies.sort((a, b) => a - b);
    firsts.sort((a, b) => a - b);
    later.sort((a, b) => a - b);
    report({
      value: (n / ms) * 1000,
      unit: "instances/s",
      ms,
      n,
      clients: CLIENTS,
      startMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1),
      firstStartsP50Ms: percentile(firsts, 50),
      firstStartsMaxMs: firsts.at(-1),
      laterStartsP99Ms: percentile(later, 99),
      store: storeName(variant),
    });
  } finally {
    await weft.close();
  }
}

/**
 * PostgreSQL transactions per sequential step: the xact_commit delta of a database of
 * our own (other sessions share the server) from just before the start request to the
 * moment the bench sees the n-step chain completed — the server's idle polling in that
 * window included.
 *
 * PostgreSQL backends publish their counters lazily (at most once a second while busy,
 * within 10 s once idle), so at both ends the server process is frozen (SIGSTOP) and
 * the bench waits until its backends have flushed before reading. The bench's own
 * completion check runs on a connection to that database inside one transaction that
 * is rolled back at the end: it adds no commit to the count (an HTTP poll would add
 * one per request).
 */
export async function pgXactsPerStep(_variant: Variant, n: number): Promise<void> {
  const database = `bench_http_xacts_${process.pid}`;
  const adminUrl = DATABASE_URL;
  const databaseUrl = withDatabase(DATABASE_URL, database);
  const admin = new pg.Client({ connectionString: adminUrl, application_name: "bench-http-xacts" });
  await admin.connect();
  let weft: Weft | undefined;
  let watcher: pg.Client | undefined;
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
    weft = await startWeft("pg", databaseUrl);
    const workflowId = "bench-http-xacts";
    await publish(weft.url, echoChain(workflowId, n));

    watcher = new pg.Client({ connectionString: databaseUrl, application_name: "bench-http-xacts-watch" });
    await watcher.connect();
    await watcher.query("BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY");

    const before = await settledCommits(admin, database, weft.pid);
    const t0 = performance.now();
    const { instanceId } = await api(weft.url, `/api/workflows/${workflowId}/instances`, "POST", { input: { n } });
    const deadline = performance.now() + TIMEOUT_MS;
    for (;;) {
      const { rows } = await watcher.query("SELECT status FROM weft.instances WHERE instance_id = $1", [instanceId]);
      if (rows[0] && TERMINAL.split(",").includes(rows[0].status)) break;
      if (performance.now() > deadline) throw new Error(`the ${n}-step chain did not finish in ${TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
    const ms = performance.now() - t0;
    const after = await settledCommits(admin, database, weft.pid);
    await watcher.query("ROLLBACK");

    const instance = await api(weft.url, `/api/instances/${instanceId}`, "GET");
    if (instance.status !== "completed") throw new Error(`the ${n}-step chain ended ${instance.status}: ${JSON.stringify(instance.error)}`);
    const xacts = after - before;
    report({ value: xacts / n, unit: "xacts/step", xacts, n, ms, stepsPerSecond: (n / ms) * 1000, store: "postgres" });
  } finally {
    await watcher?.end().catch(() => undefined);
    await weft?.close();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** PostgreSQL's idle backends flush pending statistics after at most 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_000;

/** xact_commit of `database` with the server frozen and every backend's counters flushed. */
async function settledCommits(admin: pg.Client, database: string, serverPid: number): Promise<number> {
  const read = async () =>
    Number((await admin.query("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", [database])).rows[0].xact_commit);
  process.kill(serverPid, "SIGSTOP");
  try {
    await sleep(STATS_FLUSH_MS);
    // The snapshot of a transaction's statistics is cached until it ends: each read is its own transaction here.
    let value = await read();
    for (;;) {
      await sleep(1000);
      const again = await read();
      if (again === value) return value;
      value = again;
    }
  } finally {
    process.kill(serverPid, "SIGCONT");
  }
}
