/**
 * Store-level timing of the PostgreSQL store: the same sequences of Store calls for any
 * version of the store, timed in Node, with PostgreSQL's own counters for its own
 * database (`postgres_store_bench`, created and dropped here, so other sessions' work
 * does not count). Not a test and not part of the build; compare versions by pointing
 * STORE at another copy of the store (an older commit's src/index.ts works, via tsx):
 *
 *   npm run build -w @weft/store-postgres
 *   cd packages/store-postgres && LOCAL=1 npx tsx bench/store-calls.ts
 *   git show <commit>:packages/store-postgres/src/… > /tmp/old/src/…   # each file; then
 *   STORE=/tmp/old/src/index.ts npx tsx bench/store-calls.ts           # (LOCAL=1 needs the issue-15 port)
 *
 * Options: STEPS (300), N (500), LOOPS (4), ONLY=seq,local,fan, SETTLE_MS (11000: the
 * statistics of idle sessions reach pg_stat_database ~10 s later).
 */
import pg from "pg";
import type { ActivityWorkItem, OrchestrationWorkItem, Store, TurnCommit } from "@weft/engine";

const ADMIN_URL = process.env.WEFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DB = process.env.BENCH_DB ?? "postgres_store_bench";
const URL_ = Object.assign(new URL(ADMIN_URL), { pathname: `/${DB}` }).toString();
const storePath = process.env.STORE ?? new URL("../dist/index.js", import.meta.url).pathname;
const T0 = Date.UTC(2020, 0, 1);
const LEASE = 60_000;

const { createPostgresStore } = (await import(storePath)) as {
  createPostgresStore: (o: { connectionString: string; schema: string; poolSize?: number }) => Promise<Store & { close(): Promise<void> }>;
};

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
await admin.query(`CREATE DATABASE ${DB}`);
const stats = new pg.Client({ connectionString: URL_ });
await stats.connect();

async function counters(): Promise<{ commits: number; walBytes: number }> {
  await stats.query("SELECT pg_stat_clear_snapshot()");
  const r = await stats.query<{ xact_commit: string }>("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", [DB]);
  const w = await stats.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  const [hi, lo] = (w.rows[0]?.lsn ?? "0/0").split("/").map((x) => parseInt(x, 16));
  return { commits: Number(r.rows[0]?.xact_commit ?? 0), walBytes: (hi ?? 0) * 2 ** 32 + (lo ?? 0) };
}

/** pg_stat_database is updated when a backend reports (at most every ~1 s, and ~10 s after it goes idle): wait for it. */
async function settledCounters(): Promise<{ commits: number; walBytes: number }> {
  await new Promise((r) => setTimeout(r, Number(process.env.SETTLE_MS ?? 11_000)));
  return counters();
}

const local = process.env.LOCAL === "1";
const results: Record<string, unknown> = { store: storePath, local };

function turnFor(item: OrchestrationWorkItem, extra: Partial<TurnCommit>, at: number): TurnCommit {
  const seq = item.instance.lastSeq;
  return {
    instanceId: item.instance.instanceId,
    leaseToken: item.leaseToken,
    consumedMessageIds: item.messages.map((m) => m.id),
    events: [{ seq: seq + 1, type: "OrchestratorStarted", at: new Date(at).toISOString() }],
    update: { lastSeq: seq + 1, status: "running" },
    messages: [],
    activities: [],
    instances: [],
    ...extra,
  };
}

const task = (instanceId: string, taskId: number, claim: boolean) => ({
  instanceId,
  executionId: "e1",
  taskId,
  name: "work",
  input: { n: taskId },
  attempt: 1,
  ...(claim ? { claimFor: { owner: "bench", leaseMs: LEASE } } : {}),
});

const done = (instanceId: string, taskId: number) => ({
  instanceId,
  executionId: "e1",
  event: { type: "TaskCompleted" as const, at: new Date(T0).toISOString(), taskId, result: taskId },
});

/** Scenario-1 shape through the queues: claim instance → commit (schedule) → claim task → complete. */
async function sequentialQueue(store: Store, steps: number): Promise<void> {
  await store.createInstance({ instanceId: "seq", name: "bench", executionId: "e1", input: null }, T0);
  const before = await settledCounters();
  const started = performance.now();
  const calls: Record<string, number[]> = { claimOrchestrations: [], commitTurns: [], claimActivities: [], completeActivities: [] };
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await run();
    calls[name]?.push(performance.now() - t);
    return value;
  };
  for (let step = 1; step <= steps; step += 1) {
    const [item] = await timed("claimOrchestrations", () =>
      store.claimOrchestrations({ owner: "bench", limit: 1, leaseMs: LEASE, now: T0 }),
    );
    if (!item) throw new Error("nothing to claim");
    await timed("commitTurns", () => store.commitTurns([turnFor(item, { activities: [task("seq", step, false)] }, T0)], T0));
    const [claimed] = await timed("claimActivities", () => store.claimActivities({ owner: "bench", limit: 1, leaseMs: LEASE, now: T0 }));
    if (!claimed) throw new Error("no task");
    await timed("completeActivities", () =>
      store.completeActivities([{ id: claimed.id, leaseToken: claimed.leaseToken, message: done("seq", step) }], T0),
    );
  }
  const ms = performance.now() - started;
  const pct = (xs: number[], q: number) => +([...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? 0).toFixed(2);
  results["sequential via the queues: ms per call p10/p50/p90"] = Object.fromEntries(
    Object.entries(calls).map(([k, v]) => [k, `${pct(v, 0.1)} / ${pct(v, 0.5)} / ${pct(v, 0.9)}`]),
  );
  const after = await settledCounters();
  results["sequential via the queues"] = {
    steps,
    msPerStep: +(ms / steps).toFixed(3),
    stepsPerSecond: Math.round((steps * 1000) / ms),
    commitsPerStep: +((after.commits - before.commits - 1) / steps).toFixed(2),
  };
}

/** Scenario-1 shape with local dispatch: one commitTurns per step (local turn completing the task, scheduling the next claimed). */
async function sequentialLocal(store: Store, steps: number): Promise<void> {
  await store.createInstance({ instanceId: "loc", name: "bench", executionId: "e1", input: null }, T0);
  const [item] = await store.claimOrchestrations({ owner: "bench", limit: 1, leaseMs: LEASE, now: T0 });
  if (!item) throw new Error("nothing to claim");
  let [outcome] = await store.commitTurns([turnFor(item, { activities: [task("loc", 1, true)] }, T0)], T0);
  let held: ActivityWorkItem | undefined = outcome?.claimed[0];
  let lastSeq = 1;
  const before = await settledCounters();
  const started = performance.now();
  for (let step = 2; step <= steps + 1; step += 1) {
    if (!held) throw new Error("no claimed task");
    const turn: TurnCommit = {
      instanceId: "loc",
      local: { lastSeq, executionId: "e1", completes: [{ id: held.id, leaseToken: held.leaseToken }] },
      consumedMessageIds: [],
      events: [
        { seq: lastSeq + 1, type: "TaskCompleted", at: new Date(T0).toISOString(), taskId: step - 1, result: step - 1 } as never,
        { seq: lastSeq + 2, type: "TaskScheduled", at: new Date(T0).toISOString(), taskId: step, name: "work" } as never,
      ],
      update: { lastSeq: lastSeq + 2 },
      messages: [],
      activities: [task("loc", step, true)],
      instances: [],
    };
    [outcome] = await store.commitTurns([turn], T0);
    if (!outcome?.committed) throw new Error(`local turn ${step} rejected`);
    held = outcome.claimed[0];
    lastSeq += 2;
  }
  const ms = performance.now() - started;
  const after = await settledCounters();
  results["sequential, local dispatch"] = {
    steps,
    msPerStep: +(ms / steps).toFixed(3),
    stepsPerSecond: Math.round((steps * 1000) / ms),
    commitsPerStep: +((after.commits - before.commits - 1) / steps).toFixed(2),
  };
}

/**
 * Scenario-2 shape: `n` instances × 3 steps, `workers` loops sharing the store, each
 * claiming up to 50 at a time and committing what it claimed as one batch.
 */
async function fanIn(store: Store, n: number, workers: number): Promise<void> {
  const before = await settledCounters();
  const started = performance.now();
  const ids = Array.from({ length: n }, (_, i) => `many-${i}`);
  const inits = ids.map((instanceId) => ({ instanceId, name: "bench", executionId: "e1", input: null }));
  const create = (store as { createInstances?: Store["createInstances"] }).createInstances;
  if (create) {
    for (let i = 0; i < inits.length; i += 100) await create.call(store, inits.slice(i, i + 100), T0);
  } else {
    await Promise.all(inits.map((init) => store.createInstance(init, T0)));
  }
  const createdMs = performance.now() - started;
  let finished = 0;
  const commitTimes: number[] = [];
  const steps = new Map<string, number>();
  const loop = async (): Promise<void> => {
    while (finished < n) {
      let idle = true;
      const items = await store.claimOrchestrations({ owner: "bench", limit: 50, leaseMs: LEASE, now: T0 });
      if (items.length > 0) {
        idle = false;
        const turns = items.map((item) => {
          const id = item.instance.instanceId;
          const step = (steps.get(id) ?? 0) + 1;
          steps.set(id, step);
          return step <= 3
            ? turnFor(item, { activities: [task(id, step, false)] }, T0)
            : turnFor(item, { update: { lastSeq: item.instance.lastSeq + 1, status: "completed" } }, T0);
        });
        const t = performance.now();
        const outcomes = await store.commitTurns(turns, T0);
        commitTimes.push(performance.now() - t);
        turns.forEach((turn, i) => {
          const ok = typeof outcomes[i] === "boolean" ? outcomes[i] : (outcomes[i] as { committed: boolean }).committed;
          if (ok && turn.update.status === "completed") finished += 1;
        });
      }
      const tasks = await store.claimActivities({ owner: "bench", limit: 50, leaseMs: LEASE, now: T0 });
      if (tasks.length > 0) {
        idle = false;
        await store.completeActivities(
          tasks.map((t) => ({ id: t.id, leaseToken: t.leaseToken, message: done(t.instanceId, t.taskId) })),
          T0,
        );
      }
      if (idle) await new Promise((r) => setTimeout(r, 1));
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  const ms = performance.now() - started;
  const after = await settledCounters();
  commitTimes.sort((a, b) => a - b);
  results[`${n} instances × 3 steps, ${workers} loops`] = {
    instancesPerSecond: Math.round((n * 1000) / ms),
    startsMs: Math.round(createdMs),
    totalMs: Math.round(ms),
    commitTurnsCalls: commitTimes.length,
    commitTurnsMsMedian: +(commitTimes[Math.floor(commitTimes.length / 2)] ?? 0).toFixed(2),
    transactions: after.commits - before.commits,
    walMB: +((after.walBytes - before.walBytes) / 1e6).toFixed(1),
  };
}

const schema = (name: string) => `bench_${name}`;
const only = process.env.ONLY?.split(",");
for (const [name, run] of [
  ["seq", (s: Store) => sequentialQueue(s, Number(process.env.STEPS ?? 300))],
  ...(local ? ([["local", (s: Store) => sequentialLocal(s, Number(process.env.STEPS ?? 300))]] as const) : []),
  ["fan", (s: Store) => fanIn(s, Number(process.env.N ?? 500), Number(process.env.LOOPS ?? 4))],
] as const) {
  if (only && !only.includes(name)) continue;
  const store = await createPostgresStore({ connectionString: URL_, schema: schema(name) });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}
console.log(JSON.stringify(results, null, 2));
await stats.end();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();
