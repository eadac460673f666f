/**
 * What every scenario process shares: opening a store of the kind under test in a
 * fresh place (a temp directory, a fresh PostgreSQL schema), counting finished
 * instances without going through the engine, and reporting one result line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { TaskHubStore } from "@weft/engine";
import { createSqliteStore } from "@weft/store-sqlite";
import { createPostgresStore } from "@weft/store-postgres";

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** sqlite-full | sqlite-normal | pg (embedded worker) | pg-w1 / pg-w2 / pg-w4 (worker processes). */
export type Variant = "sqlite-full" | "sqlite-normal" | "pg" | "pg-w1" | "pg-w2" | "pg-w4";

export function workerProcesses(variant: Variant): number {
  const match = /^pg-w(\d+)$/.exec(variant);
  return match ? Number(match[1]) : 0;
}

export interface OpenedStore {
  store: TaskHubStore;
  /** Counts instances in a terminal status, straight from the database (no engine code). */
  countTerminal(): Promise<number>;
  /** Counts instances with this status, straight from the database. */
  countStatus(status: string): Promise<number>;
  /** The schema, for worker processes that join the same PostgreSQL store. */
  schema?: string;
  path?: string;
  close(): Promise<void>;
  /** Close then delete everything (the temp dir, the schema). */
  destroy(): Promise<void>;
}

const TERMINAL = "status IN ('completed','failed','terminated')";

/** Schemas this process created: child.ts drops them when a scenario fails halfway. */
export const createdSchemas = new Set<string>();

export function freshSchema(prefix = "bench"): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function openStore(
  variant: Variant,
  options: { dir?: string; schema?: string; poolSize?: number } = {},
): Promise<OpenedStore> {
  if (variant.startsWith("sqlite")) {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "weft-bench-"));
    const path = join(dir, "weft.db");
    const store = traced(await createSqliteStore({ path, synchronous: variant === "sqlite-normal" ? "NORMAL" : "FULL" }));
    // A second, read-only connection: WAL lets it read while the store writes.
    const reader = new Database(path, { readonly: true, fileMustExist: true });
    const count = reader.prepare(`SELECT count(*) AS n FROM instances WHERE ${TERMINAL}`);
    const byStatus = reader.prepare("SELECT count(*) AS n FROM instances WHERE status = ?");
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      reader.close();
      await store.close();
    };
    return {
      store,
      path: dir,
      countTerminal: async () => (count.get() as { n: number }).n,
      countStatus: async (status) => (byStatus.get(status) as { n: number }).n,
      close,
      async destroy() {
        await close();
        if (!options.dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = options.schema ?? freshSchema();
  createdSchemas.add(schema);
  const store = traced(
    await createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: options.poolSize ?? 10, applicationName: "weft-bench" }),
  );
  const stopSampler = samplePgWaits();
  const counter = new pg.Client({ connectionString: DATABASE_URL, application_name: "count" });
  await counter.connect();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await stopSampler();
    await counter.end();
    await store.close();
  };
  return {
    store,
    schema,
    countTerminal: async () =>
      Number((await counter.query(`SELECT count(*)::int AS n FROM "${schema}".instances WHERE ${TERMINAL}`)).rows[0].n),
    countStatus: async (status) =>
      Number((await counter.query(`SELECT count(*)::int AS n FROM "${schema}".instances WHERE status = $1`, [status])).rows[0].n),
    close,
    async destroy() {
      await close();
      if (!options.schema) await dropSchema(schema);
    },
  };
}

/** Resolves when `countTerminal()` reaches `n`; checks every `everyMs` (the measurement's resolution). */
export async function untilTerminal(opened: OpenedStore, n: number, timeoutMs = 600_000, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if ((await opened.countTerminal()) >= n) return;
    if (performance.now() > deadline) throw new Error(`only ${await opened.countTerminal()} of ${n} instances finished in ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const rssMb = () => process.memoryUsage().rss / 1048576;

/**
 * CPU time the whole machine has spent (all processes: Weft, its worker processes,
 * PostgreSQL), in seconds, from /proc/stat; undefined where there is none. The difference
 * over a run says whether a slower row did more work or waited more.
 */
export function machineCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}
/** Peak RSS of this process so far, in MB (resourceUsage reports kilobytes). */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The one line a scenario process prints for the runner. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`@@RESULT ${JSON.stringify({ ...result, ...storeTrace, peakRssMb: Math.round(peakRssMb()) })}\n`);
}

export const quiet = { onError: (error: unknown, where: string) => process.stderr.write(`worker error (${where}): ${String(error)}\n`) };

/**
 * BENCH_TRACE=1: counts every Store call of this process, the time until it settled
 * and the items it carried (turns per commit, work items per claim, results per
 * completion), reported as flat "store.<method>.<calls|ms|items>" numbers. The cost
 * is a Proxy and a performance.now() per call: keep it out of the timed runs.
 */
export const storeTrace: Record<string, number> = {};
export function traced(store: TaskHubStore): TaskHubStore {
  if (process.env.BENCH_TRACE !== "1") return store;
  const add = (key: string, by: number) => (storeTrace[key] = (storeTrace[key] ?? 0) + by);
  const itemsOf = (method: string, args: unknown[], result: unknown): number | undefined => {
    if (method === "commitTurns" || method === "completeActivities" || method === "renewActivityLeases")
      return (args[0] as unknown[]).length;
    if ((method === "claimOrchestrations" || method === "claimActivities") && Array.isArray(result)) return result.length;
    return undefined;
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      // Methods run on the store itself (its private fields do not exist on the proxy).
      if (typeof property !== "string" || property === "subscribe") return value.bind(target);
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const out = value.apply(target, args);
        const settle = (result: unknown) => {
          add(`store.${property}.calls`, 1);
          add(`store.${property}.ms`, performance.now() - t0);
          const items = itemsOf(property, args, result);
          if (items !== undefined) add(`store.${property}.items`, items);
          return result;
        };
        return out instanceof Promise ? out.then(settle) : settle(out);
      };
    },
  });
}

/**
 * BENCH_TRACE=1 on PostgreSQL: samples pg_stat_activity every 10 ms for the bench's
 * own sessions (application_name weft-bench*) and tallies what each non-idle session
 * is doing: "active|CPU" (running), "active|IO:WalSync" (waiting for the WAL flush),
 * "active|Lock:…" (row locks), "idle in transaction|Client:ClientRead" (a round trip
 * back to Node inside a transaction). Reported as "pg.<state|wait>" sample counts.
 */
export function samplePgWaits(): () => Promise<void> {
  if (process.env.BENCH_TRACE !== "1") return async () => {};
  const client = new pg.Client({ connectionString: DATABASE_URL, application_name: "sampler" });
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query(
        `SELECT state || '|' || coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n
           FROM pg_stat_activity WHERE application_name LIKE 'weft-bench%' AND state NOT IN ('idle') GROUP BY 1`,
      );
      storeTrace["pg.samples"] = (storeTrace["pg.samples"] ?? 0) + 1;
      for (const row of rows as { w: string; n: number }[]) storeTrace[`pg.${row.w}`] = (storeTrace[`pg.${row.w}`] ?? 0) + row.n;
      await sleep(10);
    }
    await client.end();
  })();
  return async () => {
    running = false;
    await loop;
  };
}
