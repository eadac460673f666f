import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it, onTestFinished, vi } from "vitest";
import {
  createClient,
  createWorker,
  toIso,
  type ActivityContext,
  type HistoryEvent,
  type OrchestrationContext,
  type OrchestrationWorkItem,
  type StoreNotification,
  type TurnCommit,
  type TurnOutcome,
} from "@weft/engine";
import { type Store } from "@weft/workflow-store";
import { describeStoreContract } from "@weft/engine/testing";
import { describeWorkflowStoreContract } from "@weft/workflow-store/testing";
import { planClaimActivities } from "./activities.js";
import { createPostgresStore, SCHEMA_VERSION, type PostgresStore, type PostgresStoreOptions } from "./index.js";
import { Database, type Statement } from "./connection.js";
import { channelFor } from "./notifications.js";
import { MIGRATIONS } from "./schema.js";
import { DATABASE_URL, describeWithPostgres } from "./test-support/postgres.js";

/** Every session this file opens carries this prefix in application_name, so checks see only ours. */
const APP = `weft-test-${randomBytes(3).toString("hex")}`;

const T0 = Date.UTC(2020, 0, 1);

/** Which turns of a commitTurns call committed. */
const committed = (outcomes: readonly TurnOutcome[]): boolean[] => outcomes.map((outcome) => outcome.committed);
const LEASE_MS = 30_000;

await describeWithPostgres("PostgreSQL store", `${APP}-probe`, definePostgresTests);

function definePostgresTests(): void {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 3, application_name: `${APP}-admin` });
  admin.on("error", () => undefined);
  afterAll(() => admin.end());

  let sessions = 0;
  /** A fresh application_name per store, so one store's sessions can be found (and terminated). */
  const appName = (): string => `${APP}-${++sessions}`;
  const freshSchema = (): string => `weft_t_${randomBytes(6).toString("hex")}`;
  const dropSchema = async (schema: string): Promise<void> => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };

  const freshStore = async () => {
    const schema = freshSchema();
    const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() });
    return { store, cleanup: () => dropSchema(schema) };
  };
  describeStoreContract("postgres", freshStore);
  describeWorkflowStoreContract("postgres", freshStore);

  /** A fresh schema for this test, dropped when it finishes (after its stores are closed). */
  function testSchema(): string {
    const schema = freshSchema();
    onTestFinished(() => dropSchema(schema));
    return schema;
  }

  /** Opens a store that is closed when the test finishes. */
  async function open(schema: string, options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
    const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName(), ...options });
    onTestFinished(() => store.close());
    return store;
  }

  async function backends(applicationName: string): Promise<number[]> {
    const result = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
    return result.rows.map((row) => row.pid);
  }

  async function terminate(applicationName: string): Promise<number> {
    const result = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [applicationName],
    );
    return result.rowCount ?? 0;
  }

  /**
   * No session of this file stays idle inside a transaction (a leaked BEGIN would hold
   * locks for ever). A session may show the state for an instant between the messages
   * of a pipelined transaction (a store's coalesced NOTIFY goes out in the background),
   * so the check waits up to 2 s for it to pass; a leaked transaction never does.
   */
  async function expectNoIdleInTransaction(): Promise<void> {
    await eventually(async () => {
      const result = await admin.query<{ application_name: string; state: string; query: string }>(
        `SELECT application_name, state, query FROM pg_stat_activity
          WHERE application_name LIKE $1 AND state LIKE 'idle in transaction%'`,
        [`${APP}%`],
      );
      expect(result.rows).toEqual([]);
    }, 2_000);
  }

  const eventually = <T>(check: () => T | Promise<T>, timeout = 10_000): Promise<T> => vi.waitFor(check, { timeout, interval: 20 });

  function startTurn(item: OrchestrationWorkItem, patch: Partial<TurnCommit> = {}): TurnCommit {
    const events: HistoryEvent[] = [
      { seq: item.instance.lastSeq + 1, type: "ExecutionStarted", at: toIso(T0) },
      { seq: item.instance.lastSeq + 2, type: "OrchestratorStarted", at: toIso(T0) },
    ];
    return {
      instanceId: item.instance.instanceId,
      leaseToken: item.leaseToken,
      consumedMessageIds: item.messages.map((m) => m.id),
      events,
      update: { lastSeq: item.instance.lastSeq + 2, status: "running" },
      messages: [],
      activities: [],
      instances: [],
      ...patch,
    };
  }

  async function createMany(store: Store, count: number, prefix = "inst"): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);
    for (const instanceId of ids)
      await store.createInstance({ instanceId, name: "pg-test", executionId: `${instanceId}-e1`, input: null }, T0);
    return ids;
  }

  async function claimItem(store: Store, instanceId: string, now = T0, leaseMs = LEASE_MS): Promise<OrchestrationWorkItem> {
    const items = await store.claimOrchestrations({ owner: "test", limit: 100, leaseMs, now });
    const item = items.find((candidate) => candidate.instance.instanceId === instanceId);
    if (!item) throw new Error(`expected to claim ${instanceId}`);
    return item;
  }

  describe("PostgreSQL store", () => {
    describe("the write path", () => {
      it("plans a transaction of prepared statements generically from the first run, and leaves other writes their custom plans", async () => {
        const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, application_name: appName() });
        onTestFinished(() => pool.end());
        const db = new Database({ pool, label: "test", afterCommit: () => undefined });
        const text = "SELECT current_setting('plan_cache_mode') AS mode, $1::integer AS n";
        const mode = (statements: Statement[]) => db.write("probe", statements, (results) => results[0]?.rows[0]?.mode as string);
        expect(await mode([{ text, values: [1], prepared: true }])).toBe("force_generic_plan");
        expect(await mode([{ text: `${text} -- not prepared`, values: [1] }])).toBe("auto");
        const plans = await db.read("plans", (c) =>
          c.query<{ generic_plans: string; custom_plans: string }>(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
            [text],
          ),
        );
        expect(plans.rows).toEqual([{ generic_plans: "1", custom_plans: "0" }]);
      });

      it("keeps reading workflows after another process adds a column to their tables (prepared reads name their columns)", async () => {
        const schema = testSchema();
        const store = await open(schema, { poolSize: 1 });
        await store.saveWorkflowDraft({ workflowId: "w", name: "W", draft: { nodes: [] } }, T0);
        await store.publishWorkflowVersion("w", { nodes: [] }, T0);
        // Prepared on the pool's one connection…
        expect((await store.getWorkflow("w"))?.latestVersion).toBe(1);
        expect((await store.getWorkflowVersion("w", 1))?.version).toBe(1);
        // …then a newer release's migration, run elsewhere, widens the tables.
        await admin.query(`ALTER TABLE "${schema}".workflows ADD COLUMN later_column TEXT`);
        await admin.query(`ALTER TABLE "${schema}".workflow_versions ADD COLUMN later_column TEXT`);
        expect((await store.getWorkflow("w"))?.latestVersion).toBe(1);
        expect((await store.getWorkflowVersion("w", 1))?.definition).toEqual({ nodes: [] });
      });
    });

    describe("migrations", () => {
      it("applies the migrations once, records their versions and does nothing on reopen", async () => {
        const schema = testSchema();
        const first = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() });
        expect(first.migration).toEqual({ from: 0, to: SCHEMA_VERSION });
        await first.close();
        const second = await open(schema);
        expect(second.migration).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
        const rows = await admin.query<{ version: number }>(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
        expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      });

      it("lets several processes start on a new schema at once: each migration runs once", async () => {
        const schema = testSchema();
        const stores = await Promise.all(Array.from({ length: 4 }, () => open(schema, { poolSize: 2 })));
        expect(stores.filter((s) => s.migration.from === 0)).not.toHaveLength(0);
        const rows = await admin.query<{ version: number }>(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
        expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        await stores[0]?.createInstance({ instanceId: "one", name: "n", executionId: "e", input: 1 }, T0);
        expect(await stores[3]?.getInstance("one")).toMatchObject({ instanceId: "one", input: 1 });
      });

      it("refuses a schema written by a newer Weft", async () => {
        const schema = testSchema();
        await (await open(schema)).close();
        await admin.query(`INSERT INTO "${schema}".schema_version (version, description, applied_at) VALUES (999, 'future', now())`);
        await expect(createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() })).rejects.toMatchObject({
          name: "StoreError",
          message: expect.stringContaining("newer than this Weft supports"),
        });
      });

      it("keeps stores on different schemas of one database apart", async () => {
        const [a, b] = [await open(testSchema()), await open(testSchema())];
        await a.createInstance({ instanceId: "same-id", name: "a", executionId: "e", input: "a" }, T0);
        expect(await b.getInstance("same-id")).toBeUndefined();
        await b.createInstance({ instanceId: "same-id", name: "b", executionId: "e", input: "b" }, T0);
        expect((await a.getInstance("same-id"))?.input).toBe("a");
      });
    });

    describe("many processes on one schema", () => {
      it("never lets two store objects claim the same instance (200 instances, concurrent claimers on both)", async () => {
        const schema = testSchema();
        const [a, b] = [await open(schema), await open(schema)];
        const created = await createMany(a, 200);
        const claimed: OrchestrationWorkItem[] = [];
        const claimer = async (store: Store, owner: string): Promise<void> => {
          for (let round = 0; round < 400 && claimed.length < created.length; round += 1) {
            claimed.push(...(await store.claimOrchestrations({ owner, limit: 7, leaseMs: LEASE_MS, now: T0 })));
          }
        };
        await Promise.all([a, b].flatMap((store, s) => [0, 1, 2, 3].map((k) => claimer(store, `s${s}-w${k}`))));
        const ids = claimed.map((item) => item.instance.instanceId);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(created);
        // Each claim holds: both stores commit their halves, every turn accepted.
        const halves = [claimed.filter((_, i) => i % 2 === 0), claimed.filter((_, i) => i % 2 === 1)];
        const results = await Promise.all([
          a.commitTurns(halves[0]?.map((item) => startTurn(item)) ?? [], T0),
          b.commitTurns(halves[1]?.map((item) => startTurn(item)) ?? [], T0),
        ]);
        expect(results.flat().every((outcome) => outcome.committed)).toBe(true);
        expect((await b.countInstances()).running).toBe(200);
        await expectNoIdleInTransaction();
      });

      it("never lets two store objects claim the same activity task (200 tasks, concurrent claimers on both)", async () => {
        const schema = testSchema();
        const [a, b] = [await open(schema), await open(schema)];
        await a.createInstance({ instanceId: "fan-out", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(a, "fan-out");
        const activities = Array.from({ length: 200 }, (_, i) => ({
          instanceId: "fan-out",
          executionId: "e1",
          taskId: i + 1,
          name: "work",
          input: i,
          attempt: 1,
        }));
        expect(committed(await a.commitTurns([startTurn(item, { activities })], T0))).toEqual([true]);

        const claimed: string[] = [];
        const claimer = async (store: Store, owner: string): Promise<void> => {
          for (let round = 0; round < 400 && claimed.length < 200; round += 1) {
            const tasks = await store.claimActivities({ owner, limit: 7, leaseMs: LEASE_MS, now: T0 });
            claimed.push(...tasks.map((t) => t.id));
          }
        };
        await Promise.all([a, b].flatMap((store, s) => [0, 1, 2, 3].map((k) => claimer(store, `s${s}-w${k}`))));
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed).toHaveLength(200);
        await expectNoIdleInTransaction();
      });

      it("rejects the commit of a worker whose lease lapsed while the new owner's commit succeeds (fencing)", async () => {
        const schema = testSchema();
        const [slow, fast] = [await open(schema), await open(schema)];
        await slow.createInstance({ instanceId: "fenced", name: "pg-test", executionId: "e1", input: null }, T0);
        const stale = await claimItem(slow, "fenced", T0, 5_000);
        // The slow worker stalls past its lease; another process takes the instance over.
        const current = await claimItem(fast, "fenced", T0 + 5_000, 5_000);
        expect(current.leaseToken).not.toBe(stale.leaseToken);
        expect(current.messages.map((m) => m.id)).toEqual(stale.messages.map((m) => m.id));

        // The slow worker wakes up believing its lease still runs (its clock says T0 + 1 s): the token fences it.
        const staleTurn = startTurn(stale, { update: { lastSeq: 2, status: "running", customStatus: "stale" } });
        expect(committed(await slow.commitTurns([staleTurn], T0 + 1_000))).toEqual([false]);
        expect(
          committed(
            await fast.commitTurns(
              [startTurn(current, { update: { lastSeq: 2, status: "running", customStatus: "current" } })],
              T0 + 5_001,
            ),
          ),
        ).toEqual([true]);
        // Too late now as well: the lease was released by the commit.
        expect(committed(await slow.commitTurns([staleTurn], T0 + 5_002))).toEqual([false]);

        expect(await slow.getInstance("fenced")).toMatchObject({ status: "running", customStatus: "current", lastSeq: 2 });
        expect((await fast.getHistory("fenced")).map((e) => e.seq)).toEqual([1, 2]);
      });

      it("rejects a lapsed activity lease's result once another worker re-claimed the task", async () => {
        const schema = testSchema();
        const [slow, fast] = [await open(schema), await open(schema)];
        await slow.createInstance({ instanceId: "act", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(slow, "act");
        const task = { instanceId: "act", executionId: "e1", taskId: 1, name: "work", input: null, attempt: 1 };
        expect(committed(await slow.commitTurns([startTurn(item, { activities: [task] })], T0))).toEqual([true]);
        const [stale] = await slow.claimActivities({ owner: "slow", limit: 1, leaseMs: 5_000, now: T0 });
        const [current] = await fast.claimActivities({ owner: "fast", limit: 1, leaseMs: 5_000, now: T0 + 5_000 });
        if (!stale || !current) throw new Error("the task should be claimed twice");
        expect(current.claimCount).toBe(2);
        const message = (result: string) => ({
          instanceId: "act",
          event: { type: "TaskCompleted" as const, at: toIso(T0), taskId: 1, result },
        });
        expect(await slow.renewActivityLeases([{ id: stale.id, leaseToken: stale.leaseToken }], 5_000, T0 + 1_000)).toEqual([]);
        expect(
          await slow.completeActivities([{ id: stale.id, leaseToken: stale.leaseToken, message: message("stale") }], T0 + 1_000),
        ).toEqual([false]);
        expect(
          await fast.completeActivities([{ id: current.id, leaseToken: current.leaseToken, message: message("fresh") }], T0 + 5_001),
        ).toEqual([true]);
        const next = await claimItem(slow, "act", T0 + 5_001);
        expect(next.messages.map((m) => m.event.result)).toEqual(["fresh"]);
      });
    });

    describe("worker liveness", () => {
      /** An instance 'held' leased by `owner` (30 s) with an activity task leased by `owner` too. */
      async function holdWork(store: PostgresStore, owner: string) {
        await store.createInstance({ instanceId: "held", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(store, "held");
        const task = { instanceId: "held", executionId: "e1", taskId: 1, name: "work", input: null, attempt: 1 };
        expect(committed(await store.commitTurns([startTurn(item, { activities: [task] })], T0))).toEqual([true]);
        // A second message, so the instance has work for whoever holds it next.
        expect(
          await store.enqueueMessage({ instanceId: "held", event: { type: "EventRaised", at: toIso(T0), name: "go", input: null } }),
        ).toBe("ok");
        const [activity] = await store.claimActivities({ owner, limit: 1, leaseMs: LEASE_MS, now: T0 });
        const [instance] = await store.claimOrchestrations({ owner, limit: 1, leaseMs: LEASE_MS, now: T0 });
        if (!activity || !instance) throw new Error("expected to claim the task and the instance");
        return { activity, instance };
      }

      /**
       * A worker process that registers as `owner`, does `work` and dies: its store's
       * sessions end without unregistering, as far as PostgreSQL can tell a SIGKILL.
       */
      async function diesHolding<T>(schema: string, owner: string, work: (store: PostgresStore) => Promise<T>): Promise<T> {
        const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() });
        await store.registerWorker(owner);
        try {
          return await work(store);
        } finally {
          await store.close();
        }
      }

      it("ends at once the leases of a registered worker whose session died; claim counts and fencing hold", async () => {
        const schema = testSchema();
        const survivor = await open(schema);
        const doomed = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() });
        await doomed.registerWorker("doomed");
        await survivor.registerWorker("survivor");
        const held = await holdWork(doomed, "doomed");
        // Alive: nothing is released, and its leases hold.
        expect(await survivor.releaseDeadWorkers(T0 + 1)).toBe(0);
        expect(await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 1 })).toEqual([]);

        // The process dies: its sessions end without unregistering.
        await doomed.close();
        expect(await survivor.releaseDeadWorkers(T0 + 2)).toBe(1);
        // Found once: a second check finds nobody.
        expect(await survivor.releaseDeadWorkers(T0 + 3)).toBe(0);
        // The instance at once; the activity task (a suspect now) after a 2 s pause, not the 30 s lease.
        const instance = await claimItem(survivor, "held", T0 + 3);
        expect(await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 2 + 1_999 })).toEqual([]);
        const [task] = await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 2 + 2_000 });
        expect(task?.id).toBe(held.activity.id);
        expect(task?.claimCount).toBe(2);
        expect(instance.leaseToken).not.toBe(held.instance.leaseToken);
        // Were the dead worker alive after all, its lease tokens would no longer commit.
        expect(committed(await survivor.commitTurns([startTurn(held.instance)], T0 + 4))).toEqual([false]);
        const message = { instanceId: "held", event: { type: "TaskCompleted" as const, at: toIso(T0), taskId: 1, result: 1 } };
        expect(
          await survivor.completeActivities([{ id: held.activity.id, leaseToken: held.activity.leaseToken, message }], T0 + 4),
        ).toEqual([false]);
      });

      it("claims queued tasks and owned (leased or reserved) ones through partial indexes of their own", async () => {
        const schema = testSchema();
        await open(schema);
        const s = `"${schema}"`;
        const client = await admin.connect();
        try {
          // Tiny tables are scanned whatever the indexes: forbid that to see which indexes can serve.
          await client.query("BEGIN");
          await client.query("SET LOCAL enable_seqscan = off");
          for (const names of [undefined, ["work"]]) {
            const plan = planClaimActivities(s, {
              owner: "me",
              limit: 5,
              leaseMs: LEASE_MS,
              now: T0,
              suspects: 1,
              ...(names ? { names } : {}),
            });
            const statement = plan.statements[0] as { text: string; values: unknown[] };
            const explained = await client.query(`EXPLAIN ${statement.text}`, statement.values);
            const text = explained.rows.map((row: { "QUERY PLAN": string }) => row["QUERY PLAN"]).join("\n");
            expect(text).toMatch(names ? /activity_tasks_queued(_by_name)?/ : /activity_tasks_queued/);
            expect(text).toMatch(/activity_tasks_owned/);
            expect(text).toMatch(/activity_tasks_reserved/);
            expect(text).not.toMatch(/Seq Scan on activity_tasks/);
          }
          const indexes = await client.query<{ indexname: string }>(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'activity_tasks'",
            [schema],
          );
          expect(indexes.rows.map((row) => row.indexname).sort()).toEqual([
            "activity_tasks_by_instance",
            "activity_tasks_owned",
            "activity_tasks_pkey",
            "activity_tasks_queued",
            "activity_tasks_queued_by_name",
            "activity_tasks_reserved",
          ]);
        } finally {
          await client.query("ROLLBACK");
          client.release();
        }
      });

      it("keeps a reserved task (sticky dispatch) for its owner's claims until the reservation ends, then for anyone; a dead owner's at once", async () => {
        const schema = testSchema();
        const store = await open(schema);
        const task = (instanceId: string, taskId: number, owner: string) => ({
          instanceId,
          executionId: "e1",
          taskId,
          name: "work",
          input: taskId,
          attempt: 1,
          reserveFor: { owner, forMs: 2_000 },
        });
        await store.createInstance({ instanceId: "mine", name: "pg-test", executionId: "e1", input: null }, T0);
        const [outcome] = await store.commitTurns(
          [startTurn(await claimItem(store, "mine"), { activities: [task("mine", 1, "me"), task("mine", 2, "me")] })],
          T0,
        );
        expect(outcome).toEqual({ committed: true, claimed: [] });
        const claim = (owner: string, now: number, limit = 5) => store.claimActivities({ owner, limit, leaseMs: LEASE_MS, now });
        // Not leased and not claimed: another worker does not see it while it is reserved …
        expect(await claim("other", T0 + 1_999)).toEqual([]);
        // … its owner does, and a claim counts as the first.
        const [first] = await claim("me", T0 + 1, 1);
        expect(first).toMatchObject({ taskId: 1, claimCount: 1, input: 1 });
        // Once the reservation has ended, anyone may take the rest.
        expect(await claim("other", T0 + 2_000)).toEqual([expect.objectContaining({ taskId: 2, claimCount: 1 })]);

        // Reserved for a worker that dies: free at once, not after the reservation.
        await store.createInstance({ instanceId: "theirs", name: "pg-test", executionId: "e1", input: null }, T0 + 3_000);
        const item = await claimItem(store, "theirs", T0 + 3_000);
        await diesHolding(schema, "doomed", async (doomed) => {
          const [committedTurn] = await doomed.commitTurns([startTurn(item, { activities: [task("theirs", 1, "doomed")] })], T0 + 3_000);
          expect(committedTurn?.committed).toBe(true);
        });
        expect(await claim("survivor", T0 + 3_001)).toEqual([]);
        expect(await store.releaseDeadWorkers(T0 + 3_002)).toBe(1);
        expect(await claim("survivor", T0 + 3_002)).toEqual([expect.objectContaining({ instanceId: "theirs", taskId: 1, claimCount: 1 })]);
      });

      it("pauses a dead worker's task 2 s after its first death and 5 s per death after that, so a poison cannot kill workers faster than they restart", async () => {
        const schema = testSchema();
        const survivor = await open(schema);
        await survivor.registerWorker("survivor");
        const held = await diesHolding(schema, "first", (store) => holdWork(store, "first"));
        expect(await survivor.releaseDeadWorkers(T0 + 10)).toBe(1);
        // The first death: claimable after 2 s.
        const [again] = await diesHolding(schema, "second", (store) =>
          store.claimActivities({ owner: "second", limit: 5, leaseMs: LEASE_MS, now: T0 + 10 + 2_000 }),
        );
        expect(again).toMatchObject({ id: held.activity.id, claimCount: 2 });
        expect(await survivor.releaseDeadWorkers(T0 + 20_000)).toBe(1);
        // The second: not before 5 s have passed, though the lease would run for 30 s.
        expect(await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 20_000 + 4_999 })).toEqual([]);
        const [third] = await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 20_000 + 5_000 });
        expect(third).toMatchObject({ id: held.activity.id, claimCount: 3 });
      });

      it("frees a dead worker's first-time tasks at once when it also held a task that had died before (the likelier poison)", async () => {
        const schema = testSchema();
        const survivor = await open(schema);
        await survivor.registerWorker("survivor");
        const held = await diesHolding(schema, "first", (store) => holdWork(store, "first"));
        expect(await survivor.releaseDeadWorkers(T0 + 10)).toBe(1);
        // A second worker takes the suspect (claim 2) and a fresh task (claim 1), and dies.
        const item = await claimItem(survivor, "held", T0 + 10);
        const fresh = { instanceId: "held", executionId: "e1", taskId: 2, name: "work", input: null, attempt: 1 };
        expect(
          committed(
            await survivor.commitTurns(
              [startTurn(item, { events: [], update: { lastSeq: item.instance.lastSeq }, activities: [fresh] })],
              T0 + 10,
            ),
          ),
        ).toEqual([true]);
        const claimed = await diesHolding(schema, "second", (store) =>
          store.claimActivities({ owner: "second", limit: 5, leaseMs: LEASE_MS, now: T0 + 2_010 }),
        );
        expect(claimed.map((t) => t.claimCount).sort()).toEqual([1, 2]);
        expect(await survivor.releaseDeadWorkers(T0 + 3_000)).toBe(1);
        // The fresh one at once; the suspect after 5 s.
        const [again] = await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 3_000 });
        expect(again).toMatchObject({ taskId: 2, claimCount: 2 });
        expect(await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 7_999 })).toEqual([]);
        const [suspect] = await survivor.claimActivities({ owner: "survivor", limit: 5, leaseMs: LEASE_MS, now: T0 + 8_000 });
        expect(suspect).toMatchObject({ id: held.activity.id, claimCount: 3 });
      });

      it("takes a worker whose LISTEN session was cut for dead, and registers it again when the session is back", async () => {
        const schema = testSchema();
        const application = appName();
        const cut = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: application });
        onTestFinished(() => cut.close());
        const other = await open(schema);
        await cut.registerWorker("cut");
        await holdWork(cut, "cut");
        expect(await terminate(`${application}:listen`)).toBe(1);
        await eventually(async () => expect(await other.releaseDeadWorkers(T0 + 1)).toBe(1));
        // Reconnected: alive again, not released twice.
        await eventually(() => expect(cut.listening).toBe(true));
        expect(await other.releaseDeadWorkers(T0 + 2)).toBe(0);
        const rows = await admin.query(`SELECT owner FROM "${schema}".workers`);
        expect(rows.rows).toEqual([{ owner: "cut" }]);
      });

      it("forgets a worker that unregisters, and never releases its own workers' leases", async () => {
        const schema = testSchema();
        const store = await open(schema);
        await store.registerWorker("me");
        await holdWork(store, "me");
        expect(await store.releaseDeadWorkers(T0 + 1)).toBe(0);
        expect(await store.claimActivities({ owner: "me", limit: 5, leaseMs: LEASE_MS, now: T0 + 1 })).toEqual([]);
        await store.unregisterWorker("me");
        expect((await admin.query(`SELECT owner FROM "${schema}".workers`)).rows).toEqual([]);
        // The lock went with the row: registering again works at once.
        await store.registerWorker("me");
        expect((await admin.query(`SELECT owner FROM "${schema}".workers`)).rows).toEqual([{ owner: "me" }]);
      });

      it("resumes a killed worker's instance within a second, not after its 30 s lease (the engine's liveness check)", async () => {
        const schema = testSchema();
        const [api, survivorStore] = [await open(schema), await open(schema)];
        const doomedStore = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: appName() });
        let hang = true;
        const started: string[] = [];
        const activities = {
          work: async (input: number, context: ActivityContext) => {
            started.push(context.idempotencyKey);
            // The doomed worker's run never finishes: its process is about to die.
            if (hang) await new Promise(() => undefined);
            return input + 1;
          },
        };
        const orchestrators = {
          *one(ctx: OrchestrationContext, input: number) {
            const result: number = yield ctx.callActivity("work", input);
            return result;
          },
        };
        const doomed = createWorker({
          store: doomedStore,
          orchestrators,
          activities,
          leaseMs: LEASE_MS,
          pollIntervalMs: 100,
          workerId: "doomed",
          onError: () => undefined,
        });
        doomed.start();
        const client = createClient({ store: api });
        const id = await client.start("one", 41);
        await eventually(() => expect(started).toHaveLength(1));
        // SIGKILL, as far as PostgreSQL can tell: the sessions end, nothing is unregistered.
        await doomedStore.close();
        hang = false;
        const survivor = createWorker({
          store: survivorStore,
          orchestrators,
          activities,
          leaseMs: LEASE_MS,
          pollIntervalMs: 100,
          livenessCheckMs: 200,
        });
        survivor.start();
        onTestFinished(() => survivor.stop());
        const begun = performance.now();
        const done = await client.waitForCompletion(id, { timeoutMs: 10_000 });
        expect(done.output).toBe(42);
        expect(performance.now() - begun).toBeLessThan(5_000);
        expect(started).toHaveLength(2);
      });
    });

    describe("notifications", () => {
      it("notifies another store object on the same schema, as another process would be", async () => {
        const schema = testSchema();
        const [writer, reader] = [await open(schema), await open(schema)];
        const seen: StoreNotification[] = [];
        reader.subscribe((n) => seen.push(n));
        await writer.createInstance({ instanceId: "remote", name: "pg-test", executionId: "e1", input: null }, T0);
        await eventually(() => {
          expect(seen).toContainEqual({ kind: "instance-changed", instanceId: "remote" });
          expect(seen).toContainEqual({ kind: "work-available", queue: "orchestration" });
        });
        const item = await claimItem(writer, "remote");
        seen.length = 0;
        const task = { instanceId: "remote", executionId: "e1", taskId: 1, name: "work", input: null, attempt: 1 };
        expect(committed(await writer.commitTurns([startTurn(item, { activities: [task] })], T0))).toEqual([true]);
        await eventually(() => expect(seen).toContainEqual({ kind: "work-available", queue: "activity" }));
      });

      it("does not notify a store on another schema", async () => {
        const [writer, other, same] = await (async () => {
          const schema = testSchema();
          return [await open(schema), await open(testSchema()), await open(schema)];
        })();
        const elsewhere: StoreNotification[] = [];
        const here: StoreNotification[] = [];
        other.subscribe((n) => elsewhere.push(n));
        same.subscribe((n) => here.push(n));
        await writer.createInstance({ instanceId: "private", name: "pg-test", executionId: "e1", input: null }, T0);
        await eventually(() => expect(here).toContainEqual({ kind: "instance-changed", instanceId: "private" }));
        expect(elsewhere).toEqual([]);
      });

      it("splits the changes of a large transaction over several payloads, losing none", async () => {
        const schema = testSchema();
        const [writer, reader] = [await open(schema), await open(schema)];
        const seen = new Set<string>();
        reader.subscribe((n) => {
          if (n.kind === "instance-changed") seen.add(n.instanceId);
        });
        await writer.createInstance({ instanceId: "parent", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(writer, "parent");
        // 400 children with 60-character ids: ~26 kB of ids, several NOTIFY payloads.
        const children = Array.from({ length: 400 }, (_, i) => ({
          instanceId: `child-${String(i).padStart(4, "0")}-${"x".repeat(49)}`,
          name: "child",
          executionId: `c${i}`,
          input: i,
          parentInstanceId: "parent",
          parentTaskId: i,
        }));
        expect(committed(await writer.commitTurns([startTurn(item, { instances: children })], T0))).toEqual([true]);
        await eventually(() => {
          expect(seen.has("parent")).toBe(true);
          for (const child of children) expect(seen.has(child.instanceId)).toBe(true);
        });
      });

      /** A raw LISTEN session on a schema's channel: the payloads other processes receive. */
      async function listenRaw(schema: string): Promise<string[]> {
        const client = new pg.Client({ connectionString: DATABASE_URL, application_name: `${APP}-raw-listen` });
        client.on("error", () => undefined);
        await client.connect();
        onTestFinished(() => client.end());
        const payloads: string[] = [];
        client.on("notification", (message) => payloads.push(message.payload ?? ""));
        await client.query(`LISTEN "${channelFor(schema)}"`);
        return payloads;
      }

      it("coalesces the NOTIFYs of many commits: 50 concurrent starts reach another process whole, in far fewer notifications", async () => {
        const schema = testSchema();
        const [writer, reader] = [await open(schema), await open(schema)];
        const payloads = await listenRaw(schema);
        const seen = new Set<string>();
        reader.subscribe((n) => {
          if (n.kind === "instance-changed") seen.add(n.instanceId);
        });
        const ids = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
        await Promise.all(
          ids.map((instanceId) => writer.createInstance({ instanceId, name: "pg-test", executionId: "e1", input: null }, T0)),
        );
        await eventually(() => expect([...seen].sort()).toEqual([...ids].sort()));
        // Each start is its own transaction; without coalescing that is 50 NOTIFYs.
        expect(payloads.length).toBeLessThan(25);
      });

      it("sends no NOTIFY while no other store listens on the schema, and starts again within about a second of one appearing", async () => {
        const schema = testSchema();
        const alone = await open(schema);
        // Not a store: it holds no listener lock, so it is not counted — it only watches.
        const payloads = await listenRaw(schema);
        const start = (instanceId: string) => alone.createInstance({ instanceId, name: "pg-test", executionId: "e1", input: null }, T0);
        await start("first");
        await new Promise((resolve) => setTimeout(resolve, 200));
        payloads.length = 0;
        for (let i = 0; i < 5; i += 1) {
          await start(`alone-${i}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(payloads).toEqual([]);
        const other = await open(schema);
        const seen = new Set<string>();
        other.subscribe((n) => {
          if (n.kind === "instance-changed") seen.add(n.instanceId);
        });
        let i = 0;
        await eventually(async () => {
          await start(`together-${(i += 1)}`);
          expect(seen.size).toBeGreaterThan(0);
        }, 5_000);
      });

      it("tells other processes nothing about tasks the committing worker claimed itself", async () => {
        const schema = testSchema();
        // Another store listening, so the writer has someone to tell.
        const [writer] = [await open(schema), await open(schema)];
        await writer.createInstance({ instanceId: "local", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(writer, "local");
        const payloads = await listenRaw(schema);
        const task = (taskId: number, claim: boolean) => ({
          instanceId: "local",
          executionId: "e1",
          taskId,
          name: "work",
          input: null,
          attempt: 1,
          ...(claim ? { claimFor: { owner: "me", leaseMs: LEASE_MS } } : {}),
        });
        const [outcome] = await writer.commitTurns([startTurn(item, { activities: [task(1, true), task(2, true)] })], T0);
        expect(outcome?.claimed.map((t) => t.taskId)).toEqual([1, 2]);
        await eventually(() => expect(payloads.join()).toContain('"local"'));
        expect(payloads.map((p) => JSON.parse(p) as { a?: 1 }).filter((p) => p.a === 1)).toEqual([]);
        // A task left in the queue is announced.
        await writer.enqueueMessage({ instanceId: "local", event: { type: "EventRaised", at: toIso(T0), name: "go" } });
        const next = await claimItem(writer, "local");
        const events: HistoryEvent[] = [{ seq: 3, type: "OrchestratorStarted", at: toIso(T0) }];
        expect(
          committed(await writer.commitTurns([startTurn(next, { events, update: { lastSeq: 3 }, activities: [task(3, false)] })], T0)),
        ).toEqual([true]);
        await eventually(() => expect(payloads.map((p) => JSON.parse(p) as { a?: 1 }).some((p) => p.a === 1)).toBe(true));
      });

      it("reconnects the LISTEN connection after pg_terminate_backend and notifies again", async () => {
        const schema = testSchema();
        const readerName = appName();
        const reader = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: readerName });
        onTestFinished(() => reader.close());
        const writer = await open(schema);
        const seen: StoreNotification[] = [];
        reader.subscribe((n) => seen.push(n));
        const before = await backends(`${readerName}:listen`);
        expect(before).toHaveLength(1);
        expect(reader.listening).toBe(true);

        expect(await terminate(`${readerName}:listen`)).toBe(1);
        // A new LISTEN session (another backend pid) proves the reconnect.
        await eventually(async () => {
          expect(reader.listening).toBe(true);
          const after = await backends(`${readerName}:listen`);
          expect(after).toHaveLength(1);
          expect(after[0]).not.toBe(before[0]);
        });
        // Notifications sent while it was away are lost, so everyone is told to look again.
        expect(seen).toContainEqual({ kind: "work-available", queue: "orchestration" });

        seen.length = 0;
        await writer.createInstance({ instanceId: "after-reconnect", name: "pg-test", executionId: "e1", input: null }, T0);
        await eventually(() => expect(seen).toContainEqual({ kind: "instance-changed", instanceId: "after-reconnect" }));
      });
    });

    describe("failures", () => {
      it("surfaces a connection terminated mid-operation as StoreError and keeps working afterwards", async () => {
        const schema = testSchema();
        const name = appName();
        const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: name });
        onTestFinished(() => store.close());
        await store.createInstance({ instanceId: "blocked", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(store, "blocked");

        // Another session holds the instance row, so the commit waits inside its transaction …
        const blocker = await admin.connect();
        let released = false;
        const release = async (): Promise<void> => {
          if (released) return;
          released = true;
          await blocker.query("ROLLBACK").catch(() => undefined);
          blocker.release();
        };
        onTestFinished(release);
        await blocker.query("BEGIN");
        await blocker.query(`SELECT 1 FROM "${schema}".instances WHERE instance_id = 'blocked' FOR UPDATE`);
        const commit = store.commitTurns([startTurn(item)], T0);
        const outcome = commit.then(
          () => undefined,
          (error: unknown) => error,
        );
        await eventually(async () => {
          const waiting = await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
            name,
          ]);
          expect(waiting.rowCount).toBe(1);
        });
        // … when every pool connection of the store is killed.
        expect(await terminate(name)).toBeGreaterThan(0);
        const error = await outcome;
        expect(error).toMatchObject({ name: "StoreError", code: "store" });
        expect((error as Error).cause).toBeDefined();
        await release();

        // The pool replaces the dead connections: the store works, and the lease still holds.
        expect(await store.getInstance("blocked")).toMatchObject({ status: "pending", lastSeq: 0 });
        expect(committed(await store.commitTurns([startTurn(item)], T0))).toEqual([true]);
        expect((await store.getHistory("blocked")).map((e) => e.seq)).toEqual([1, 2]);
      });

      it("recovers from idle pool connections killed between operations", async () => {
        const schema = testSchema();
        const name = appName();
        const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, applicationName: name });
        onTestFinished(() => store.close());
        await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.createInstance({ instanceId: `i${i}`, name: "n", executionId: "e", input: i }, T0)),
        );
        expect(await terminate(name)).toBeGreaterThan(0);
        // Reads and transactions find a dead connection at their first statement and retry on a fresh one.
        expect((await store.countInstances()).pending).toBe(5);
        await store.createInstance({ instanceId: "i5", name: "n", executionId: "e", input: 5 }, T0);
        expect((await store.countInstances()).pending).toBe(6);
      });

      it("wraps driver errors in StoreError with the cause, and rolls the whole batch back", async () => {
        const store = await open(testSchema());
        await createMany(store, 2);
        const items = await store.claimOrchestrations({ owner: "test", limit: 10, leaseMs: LEASE_MS, now: T0 });
        const [first, second] = items;
        if (!first || !second) throw new Error("both instances should be claimed");
        const duplicateSeq = startTurn(second, {
          events: [
            { seq: 1, type: "ExecutionStarted", at: toIso(T0) },
            { seq: 1, type: "OrchestratorStarted", at: toIso(T0) },
          ],
        });
        const error = await store.commitTurns([startTurn(first), duplicateSeq], T0).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "StoreError", code: "store" });
        expect((error as Error).cause).toMatchObject({ code: "23505" });
        expect(await store.getHistory(first.instance.instanceId)).toEqual([]);
        expect(committed(await store.commitTurns([startTurn(first)], T0))).toEqual([true]);
      });

      it("commits a batch that repeats an instance turn by turn: a local turn builds on the claimed turn before it", async () => {
        const store = await open(testSchema());
        await store.createInstance({ instanceId: "chain", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(store, "chain");
        const local: TurnCommit = {
          instanceId: "chain",
          local: { lastSeq: 2, executionId: "e1", completes: [] },
          consumedMessageIds: [],
          events: [{ seq: 3, type: "OrchestratorStarted", at: toIso(T0) }],
          update: { lastSeq: 3, customStatus: "second" },
          messages: [],
          activities: [],
          instances: [],
        };
        expect(committed(await store.commitTurns([startTurn(item), local], T0))).toEqual([true, true]);
        expect((await store.getHistory("chain")).map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(await store.getInstance("chain")).toMatchObject({ lastSeq: 3, status: "running", customStatus: "second" });
      });

      it("rolls back every turn of a batch cut in two when a later turn fails", async () => {
        const store = await open(testSchema());
        await store.createInstance({ instanceId: "cut", name: "pg-test", executionId: "e1", input: null }, T0);
        const item = await claimItem(store, "cut");
        const clash: TurnCommit = {
          instanceId: "cut",
          local: { lastSeq: 2, executionId: "e1", completes: [] },
          consumedMessageIds: [],
          // Seq 2 exists once the first turn is applied: a duplicate key in the second statement.
          events: [{ seq: 2, type: "OrchestratorStarted", at: toIso(T0) }],
          update: { lastSeq: 3 },
          messages: [],
          activities: [],
          instances: [],
        };
        const error = await store.commitTurns([startTurn(item), clash], T0).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "StoreError", cause: { code: "23505" } });
        expect(await store.getHistory("cut")).toEqual([]);
        expect(await store.getInstance("cut")).toMatchObject({ lastSeq: 0, status: "pending" });
        expect(committed(await store.commitTurns([startTurn(item)], T0))).toEqual([true]);
      });

      it("takes fractional milliseconds (ctx.sleep(1.5)) where it stores whole ones, never making anything early", async () => {
        const store = await open(testSchema());
        await store.createInstance({ instanceId: "frac", name: "pg-test", executionId: "e1", input: null }, T0 + 0.5);
        expect((await store.getInstance("frac"))?.createdAt).toBe(toIso(T0));
        const item = await claimItem(store, "frac", T0 + 0.5, 1000.25);
        const timer = { instanceId: "frac", event: { type: "TimerFired" as const, at: toIso(T0), taskId: 1 }, visibleAt: T0 + 1500.5 };
        const task = {
          instanceId: "frac",
          executionId: "e1",
          taskId: 2,
          name: "work",
          input: null,
          attempt: 1,
          timeoutMs: 1.5,
          visibleAt: T0 + 0.25,
        };
        expect(committed(await store.commitTurns([startTurn(item, { messages: [timer], activities: [task] })], T0 + 1000.2))).toEqual([
          true,
        ]);
        expect(await store.nextWakeAt(T0 + 0.5)).toBe(T0 + 1);
        expect(await store.claimOrchestrations({ owner: "t", limit: 1.5, leaseMs: LEASE_MS, now: T0 + 1500.5 })).toEqual([]);
        expect((await claimItem(store, "frac", T0 + 1501)).messages.map((m) => m.event.type)).toEqual(["TimerFired"]);
        const [claimed] = await store.claimActivities({ owner: "t", limit: 1, leaseMs: 10.5, now: T0 + 1.75 });
        expect(claimed).toMatchObject({ timeoutMs: 1.5, leaseExpiresAt: T0 + 13 });
        expect(await store.claimOnce("k", T0 + 0.5, T0)).toBe(true);
        expect(await store.claimOnce("k", T0 + 2, T0 + 0.9)).toBe(false);
      });

      it("refuses to open when PostgreSQL cannot be reached, with a StoreError that hides the password", async () => {
        const error = await createPostgresStore({ connectionString: "postgres://weft:s3cret@127.0.0.1:1/none", schema: "weft" }).catch(
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ name: "StoreError" });
        expect((error as Error).message).not.toContain("s3cret");
      });

      it("closes idempotently, and refuses work once closed", async () => {
        const store = await open(testSchema());
        await Promise.all([store.close(), store.close()]);
        await store.close();
        await expect(store.getInstance("x")).rejects.toMatchObject({ name: "StoreError", message: expect.stringContaining("closed") });
        await expect(store.createInstance({ instanceId: "x", name: "n", executionId: "e", input: 1 }, T0)).rejects.toMatchObject({
          name: "StoreError",
        });
      });
    });

    describe("the engine on PostgreSQL", () => {
      it("runs fan-out, timers and sub-orchestrations with two workers on two store objects, every activity once", async () => {
        const schema = testSchema();
        const [api, one, two] = [await open(schema), await open(schema), await open(schema)];
        const runs = new Map<string, number>();
        const orchestrators = {
          *pipeline(ctx: OrchestrationContext, input: number) {
            const [a, b]: number[] = yield ctx.all([ctx.callActivity("double", input), ctx.callActivity("double", input + 1)]);
            yield ctx.sleep(20);
            const c: number = yield ctx.callSubOrchestrator("child", (a ?? 0) + (b ?? 0));
            return c;
          },
          *child(ctx: OrchestrationContext, input: number) {
            const doubled: number = yield ctx.callActivity("double", input);
            return doubled;
          },
        };
        const activities = {
          double: (n: number, context: ActivityContext) => {
            runs.set(context.idempotencyKey, (runs.get(context.idempotencyKey) ?? 0) + 1);
            return n * 2;
          },
        };
        const errors: unknown[] = [];
        // Small claims: with the default (64) the first worker to wake could claim all 20
        // instances at once and keep them (local dispatch), leaving the other idle — then
        // this test would not exercise two workers at all (1 run in 6 did that).
        const workers = [one, two].map((store) =>
          createWorker({
            store,
            orchestrators,
            activities,
            orchestrationBatchSize: 4,
            pollIntervalMs: store.pollIntervalMs,
            leaseMs: store.leaseMs,
            onError: (e) => errors.push(e),
          }),
        );
        for (const worker of workers) worker.start();
        onTestFinished(() => Promise.all(workers.map((worker) => worker.stop())).then(() => undefined));

        const client = createClient({ store: api });
        const inputs = Array.from({ length: 20 }, (_, i) => i);
        const ids = await Promise.all(inputs.map((i) => client.start("pipeline", i)));
        const done = await Promise.all(ids.map((id) => client.waitForCompletion(id, { timeoutMs: 30_000 })));
        expect(done.map((d) => d.output)).toEqual(inputs.map((i) => (i * 2 + (i + 1) * 2) * 2));
        for (const id of ids) {
          const history = await api.getHistory(id);
          expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
          const scheduled = history.filter((e) => e.type === "TaskScheduled").map((e) => e.taskId);
          expect(new Set(scheduled).size).toBe(scheduled.length);
        }
        // 20 parents × 2 activities + 20 children × 1, each run exactly once (no fault interrupted any).
        expect(runs.size).toBe(60);
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        expect(errors).toEqual([]);
        expect(workers.every((worker) => worker.metrics().turns > 0)).toBe(true);
      });
    });

    describe("sessions", () => {
      it("ends every session it opens when closed", async () => {
        const name = appName();
        const store = await createPostgresStore({ connectionString: DATABASE_URL, schema: testSchema(), applicationName: name });
        await createMany(store, 20);
        await Promise.all(
          Array.from({ length: 10 }, () => store.claimOrchestrations({ owner: "t", limit: 2, leaseMs: LEASE_MS, now: T0 })),
        );
        expect((await backends(name)).length).toBeGreaterThan(0);
        await store.close();
        await eventually(async () => {
          expect(await backends(name)).toEqual([]);
          expect(await backends(`${name}:listen`)).toEqual([]);
        });
      });

      it("leaves no session idle in transaction after the suite", async () => {
        await expectNoIdleInTransaction();
      });
    });
  });
}
