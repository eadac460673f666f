import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  INSTANCE_STATUSES,
  EngineError,
  StoreError,
  type ActivityResult,
  type ActivityWorkItem,
  type ActivityClaimRequest,
  type ClaimRequest,
  type CreateOutcome,
  type EnqueueResult,
  type HistoryEvent,
  type InstancePage,
  type InstanceQuery,
  type InstanceRecord,
  type InstanceStatus,
  type MessageToEnqueue,
  type NewInstance,
  type NewMessage,
  type OrchestrationWorkItem,
  type StoreNotification,
  type TurnCommit,
  type TurnOutcome,
} from "@weft/engine";
import {
  type NewOutboxEntry,
  type OutboxEntry,
  type Store,
  type WorkflowDraft,
  type WorkflowRecord,
  type WorkflowSummary,
  type WorkflowVersion,
} from "@weft/workflow-store";
import { Activities } from "./activities.js";
import { InstanceWrites } from "./instance-writes.js";
import { InstanceLister } from "./list-query.js";
import { migrate, type MigrationResult } from "./migrations.js";
import { messageOf, Operations } from "./operations.js";
import { Orchestrations } from "./orchestrations.js";
import { tryAcquireOwnerLock, type OwnerLock } from "./owner-lock.js";
import { toHistoryEvent, toInstanceRecord, type HistoryRow, type InstanceRow } from "./rows.js";
import { ServerTables } from "./server-tables.js";
import { prepareStatements, type Statements } from "./statements.js";
import type { Lease, StoreContext } from "./store-context.js";
import { noChanges } from "./writes.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a private in-memory database (tests). */
  path: string;
  /**
   * FULL (default) fsyncs the WAL on every commit, so a committed turn survives
   * power loss; NORMAL can lose the last commits on power loss (not on a crash).
   */
  synchronous?: "FULL" | "NORMAL";
  /** How long a statement waits for another connection's lock. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Own the file for as long as the store is open (default true for file paths):
   * a second process is refused, and on open the predecessor's leases are cleared.
   * The owner keeps its orchestration leases in memory (nobody else can run work on
   * the file). Without the lock, several stores may share the file and their leases
   * are rows in the instances table; none of them may run work beside an owner.
   */
  ownerLock?: boolean;
}

export interface SqliteStore extends Store {
  readonly kind: "sqlite";
  readonly path: string;
  /** What the migrations did at open. */
  readonly migration: MigrationResult;
}

/**
 * Opens (creating and migrating as needed) a SQLite store.
 *
 * @example
 * const store = await createSqliteStore({ path: ".weft/weft.db" });
 * const worker = createWorker({ store, ... });
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStoreImpl.open(options);
}

function isMemoryPath(path: string): boolean {
  return path === ":memory:" || path === "" || path.startsWith("file::memory:");
}

/**
 * The Store port over one SQLite database. The transaction bodies live with their
 * concern (instance-writes.ts, orchestrations.ts, activities.ts, server-tables.ts);
 * here each Store method picks how it runs (operations.ts): a read, a durable write, or
 * a lease-only write that may skip its fsync.
 */
class SqliteStoreImpl implements SqliteStore {
  readonly kind = "sqlite" as const;
  readonly path: string;
  readonly migration: MigrationResult;
  readonly #db: Database.Database;
  readonly #s: Statements;
  readonly #ctx: StoreContext;
  readonly #ops: Operations;
  readonly #lister: InstanceLister;
  readonly #server: ServerTables;
  readonly #lock: OwnerLock | undefined;
  // Transactions are built once, like the statements. IMMEDIATE: they all write,
  // so they take the write lock up front instead of upgrading (and failing) midway.
  readonly #instances: InstanceWrites;
  readonly #orchestrations: Orchestrations;
  readonly #activities: Activities;
  readonly #txClearLeases: Database.Transaction<() => void>;

  static open(options: SqliteStoreOptions): SqliteStoreImpl {
    const { path } = options;
    const memory = isMemoryPath(path);
    let lock: OwnerLock | undefined;
    let db: Database.Database | undefined;
    try {
      if (!memory) mkdirSync(dirname(path), { recursive: true });
      if (options.ownerLock ?? !memory) {
        const attempt = tryAcquireOwnerLock(path);
        if (!attempt.acquired) {
          const who = attempt.ownerPid === undefined ? "" : ` (pid ${attempt.ownerPid})`;
          throw new StoreError(
            `SQLite database ${path} is in use by another Weft process${who}; stop that process, or point this one at another database file.`,
            { cause: attempt.cause },
          );
        }
        lock = attempt.lock;
      }
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
      // A value overwritten in place (a secret re-encrypted on upgrade) leaves no old copy in the page's free space.
      db.pragma("secure_delete = FAST");
      const migration = migrate(db, path);
      const store = new SqliteStoreImpl(path, db, lock, migration, lock !== undefined || memory);
      // As the new owner, nobody else can hold a lease: whatever leases are
      // recorded belong to a predecessor that died (or closed mid-claim).
      if (lock) store.#clearLeases();
      return store;
    } catch (error) {
      db?.close();
      lock?.release();
      if (error instanceof EngineError) throw error;
      throw new StoreError(`Could not open SQLite database ${path}: ${messageOf(error)}`, { cause: error });
    }
  }

  private constructor(path: string, db: Database.Database, lock: OwnerLock | undefined, migration: MigrationResult, soleUser: boolean) {
    this.path = path;
    this.migration = migration;
    this.#db = db;
    this.#lock = lock;
    const s = prepareStatements(db);
    this.#s = s;
    // Leases in memory when this store alone runs work on the database (see StoreContext.leases).
    this.#ctx = { s, leases: soleUser ? new Map<string, Lease>() : undefined, released: undefined, changes: noChanges() };
    const fullSync = lock !== undefined && (db.pragma("synchronous", { simple: true }) as number) === 2;
    this.#ops = new Operations(db, path, this.#ctx, fullSync);
    this.#lister = new InstanceLister(db);
    this.#server = new ServerTables(db);
    this.#instances = new InstanceWrites(db, this.#ctx);
    this.#orchestrations = new Orchestrations(db, this.#ctx);
    this.#activities = new Activities(db, this.#ctx);
    this.#txClearLeases = db.transaction(() => {
      s.clearInstanceLeases.run();
      s.clearActivityLeases.run();
    });
  }

  // ---- instances ---------------------------------------------------------

  async createInstance(init: NewInstance, now: number): Promise<void> {
    this.#ops.write("create instance", () => this.#instances.create.immediate(init, now));
  }

  async createInstances(inits: readonly NewInstance[], now: number): Promise<CreateOutcome[]> {
    if (inits.length === 0) return [];
    return this.#ops.write("create instances", () => this.#instances.createMany.immediate(inits, now));
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.#ops.read("get instance", () => {
      const row = this.#s.getInstance.get(instanceId) as InstanceRow | undefined;
      return row ? toInstanceRecord(row) : undefined;
    });
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.#ops.read("list instances", () => this.#lister.list(query));
  }

  async countInstances(): Promise<Record<InstanceStatus, number>> {
    return this.#ops.read("count instances", () => {
      const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
      for (const row of this.#s.countByStatus.all() as { status: InstanceStatus; n: number }[]) counts[row.status] = row.n;
      return counts;
    });
  }

  async queueDepth(now: number): Promise<{ orchestrations: number; activities: number }> {
    return this.#ops.read("read queue depth", () => ({
      orchestrations: (this.#s.readyInstances.get({ now }) as { n: number }).n - this.#orchestrations.leasedWithWork(now),
      activities: (this.#s.readyActivities.get({ now }) as { n: number }).n,
    }));
  }

  async getHistory(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEvent[]> {
    return this.#ops.read("get history", () => {
      const afterSeq = options.afterSeq ?? 0;
      const rows = (
        options.limit === undefined
          ? this.#s.getHistory.all(instanceId, afterSeq)
          : this.#s.getHistoryPage.all(instanceId, afterSeq, options.limit)
      ) as HistoryRow[];
      return rows.map(toHistoryEvent);
    });
  }

  async enqueueMessage(message: NewMessage, options: { onlyIfStatus?: readonly InstanceStatus[] } = {}): Promise<EnqueueResult> {
    return this.#ops.write("enqueue message", () => this.#instances.enqueue.immediate(message, options.onlyIfStatus));
  }

  async enqueueMessages(messages: readonly MessageToEnqueue[]): Promise<EnqueueResult[]> {
    if (messages.length === 0) return [];
    return this.#ops.write("enqueue messages", () => this.#instances.enqueueMany.immediate(messages));
  }

  async purgeInstance(instanceId: string): Promise<"purged" | "not-found" | "not-terminal"> {
    return this.#ops.write("purge instance", () => this.#instances.purge.immediate(instanceId));
  }

  // ---- orchestration work ------------------------------------------------

  async claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): Promise<OrchestrationWorkItem[]> {
    // With leases in memory a claim writes nothing: its reads need one snapshot, not the write lock.
    if (this.#ctx.leases) return this.#ops.read("claim orchestrations", () => this.#orchestrations.claim.deferred(request));
    return this.#ops.leaseWrite("claim orchestrations", () => this.#orchestrations.claim.immediate(request));
  }

  async commitTurns(turns: readonly TurnCommit[], now: number): Promise<TurnOutcome[]> {
    if (turns.length === 0) return [];
    const released: [string, Lease][] = [];
    this.#ctx.released = released;
    try {
      return this.#ops.write("commit turns", () => this.#orchestrations.commit.immediate(turns, now));
    } catch (error) {
      // Rolled back: the leases the batch's turns gave up are theirs again.
      for (const [instanceId, lease] of released) this.#ctx.leases?.set(instanceId, lease);
      throw error;
    } finally {
      this.#ctx.released = undefined;
    }
  }

  async releaseOrchestration(instanceId: string, leaseToken: string): Promise<void> {
    if (this.#ctx.leases) {
      this.#ops.assertOpen("release orchestration");
      if (this.#ctx.leases.get(instanceId)?.token !== leaseToken) return;
      this.#ctx.leases.delete(instanceId);
      const messages = this.#ops.read("release orchestration", () => this.#s.hasMessages.get(instanceId) !== undefined);
      if (messages) this.#ops.notify({ ...noChanges(), orchestrationWork: true });
      return;
    }
    this.#ops.leaseWrite("release orchestration", () => {
      const released = this.#s.releaseLease.run(instanceId, leaseToken).changes > 0;
      if (released && this.#s.hasMessages.get(instanceId) !== undefined) this.#ctx.changes.orchestrationWork = true;
    });
  }

  // ---- activity work -----------------------------------------------------

  async claimActivities(request: ActivityClaimRequest): Promise<ActivityWorkItem[]> {
    return this.#ops.leaseWrite("claim activities", () => this.#activities.claim.immediate(request));
  }

  async renewActivityLeases(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): Promise<string[]> {
    if (leases.length === 0) return [];
    return this.#ops.leaseWrite("renew activity leases", () => this.#activities.renew.immediate(leases, leaseMs, now));
  }

  async completeActivities(results: readonly ActivityResult[], now: number): Promise<boolean[]> {
    if (results.length === 0) return [];
    // An activity result need not reach the disk by itself: the turn that consumes it commits
    // with a full sync, which makes it durable too; lost in a power cut before that, the
    // activity simply runs again (activities are at-least-once).
    return this.#ops.leaseWrite("complete activities", () => this.#activities.complete.immediate(results, now));
  }

  // ---- timing and notifications -------------------------------------------

  async nextWakeAt(now: number): Promise<number | undefined> {
    return this.#ops.read("compute next wake-up", () => {
      const row = this.#s.nextWakeAt.get({ now }) as { t: number | null } | undefined;
      let next = row?.t ?? undefined;
      for (const lease of this.#ctx.leases?.values() ?? []) {
        if (lease.expiresAt > now && (next === undefined || lease.expiresAt < next)) next = lease.expiresAt;
      }
      return next;
    });
  }

  subscribe(listener: (notification: StoreNotification) => void): () => void {
    return this.#ops.subscribe(listener);
  }

  // ---- workflow definitions (server-tables.ts) ----------------------------------

  async saveWorkflowDraft(draft: WorkflowDraft, now: number): Promise<WorkflowRecord> {
    return this.#ops.write("save workflow draft", () => this.#server.saveWorkflowDraft(draft, now));
  }

  async getWorkflow(workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.#ops.read("get workflow", () => this.#server.getWorkflow(workflowId));
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return this.#ops.read("list workflows", () => this.#server.listWorkflows());
  }

  async publishWorkflowVersion(workflowId: string, definition: unknown, now: number): Promise<number> {
    return this.#ops.write("publish workflow version", () => this.#server.publishWorkflowVersion(workflowId, definition, now));
  }

  async getWorkflowVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    return this.#ops.read("get workflow version", () => this.#server.getWorkflowVersion(workflowId, version));
  }

  async deleteWorkflow(workflowId: string): Promise<boolean> {
    return this.#ops.write("delete workflow", () => this.#server.deleteWorkflow(workflowId));
  }

  // ---- small durable facts for the server (server-tables.ts) ----------------------

  async claimOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#ops.write("claim once key", () => this.#server.claimOnce(key, expiresAt, now));
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.#ops.read("get value", () => this.#server.getValue(key));
  }

  async setValue(key: string, value: string): Promise<void> {
    this.#ops.write("set value", () => this.#server.setValue(key, value));
  }

  async appendOutbox(entry: NewOutboxEntry, now: number): Promise<OutboxEntry> {
    return this.#ops.write("append to the outbox", () => this.#server.appendOutbox(entry, now));
  }

  async listOutbox(options: { limit?: number; beforeId?: number; instanceId?: string } = {}): Promise<OutboxEntry[]> {
    return this.#ops.read("list the outbox", () => this.#server.listOutbox(options));
  }

  async close(): Promise<void> {
    if (!this.#ops.close()) return;
    try {
      this.#db.close();
    } finally {
      this.#lock?.release();
    }
  }

  #clearLeases(): void {
    this.#ops.write("clear the previous owner's leases", () => this.#txClearLeases.immediate());
  }
}
