import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { toIso, type HistoryEvent, type TurnCommit } from "@weft/engine";
import { type Store } from "@weft/workflow-store";
import { describeStoreContract } from "@weft/engine/testing";
import { describeWorkflowStoreContract } from "@weft/workflow-store/testing";
import { createSqliteStore, SCHEMA_VERSION, type SqliteStore, type SqliteStoreOptions } from "./index.js";
import { MIGRATIONS } from "./schema.js";
import { claimableTasksSql } from "./statements.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "weft-sqlite-"));
}

describeStoreContract("sqlite (file)", async () => {
  const dir = await tempDir();
  const store = await createSqliteStore({ path: join(dir, "weft.db") });
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describeStoreContract("sqlite (:memory:)", async () => ({ store: await createSqliteStore({ path: ":memory:" }) }));

describeWorkflowStoreContract("sqlite (file)", async () => {
  const dir = await tempDir();
  const store = await createSqliteStore({ path: join(dir, "weft.db") });
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

// Without the owner lock, orchestration leases are rows of the instances table (with it, in memory).
describeStoreContract("sqlite (file, without the owner lock)", async () => {
  const dir = await tempDir();
  const store = await createSqliteStore({ path: join(dir, "weft.db"), ownerLock: false });
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

const T0 = Date.UTC(2020, 0, 1);
const LEASE_MS = 30_000;

/** A fresh database path in its own temp dir, removed when the test finishes. */
async function freshPath(): Promise<string> {
  const dir = await tempDir();
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return join(dir, "weft.db");
}

/** Opens a store that is closed when the test finishes (closing twice is fine). */
async function open(options: SqliteStoreOptions): Promise<SqliteStore> {
  const store = await createSqliteStore(options);
  onTestFinished(() => store.close());
  return store;
}

function rawDb(path: string): Database.Database {
  const db = new Database(path, { readonly: true });
  onTestFinished(() => {
    db.close();
  });
  return db;
}

function firstTurn(instanceId: string, leaseToken: string, consumed: number[], patch: Partial<TurnCommit> = {}): TurnCommit {
  const events: HistoryEvent[] = [
    { seq: 1, type: "ExecutionStarted", at: toIso(T0) },
    { seq: 2, type: "OrchestratorStarted", at: toIso(T0) },
  ];
  return {
    instanceId,
    leaseToken,
    consumedMessageIds: consumed,
    events,
    update: { lastSeq: 2, status: "running" },
    messages: [],
    activities: [],
    instances: [],
    ...patch,
  };
}

async function claimOnly(store: Store, now = T0): Promise<{ instanceId: string; leaseToken: string; ids: number[] }> {
  const [item] = await store.claimOrchestrations({ owner: "test", limit: 10, leaseMs: LEASE_MS, now });
  if (!item) throw new Error("expected an instance to claim");
  return { instanceId: item.instance.instanceId, leaseToken: item.leaseToken, ids: item.messages.map((m) => m.id) };
}

describe("SQLite store", () => {
  describe("schema", () => {
    it("applies the migrations once and records their versions", async () => {
      const path = await freshPath();
      const first = await createSqliteStore({ path });
      expect(first.migration).toEqual({ from: 0, to: SCHEMA_VERSION });
      await first.close();
      const second = await open({ path });
      expect(second.migration).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const rows = rawDb(path).prepare("SELECT version FROM schema_version ORDER BY version").all() as { version: number }[];
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it("refuses a database written by a newer schema", async () => {
      const path = await freshPath();
      await (await createSqliteStore({ path })).close();
      const db = new Database(path);
      db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 'x')").run();
      db.close();
      await expect(createSqliteStore({ path })).rejects.toMatchObject({ name: "StoreError", message: expect.stringMatching(/newer/) });
      // The refused open released its ownership lock.
      await rm(path);
      await expect(open({ path })).resolves.toBeDefined();
    });

    it("puts the database in WAL mode", async () => {
      const path = await freshPath();
      await open({ path, synchronous: "NORMAL" });
      expect(rawDb(path).pragma("journal_mode", { simple: true })).toBe("wal");
    });

    it("upgrades a version-1 database in place, keeping its instances", async () => {
      const path = await freshPath();
      const v1 = new Database(path);
      v1.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
      v1.exec(MIGRATIONS.find((m) => m.version === 1)?.sql ?? "");
      v1.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (1, 'v1', 'x')").run();
      v1.prepare(
        "INSERT INTO instances (instance_id, name, execution_id, status, input, created_at, updated_at) VALUES ('old-1', 'wf', 'e1', 'completed', '[1]', ?, ?)",
      ).run(toIso(T0), toIso(T0));
      v1.close();

      const store = await open({ path });
      expect(store.migration).toEqual({ from: 1, to: SCHEMA_VERSION });
      expect(await store.getInstance("old-1")).toMatchObject({ status: "completed", input: [1] });
      await store.saveWorkflowDraft({ workflowId: "wf-1", name: "Upgraded", draft: {} }, T0);
      expect(await store.publishWorkflowVersion("wf-1", { v: 1 }, T0)).toBe(1);
    });

    it("keeps queued and leased tasks in partial indexes of their own, and claims look in both", async () => {
      const path = await freshPath();
      const store = await open({ path });
      await store.createInstance({ instanceId: "i", name: "wf", executionId: "e1", input: null }, T0);
      const { leaseToken } = await claimOnly(store);
      const task = (taskId: number, claim: boolean) => ({
        instanceId: "i",
        executionId: "e1",
        taskId,
        name: "work",
        input: null,
        attempt: 1,
        ...(claim ? { claimFor: { owner: "me", leaseMs: LEASE_MS } } : {}),
      });
      await store.commitTurns([firstTurn("i", leaseToken, [], { activities: [task(1, false), task(2, true)] })], T0);
      const db = rawDb(path);
      const count = (index: string) =>
        (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM activity_tasks INDEXED BY ${index} WHERE ${index === "activity_tasks_leased" ? "lease_owner IS NOT NULL" : "lease_owner IS NULL"}`,
            )
            .get() as { n: number }
        ).n;
      // A task leased by the turn that schedules it (local dispatch) is in no claim index for queued tasks.
      expect([count("activity_tasks_queued"), count("activity_tasks_queued_by_name"), count("activity_tasks_leased")]).toEqual([1, 1, 1]);
      for (const named of [false, true]) {
        const plan = (
          db
            .prepare(`EXPLAIN QUERY PLAN ${claimableTasksSql("claim_count <= @maxClaims", named)}`)
            .all({ now: T0, limit: 5, maxClaims: 9, names: "[]" }) as { detail: string }[]
        )
          .map((row) => row.detail)
          .join("\n");
        expect(plan).toMatch(/activity_tasks_queued/);
        expect(plan).toMatch(/USING INDEX activity_tasks_leased/);
        expect(plan).not.toMatch(/SCAN activity_tasks(?! USING)/);
        // Queued tasks are read in the index's order up to the limit, never the whole backlog sorted.
        if (!named) expect(plan).not.toMatch(/USING INDEX activity_tasks_queued \(available_at<\?\)\nUSE TEMP B-TREE/);
      }
      // The queued task now; the leased one once its lease has run out.
      expect((await store.claimActivities({ owner: "other", limit: 5, leaseMs: 10 * LEASE_MS, now: T0 })).map((t) => t.taskId)).toEqual([
        1,
      ]);
      expect(await store.claimActivities({ owner: "other", limit: 5, leaseMs: LEASE_MS, now: T0 + LEASE_MS - 1 })).toEqual([]);
      expect(await store.claimActivities({ owner: "other", limit: 5, leaseMs: LEASE_MS, now: T0 + LEASE_MS })).toEqual([
        expect.objectContaining({ taskId: 2, claimCount: 2 }),
      ]);
    });

    it("upgrades a version-2 database with queued and leased tasks: both are claimed as before", async () => {
      const path = await freshPath();
      const v2 = new Database(path);
      v2.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
      for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
        v2.exec(m.sql);
        v2.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, 'x')").run(m.version, m.description);
      }
      v2.prepare(
        "INSERT INTO instances (instance_id, name, execution_id, status, input, created_at, updated_at, last_seq) VALUES ('old', 'wf', 'e1', 'running', 'null', ?, ?, 2)",
      ).run(toIso(T0), toIso(T0));
      const insert = v2.prepare(
        `INSERT INTO activity_tasks (instance_id, execution_id, task_id, name, input, attempt, visible_at, available_at, lease_token, lease_owner, lease_expires_at, claim_count)
         VALUES ('old', 'e1', ?, 'work', 'null', 1, ?, ?, ?, ?, ?, ?)`,
      );
      insert.run(1, T0, T0, null, null, null, 0);
      insert.run(2, T0, T0 + LEASE_MS, "t", "gone-worker", T0 + LEASE_MS, 1);
      v2.close();

      const store = await open({ path });
      expect(store.migration).toEqual({ from: 2, to: SCHEMA_VERSION });
      // Opening ends the leases of the process that held the file before: both are claimable, the claim counts kept.
      const claimed = await store.claimActivities({ owner: "new", limit: 5, leaseMs: LEASE_MS, now: T0 });
      expect(claimed.map((t) => [t.taskId, t.claimCount])).toEqual([
        [1, 1],
        [2, 2],
      ]);
    });

    it("creates the database's directory when it is missing", async () => {
      const path = join(await freshPath(), "..", "nested", "deeper", "weft.db");
      await open({ path });
      expect(existsSync(path)).toBe(true);
    });
  });

  describe("durability", () => {
    it("keeps instances, history, inbox and tasks across close and reopen", async () => {
      const path = await freshPath();
      const store = await createSqliteStore({ path });
      await store.createInstance({ instanceId: "keep-1", name: "wf", executionId: "e1", input: { n: "✓" }, tags: { v: "1" } }, T0);
      const claim = await claimOnly(store);
      const turn = firstTurn(claim.instanceId, claim.leaseToken, claim.ids, {
        messages: [{ instanceId: "keep-1", event: { type: "TimerFired", at: toIso(T0), taskId: 1 }, visibleAt: T0 + 60_000 }],
        activities: [{ instanceId: "keep-1", executionId: "e1", taskId: 2, name: "act", input: [1, 2], attempt: 1 }],
      });
      expect((await store.commitTurns([turn], T0)).map((o) => o.committed)).toEqual([true]);
      await store.close();

      const reopened = await open({ path });
      expect(await reopened.getInstance("keep-1")).toMatchObject({ status: "running", input: { n: "✓" }, tags: { v: "1" }, lastSeq: 2 });
      expect((await reopened.getHistory("keep-1")).map((e) => e.type)).toEqual(["ExecutionStarted", "OrchestratorStarted"]);
      expect((await reopened.claimActivities({ owner: "t", limit: 10, leaseMs: LEASE_MS, now: T0 })).map((t) => t.input)).toEqual([[1, 2]]);
      const later = await reopened.claimOrchestrations({ owner: "t", limit: 10, leaseMs: LEASE_MS, now: T0 + 60_000 });
      expect(later[0]?.messages.map((m) => m.event.type)).toEqual(["TimerFired"]);
    });

    it("keeps workflows, versions, once keys, values and the outbox across close and reopen", async () => {
      const path = await freshPath();
      const store = await createSqliteStore({ path });
      await store.saveWorkflowDraft({ workflowId: "wf-keep", name: "Kept", draft: { d: 1 }, trigger: { kind: "manual" } }, T0);
      await store.publishWorkflowVersion("wf-keep", { v: 1 }, T0 + 1_000);
      await store.claimOnce("sig-1", T0 + 60_000, T0);
      await store.setValue("schedule:wf-keep", "tick-7");
      const sent = await store.appendOutbox({ channel: "email", to: "a@example.com", body: { n: 1 } }, T0);
      await store.close();

      const reopened = await open({ path });
      expect(await reopened.getWorkflow("wf-keep")).toMatchObject({ draft: { d: 1 }, trigger: { kind: "manual" }, latestVersion: 1 });
      expect((await reopened.getWorkflowVersion("wf-keep", 1))?.definition).toEqual({ v: 1 });
      expect(await reopened.claimOnce("sig-1", T0 + 60_000, T0 + 30_000)).toBe(false);
      expect(await reopened.getValue("schedule:wf-keep")).toBe("tick-7");
      expect(await reopened.listOutbox()).toEqual([sent]);
      // Outbox ids never go back, even after a reopen.
      expect((await reopened.appendOutbox({ channel: "email" }, T0)).id).toBeGreaterThan(sent.id);
    });

    it("rolls back the whole batch when the driver fails, and wraps the error in StoreError", async () => {
      const path = await freshPath();
      const store = await open({ path });
      await store.createInstance({ instanceId: "ok-1", name: "wf", executionId: "e1", input: null }, T0);
      await store.createInstance({ instanceId: "bad-1", name: "wf", executionId: "e2", input: null }, T0);
      const items = await store.claimOrchestrations({ owner: "t", limit: 10, leaseMs: LEASE_MS, now: T0 });
      const turns = items.map((item) => {
        const turn = firstTurn(
          item.instance.instanceId,
          item.leaseToken,
          item.messages.map((m) => m.id),
        );
        // Two events with the same seq: the history's primary key refuses the second.
        return item.instance.instanceId === "bad-1"
          ? { ...turn, events: [turn.events[0] as HistoryEvent, turn.events[0] as HistoryEvent] }
          : turn;
      });
      const failure = await store.commitTurns(turns, T0).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ name: "StoreError", code: "store" });
      expect((failure as Error).cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) });
      expect(await store.getHistory("ok-1")).toEqual([]);
      expect((await store.getInstance("ok-1"))?.status).toBe("pending");
    });

    it("refuses every operation after close, and closing twice is fine", async () => {
      const store = await createSqliteStore({ path: await freshPath() });
      await store.close();
      await store.close();
      await expect(store.getInstance("x")).rejects.toMatchObject({ name: "StoreError" });
      await expect(store.commitTurns([firstTurn("x", "t", [])], T0)).rejects.toMatchObject({ name: "StoreError" });
      await expect(store.publishWorkflowVersion("x", {}, T0)).rejects.toMatchObject({ name: "StoreError" });
      await expect(store.claimOnce("x", T0 + 1, T0)).rejects.toMatchObject({ name: "StoreError" });
      await expect(store.listOutbox()).rejects.toMatchObject({ name: "StoreError" });
    });

    it("wraps driver errors of the server's tables in StoreError", async () => {
      const store = await open({ path: ":memory:" });
      // A name is required (NOT NULL): the driver refuses the row.
      const nameless = { workflowId: "wf-x", draft: {} } as unknown as Parameters<Store["saveWorkflowDraft"]>[0];
      await expect(store.saveWorkflowDraft(nameless, T0)).rejects.toMatchObject({
        name: "StoreError",
        code: "store",
        message: expect.stringMatching(/save workflow draft/),
        cause: expect.objectContaining({ code: "SQLITE_CONSTRAINT_NOTNULL" }),
      });
      expect(await store.getWorkflow("wf-x")).toBeUndefined();
    });

    it("notifies only after the transaction has committed", async () => {
      const path = await freshPath();
      const store = await open({ path });
      const reader = rawDb(path);
      const seenByOtherConnection: unknown[] = [];
      store.subscribe((n) => {
        if (n.kind === "instance-changed") {
          seenByOtherConnection.push(reader.prepare("SELECT status FROM instances WHERE instance_id = ?").get(n.instanceId));
        }
      });
      await store.createInstance({ instanceId: "n-1", name: "wf", executionId: "e1", input: null }, T0);
      expect(seenByOtherConnection).toEqual([{ status: "pending" }]);
    });
  });

  describe("ownership", () => {
    it("refuses a second store on the same file while the first is open, and allows it after close", async () => {
      const path = await freshPath();
      const first = await createSqliteStore({ path });
      const refusal = createSqliteStore({ path });
      await expect(refusal).rejects.toMatchObject({ name: "StoreError", code: "store" });
      await expect(refusal).rejects.toThrow(`is in use by another Weft process (pid ${process.pid})`);
      await first.close();
      const second = await open({ path });
      expect(second.kind).toBe("sqlite");
    });

    it("does not lock :memory: databases, which are private to each store", async () => {
      const a = await open({ path: ":memory:" });
      const b = await open({ path: ":memory:" });
      await a.createInstance({ instanceId: "m-1", name: "wf", executionId: "e", input: 1 }, T0);
      expect(await b.getInstance("m-1")).toBeUndefined();
    });

    it("clears the leases its predecessor held when it opens", async () => {
      const path = await freshPath();
      const before = await createSqliteStore({ path });
      await before.createInstance({ instanceId: "lease-1", name: "wf", executionId: "e1", input: null }, T0);
      const claim = await claimOnly(before);
      const turn = firstTurn(claim.instanceId, claim.leaseToken, claim.ids, {
        activities: [{ instanceId: "lease-1", executionId: "e1", taskId: 1, name: "act", input: null, attempt: 1 }],
        messages: [{ instanceId: "lease-1", event: { type: "EventRaised", at: toIso(T0), name: "go" } }],
      });
      expect((await before.commitTurns([turn], T0)).map((o) => o.committed)).toEqual([true]);
      expect(await before.claimActivities({ owner: "old", limit: 10, leaseMs: LEASE_MS, now: T0 })).toHaveLength(1);
      const held = await claimOnly(before);
      await before.close(); // as if it died: nothing released

      const after = await open({ path });
      const [item] = await after.claimOrchestrations({ owner: "new", limit: 10, leaseMs: LEASE_MS, now: T0 });
      expect(item?.leaseToken).not.toBe(held.leaseToken);
      expect(item?.messages.map((m) => m.event.name)).toEqual(["go"]);
      const [task] = await after.claimActivities({ owner: "new", limit: 10, leaseMs: LEASE_MS, now: T0 });
      expect(task?.claimCount).toBe(2);
      expect((await after.commitTurns([firstTurn("lease-1", held.leaseToken, held.ids)], T0)).map((o) => o.committed)).toEqual([false]);
    });

    it("shares leases through the table between stores opened without the owner lock", async () => {
      const path = await freshPath();
      const first = await open({ path, ownerLock: false });
      const second = await open({ path, ownerLock: false });
      await first.createInstance({ instanceId: "nolock-1", name: "wf", executionId: "e1", input: null }, T0);
      const [held] = await first.claimOrchestrations({ owner: "first", limit: 10, leaseMs: LEASE_MS, now: T0 });
      expect(held?.instance.instanceId).toBe("nolock-1");
      expect(await second.claimOrchestrations({ owner: "second", limit: 10, leaseMs: LEASE_MS, now: T0 })).toEqual([]);
      await first.close();
      // Kept after its holder went away, until it expires.
      expect(await second.claimOrchestrations({ owner: "second", limit: 10, leaseMs: LEASE_MS, now: T0 + LEASE_MS - 1 })).toEqual([]);
      const [taken] = await second.claimOrchestrations({ owner: "second", limit: 10, leaseMs: LEASE_MS, now: T0 + LEASE_MS });
      expect(taken?.instance.instanceId).toBe("nolock-1");
    });

    it("keeps the owner's orchestration leases in memory: a claim writes nothing to the file", async () => {
      const path = await freshPath();
      const owner = await open({ path });
      await owner.createInstance({ instanceId: "owned-1", name: "wf", executionId: "e1", input: null }, T0);
      const [held] = await owner.claimOrchestrations({ owner: "o", limit: 10, leaseMs: LEASE_MS, now: T0 });
      expect(held?.instance.instanceId).toBe("owned-1");
      const peek = new Database(path, { readonly: true });
      onTestFinished(() => {
        peek.close();
      });
      expect(peek.prepare("SELECT lease_token FROM instances WHERE instance_id = 'owned-1'").get()).toEqual({ lease_token: null });
      // Still held: a second claim by the owner's store finds nothing, the holder's commit is accepted.
      expect(await owner.claimOrchestrations({ owner: "p", limit: 10, leaseMs: LEASE_MS, now: T0 })).toEqual([]);
      expect(
        (await owner.commitTurns([firstTurn("owned-1", held?.leaseToken ?? "", held?.messages.map((m) => m.id) ?? [])], T0)).map(
          (o) => o.committed,
        ),
      ).toEqual([true]);
    });

    it("gives the owner's in-memory leases back when a commit rolls back", async () => {
      const owner = await open({ path: await freshPath() });
      for (const instanceId of ["rollback-1", "rollback-2"])
        await owner.createInstance({ instanceId, name: "wf", executionId: "e1", input: null }, T0);
      const items = await owner.claimOrchestrations({ owner: "o", limit: 10, leaseMs: LEASE_MS, now: T0 });
      const [good, bad] = ["rollback-1", "rollback-2"].map((id) => items.find((item) => item.instance.instanceId === id));
      if (!good || !bad) throw new Error("expected both instances claimed");
      const goodTurn = firstTurn(
        "rollback-1",
        good.leaseToken,
        good.messages.map((m) => m.id),
      );
      // The second turn's events repeat a sequence number: the driver fails after the first turn was applied.
      const repeated = { seq: 1, type: "ExecutionStarted" as const, at: toIso(T0) };
      const badTurn = firstTurn(
        "rollback-2",
        bad.leaseToken,
        bad.messages.map((m) => m.id),
        { events: [repeated, repeated] },
      );
      await expect(owner.commitTurns([goodTurn, badTurn], T0)).rejects.toThrow(/could not commit turns/);
      // Nothing was written, so the first turn's lease is still its own: it commits on retry.
      expect((await owner.commitTurns([goodTurn], T0)).map((o) => o.committed)).toEqual([true]);
    });

    it("is released by the OS when the owning process is killed with SIGKILL", { timeout: 60_000 }, async () => {
      const path = await freshPath();
      const child = await spawnOwner(path);
      expect(child.claimed).toBe(1);

      await expect(createSqliteStore({ path })).rejects.toThrow(`is in use by another Weft process (pid ${child.pid})`);
      child.process.kill("SIGKILL");
      await new Promise((resolve) => child.process.once("exit", resolve));

      const store = await open({ path });
      // The dead owner's 10-minute lease is gone: the instance is claimable at once.
      const [item] = await store.claimOrchestrations({ owner: "successor", limit: 10, leaseMs: LEASE_MS, now: T0 });
      expect(item?.instance.instanceId).toBe("killed-1");
      expect(item?.messages.map((m) => m.event.type)).toEqual(["ExecutionStarted"]);
    });
  });
});

/**
 * Runs the real store in a child Node process (through tsx, with @weft/engine
 * mapped to its sources as vitest does), has it claim an instance with a long
 * lease, and waits until it reports that it owns the database.
 */
async function spawnOwner(path: string): Promise<{ process: ChildProcess; pid: number; claimed: number }> {
  const dir = await tempDir();
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const engineSource = fileURLToPath(new URL("../../engine/src/index.ts", import.meta.url));
  const tsconfig = join(dir, "tsconfig.json");
  await writeFile(tsconfig, JSON.stringify({ compilerOptions: { paths: { "@weft/engine": [engineSource] } } }));
  const script = join(dir, "owner.mjs");
  await writeFile(
    script,
    `const [modulePath, dbPath, now] = process.argv.slice(2);
     const { createSqliteStore } = await import(modulePath);
     const store = await createSqliteStore({ path: dbPath });
     await store.createInstance({ instanceId: "killed-1", name: "wf", executionId: "e1", input: null }, Number(now));
     const items = await store.claimOrchestrations({ owner: "doomed", limit: 10, leaseMs: 600000, now: Number(now) });
     process.stdout.write(JSON.stringify({ claimed: items.length }) + "\\n");
     setInterval(() => {}, 1 << 30);`,
  );
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const modulePath = new URL("./sqlite-store.ts", import.meta.url).href;
  const child = spawn(process.execPath, ["--import", tsx, script, modulePath, path, String(T0)], {
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const report = await new Promise<{ claimed: number }>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`the owner process did not start: ${err}`)), 45_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { claimed: number });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the owner process exited (${code}): ${err}`));
    });
  });
  return { process: child, pid: child.pid ?? -1, claimed: report.claimed };
}
