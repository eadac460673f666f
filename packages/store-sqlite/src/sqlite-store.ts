import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  INSTANCE_STATUSES,
  EngineError,
  InstanceExistsError,
  StoreError,
  isTerminal,
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
  type NewOutboxEntry,
  type OrchestrationWorkItem,
  type OutboxEntry,
  type Store,
  type StoreNotification,
  type TurnCommit,
  type TurnOutcome,
  type WorkflowDraft,
  type WorkflowRecord,
  type WorkflowSummary,
  type WorkflowVersion,
} from "@weft/engine";
import { instanceChanged } from "@weft/engine/store-kit";
import { InstanceLister } from "./list-query.js";
import { migrate, type MigrationResult } from "./migrations.js";
import { tryAcquireOwnerLock, type OwnerLock } from "./owner-lock.js";
import {
  toActivityWorkItem,
  toHistoryEvent,
  toInboxMessage,
  toInstanceRecord,
  type ActivityRow,
  type HistoryRow,
  type InboxRow,
  type InstanceRow,
} from "./rows.js";
import { ServerTables } from "./server-tables.js";
import { prepareStatements, type Statements } from "./statements.js";
import { applyTurn, deleteInstance, insertInstance, insertMessage, newLeaseToken, noChanges, type Changes } from "./writes.js";

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

const DEFAULT_MAX_MESSAGES = 1000;

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

class SqliteStoreImpl implements SqliteStore {
  readonly kind = "sqlite" as const;
  readonly path: string;
  readonly migration: MigrationResult;
  readonly #db: Database.Database;
  /** synchronous=FULL with the owner lock held: lease-only writes may then skip their fsync. */
  readonly #fullSync: boolean;
  readonly #s: Statements;
  readonly #lister: InstanceLister;
  readonly #server: ServerTables;
  readonly #lock: OwnerLock | undefined;
  /**
   * Orchestration leases, when this store alone runs work on the database (it holds the
   * owner lock, or the database is a private :memory: one): then nobody else can hold a
   * lease and none needs to outlive the process, so a lease is a map entry — a claim is a
   * read, not a write of the instance row. Undefined without the owner lock (several
   * stores on one file): leases are then the instances table's lease columns.
   */
  readonly #leases: Map<string, { token: string; expiresAt: number }> | undefined;
  /** The in-memory leases the commit in progress ended, to give back if it rolls back. */
  #released: [string, { token: string; expiresAt: number }][] | undefined;
  readonly #listeners = new Set<(notification: StoreNotification) => void>();
  #closed = false;

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
    this.#leases = soleUser ? new Map() : undefined;
    this.#fullSync = lock !== undefined && (db.pragma("synchronous", { simple: true }) as number) === 2;
    this.#s = prepareStatements(db);
    this.#lister = new InstanceLister(db);
    this.#server = new ServerTables(db);
    this.#txCreate = db.transaction((init: NewInstance, now: number) => this.#createInstance(init, now));
    this.#txCreateMany = db.transaction((inits: readonly NewInstance[], now: number) => this.#createInstances(inits, now));
    this.#txEnqueue = db.transaction((message: NewMessage, only: readonly InstanceStatus[] | undefined) => this.#enqueue(message, only));
    this.#txEnqueueMany = db.transaction((messages: readonly MessageToEnqueue[]) =>
      messages.map(({ message, onlyIfStatus }) => this.#enqueue(message, onlyIfStatus)),
    );
    this.#txPurge = db.transaction((instanceId: string) => this.#purge(instanceId));
    this.#txClaimOrchestrations = db.transaction((request: ClaimRequest & { maxMessages?: number }) => this.#claimOrchestrations(request));
    this.#txCommit = db.transaction((turns: readonly TurnCommit[], now: number) => this.#commitTurns(turns, now));
    this.#txClaimActivities = db.transaction((request: ActivityClaimRequest) => this.#claimActivities(request));
    this.#txRenew = db.transaction((leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number) =>
      this.#renew(leases, leaseMs, now),
    );
    this.#txComplete = db.transaction((results: readonly ActivityResult[], now: number) => this.#complete(results, now));
    this.#txClearLeases = db.transaction(() => {
      this.#s.clearInstanceLeases.run();
      this.#s.clearActivityLeases.run();
    });
  }

  // Transactions are built once, like the statements. IMMEDIATE: they all write,
  // so they take the write lock up front instead of upgrading (and failing) midway.
  readonly #txCreate: Database.Transaction<(init: NewInstance, now: number) => void>;
  readonly #txCreateMany: Database.Transaction<(inits: readonly NewInstance[], now: number) => CreateOutcome[]>;
  readonly #txEnqueue: Database.Transaction<(message: NewMessage, only: readonly InstanceStatus[] | undefined) => EnqueueResult>;
  readonly #txEnqueueMany: Database.Transaction<(messages: readonly MessageToEnqueue[]) => EnqueueResult[]>;
  readonly #txPurge: Database.Transaction<(instanceId: string) => "purged" | "not-found" | "not-terminal">;
  readonly #txClaimOrchestrations: Database.Transaction<(request: ClaimRequest & { maxMessages?: number }) => OrchestrationWorkItem[]>;
  readonly #txCommit: Database.Transaction<(turns: readonly TurnCommit[], now: number) => TurnOutcome[]>;
  readonly #txClaimActivities: Database.Transaction<(request: ActivityClaimRequest) => ActivityWorkItem[]>;
  readonly #txRenew: Database.Transaction<
    (leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number) => string[]
  >;
  readonly #txComplete: Database.Transaction<(results: readonly ActivityResult[], now: number) => boolean[]>;
  readonly #txClearLeases: Database.Transaction<() => void>;
  /** What the running transaction touched; turned into notifications after it commits. */
  #changes: Changes = noChanges();

  // ---- instances ---------------------------------------------------------

  async createInstance(init: NewInstance, now: number): Promise<void> {
    this.#write("create instance", () => this.#txCreate.immediate(init, now));
  }

  async createInstances(inits: readonly NewInstance[], now: number): Promise<CreateOutcome[]> {
    if (inits.length === 0) return [];
    return this.#write("create instances", () => this.#txCreateMany.immediate(inits, now));
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.#read("get instance", () => {
      const row = this.#s.getInstance.get(instanceId) as InstanceRow | undefined;
      return row ? toInstanceRecord(row) : undefined;
    });
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.#read("list instances", () => this.#lister.list(query));
  }

  async countInstances(): Promise<Record<InstanceStatus, number>> {
    return this.#read("count instances", () => {
      const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
      for (const row of this.#s.countByStatus.all() as { status: InstanceStatus; n: number }[]) counts[row.status] = row.n;
      return counts;
    });
  }

  async queueDepth(now: number): Promise<{ orchestrations: number; activities: number }> {
    return this.#read("read queue depth", () => ({
      orchestrations: (this.#s.readyInstances.get({ now }) as { n: number }).n - this.#leasedWithWork(now),
      activities: (this.#s.readyActivities.get({ now }) as { n: number }).n,
    }));
  }

  async getHistory(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEvent[]> {
    return this.#read("get history", () => {
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
    return this.#write("enqueue message", () => this.#txEnqueue.immediate(message, options.onlyIfStatus));
  }

  async enqueueMessages(messages: readonly MessageToEnqueue[]): Promise<EnqueueResult[]> {
    if (messages.length === 0) return [];
    return this.#write("enqueue messages", () => this.#txEnqueueMany.immediate(messages));
  }

  async purgeInstance(instanceId: string): Promise<"purged" | "not-found" | "not-terminal"> {
    return this.#write("purge instance", () => this.#txPurge.immediate(instanceId));
  }

  // ---- orchestration work ------------------------------------------------

  async claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): Promise<OrchestrationWorkItem[]> {
    // With leases in memory a claim writes nothing: its reads need one snapshot, not the write lock.
    if (this.#leases) return this.#read("claim orchestrations", () => this.#txClaimOrchestrations.deferred(request));
    return this.#leaseWrite("claim orchestrations", () => this.#txClaimOrchestrations.immediate(request));
  }

  async commitTurns(turns: readonly TurnCommit[], now: number): Promise<TurnOutcome[]> {
    if (turns.length === 0) return [];
    const released: [string, { token: string; expiresAt: number }][] = [];
    this.#released = released;
    try {
      return this.#write("commit turns", () => this.#txCommit.immediate(turns, now));
    } catch (error) {
      // Rolled back: the leases the batch's turns gave up are theirs again.
      for (const [instanceId, lease] of released) this.#leases?.set(instanceId, lease);
      throw error;
    } finally {
      this.#released = undefined;
    }
  }

  async releaseOrchestration(instanceId: string, leaseToken: string): Promise<void> {
    if (this.#leases) {
      this.#assertOpen("release orchestration");
      if (this.#leases.get(instanceId)?.token !== leaseToken) return;
      this.#leases.delete(instanceId);
      const messages = this.#read("release orchestration", () => this.#s.hasMessages.get(instanceId) !== undefined);
      if (messages) this.#notify({ ...noChanges(), orchestrationWork: true });
      return;
    }
    this.#leaseWrite("release orchestration", () => {
      const released = this.#s.releaseLease.run(instanceId, leaseToken).changes > 0;
      if (released && this.#s.hasMessages.get(instanceId) !== undefined) this.#changes.orchestrationWork = true;
    });
  }

  // ---- activity work -----------------------------------------------------

  async claimActivities(request: ActivityClaimRequest): Promise<ActivityWorkItem[]> {
    return this.#leaseWrite("claim activities", () => this.#txClaimActivities.immediate(request));
  }

  async renewActivityLeases(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): Promise<string[]> {
    if (leases.length === 0) return [];
    return this.#leaseWrite("renew activity leases", () => this.#txRenew.immediate(leases, leaseMs, now));
  }

  async completeActivities(results: readonly ActivityResult[], now: number): Promise<boolean[]> {
    if (results.length === 0) return [];
    // An activity result need not reach the disk by itself: the turn that consumes it commits
    // with a full sync, which makes it durable too; lost in a power cut before that, the
    // activity simply runs again (activities are at-least-once).
    return this.#leaseWrite("complete activities", () => this.#txComplete.immediate(results, now));
  }

  // ---- timing and notifications -------------------------------------------

  async nextWakeAt(now: number): Promise<number | undefined> {
    return this.#read("compute next wake-up", () => {
      const row = this.#s.nextWakeAt.get({ now }) as { t: number | null } | undefined;
      let next = row?.t ?? undefined;
      for (const lease of this.#leases?.values() ?? []) {
        if (lease.expiresAt > now && (next === undefined || lease.expiresAt < next)) next = lease.expiresAt;
      }
      return next;
    });
  }

  subscribe(listener: (notification: StoreNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // ---- workflow definitions (server-tables.ts) ----------------------------------

  async saveWorkflowDraft(draft: WorkflowDraft, now: number): Promise<WorkflowRecord> {
    return this.#write("save workflow draft", () => this.#server.saveWorkflowDraft(draft, now));
  }

  async getWorkflow(workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.#read("get workflow", () => this.#server.getWorkflow(workflowId));
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return this.#read("list workflows", () => this.#server.listWorkflows());
  }

  async publishWorkflowVersion(workflowId: string, definition: unknown, now: number): Promise<number> {
    return this.#write("publish workflow version", () => this.#server.publishWorkflowVersion(workflowId, definition, now));
  }

  async getWorkflowVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    return this.#read("get workflow version", () => this.#server.getWorkflowVersion(workflowId, version));
  }

  async deleteWorkflow(workflowId: string): Promise<boolean> {
    return this.#write("delete workflow", () => this.#server.deleteWorkflow(workflowId));
  }

  // ---- small durable facts for the server (server-tables.ts) ----------------------

  async claimOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#write("claim once key", () => this.#server.claimOnce(key, expiresAt, now));
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.#read("get value", () => this.#server.getValue(key));
  }

  async setValue(key: string, value: string): Promise<void> {
    this.#write("set value", () => this.#server.setValue(key, value));
  }

  async appendOutbox(entry: NewOutboxEntry, now: number): Promise<OutboxEntry> {
    return this.#write("append to the outbox", () => this.#server.appendOutbox(entry, now));
  }

  async listOutbox(options: { limit?: number; beforeId?: number; instanceId?: string } = {}): Promise<OutboxEntry[]> {
    return this.#read("list the outbox", () => this.#server.listOutbox(options));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    try {
      this.#db.close();
    } finally {
      this.#lock?.release();
    }
  }

  // ---- transaction bodies (run inside this.#tx*) ---------------------------

  #createInstance(init: NewInstance, now: number): void {
    const existing = this.#s.instanceStatus.get(init.instanceId) as { status: InstanceStatus } | undefined;
    if (existing && !isTerminal(existing.status)) throw new InstanceExistsError(init.instanceId, existing.status);
    if (existing) this.#deleteInstance(init.instanceId);
    insertInstance(this.#s, init, now, this.#changes);
  }

  #createInstances(inits: readonly NewInstance[], now: number): CreateOutcome[] {
    return inits.map((init): CreateOutcome => {
      const existing = this.#s.instanceStatus.get(init.instanceId) as { status: InstanceStatus } | undefined;
      if (existing && !isTerminal(existing.status)) return { created: false, status: existing.status };
      if (existing) this.#deleteInstance(init.instanceId);
      insertInstance(this.#s, init, now, this.#changes);
      return { created: true };
    });
  }

  #enqueue(message: NewMessage, onlyIfStatus: readonly InstanceStatus[] | undefined): EnqueueResult {
    const row = this.#s.instanceStatus.get(message.instanceId) as { status: InstanceStatus } | undefined;
    if (!row) return "not-found";
    if (onlyIfStatus && !onlyIfStatus.includes(row.status)) return "rejected";
    // enqueueMessage has no `now`, and the store never reads the wall clock:
    // a message without visibleAt is visible at once (epoch 0).
    insertMessage(this.#s, message, 0, this.#changes);
    return "ok";
  }

  #purge(instanceId: string): "purged" | "not-found" | "not-terminal" {
    const row = this.#s.instanceStatus.get(instanceId) as { status: InstanceStatus } | undefined;
    if (!row) return "not-found";
    if (!isTerminal(row.status)) return "not-terminal";
    this.#deleteInstance(instanceId);
    this.#changes.instances.add(instanceId);
    return "purged";
  }

  #claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): OrchestrationWorkItem[] {
    const { now, limit, leaseMs, owner } = request;
    if (limit <= 0) return [];
    const maxMessages = request.maxMessages ?? DEFAULT_MAX_MESSAGES;
    const candidates = new Set<string>();
    for (const row of this.#s.claimableMessages.iterate({ now }) as IterableIterator<{ instance_id: string }>) {
      if (this.#leaseHeld(row.instance_id, now)) continue;
      candidates.add(row.instance_id);
      if (candidates.size >= limit) break;
    }
    const items: OrchestrationWorkItem[] = [];
    for (const instanceId of candidates) {
      const token = newLeaseToken();
      const row = this.#takeLease(instanceId, token, owner, now + leaseMs);
      const suspended = row.status === "suspended" ? 1 : 0;
      const messages: InboxRow[] = [];
      for (const message of this.#s.claimMessages.iterate({ instanceId, now, suspended }) as IterableIterator<InboxRow>) {
        messages.push(message);
        if (messages.length >= maxMessages) break;
      }
      items.push({ instance: toInstanceRecord(row), leaseToken: token, messages: messages.map(toInboxMessage) });
    }
    return items;
  }

  #commitTurns(turns: readonly TurnCommit[], now: number): TurnOutcome[] {
    // Group commit: one transaction for the batch. Each turn is fenced before it
    // writes anything, so a rejected turn leaves no trace while the others commit.
    return turns.map((turn) => {
      if (!this.#fenceHolds(turn, now)) return { committed: false, claimed: [] };
      const claimed = applyTurn(this.#s, turn, now, this.#changes);
      // A claimed turn's lease ends with its commit (in the table, applyTurn's instance update
      // cleared it), so a second turn of the same claim in this batch is refused.
      const lease = turn.local === undefined ? this.#leases?.get(turn.instanceId) : undefined;
      if (lease) {
        this.#leases?.delete(turn.instanceId);
        this.#released?.push([turn.instanceId, lease]);
      }
      return { committed: true, claimed };
    });
  }

  /** A claimed turn needs its lease; a local turn needs the state it was computed from, and its tasks' leases. */
  #fenceHolds(turn: TurnCommit, now: number): boolean {
    const row = this.#s.leaseOf.get(turn.instanceId) as InstanceFence | undefined;
    if (row === undefined) return false;
    const local = turn.local;
    if (this.#leases) {
      const lease = this.#leases.get(turn.instanceId);
      if (!local) return lease !== undefined && lease.token === turn.leaseToken && lease.expiresAt > now;
      if (lease !== undefined && lease.expiresAt > now) return false;
    } else {
      if (!local) return row.lease_token === turn.leaseToken && (row.lease_expires_at ?? 0) > now;
      if (row.lease_expires_at !== null && row.lease_expires_at > now) return false;
    }
    if (row.status !== "running" || row.last_seq !== local.lastSeq || row.execution_id !== local.executionId) return false;
    return local.completes.every((task) => this.#taskHeld(task.id, task.leaseToken, now));
  }

  /** Deletes an ended instance with everything it has, its lease included (a new one may take its id). */
  #deleteInstance(instanceId: string): void {
    deleteInstance(this.#s, instanceId);
    this.#leases?.delete(instanceId);
  }

  /** Whether someone holds the orchestration lease of this instance at `now` (in the table, the claim's statement already checked). */
  #leaseHeld(instanceId: string, now: number): boolean {
    const lease = this.#leases?.get(instanceId);
    return lease !== undefined && lease.expiresAt > now;
  }

  /** Leases a free instance to `token` and returns its row. */
  #takeLease(instanceId: string, token: string, owner: string, expiresAt: number): InstanceRow {
    if (!this.#leases) return this.#s.leaseInstance.get(token, owner, expiresAt, instanceId) as InstanceRow;
    this.#leases.set(instanceId, { token, expiresAt });
    return this.#s.getInstance.get(instanceId) as InstanceRow;
  }

  /** In-memory leases of instances that have visible messages: readyInstances counted them as ready. */
  #leasedWithWork(now: number): number {
    let n = 0;
    for (const [instanceId, lease] of this.#leases ?? []) {
      if (lease.expiresAt > now && this.#s.hasVisibleMessage.get(instanceId, now) !== undefined) n += 1;
    }
    return n;
  }

  #taskHeld(id: string, leaseToken: string, now: number): boolean {
    const rowId = parseTaskId(id);
    if (rowId === undefined) return false;
    const lease = this.#s.activityLease.get(rowId) as { lease_token: string | null; lease_expires_at: number | null } | undefined;
    return lease !== undefined && lease.lease_token === leaseToken && (lease.lease_expires_at ?? 0) > now;
  }

  #claimActivities(request: ActivityClaimRequest): ActivityWorkItem[] {
    const { now, limit, leaseMs, owner } = request;
    if (limit <= 0) return [];
    const names = request.names === undefined ? undefined : JSON.stringify(request.names);
    const bounded = request.suspects !== undefined;
    const select = (statement: Database.Statement, max: number) =>
      (names === undefined
        ? statement.all({ now, limit: max, maxClaims: bounded ? 0 : Number.MAX_SAFE_INTEGER })
        : statement.all({ now, limit: max, maxClaims: bounded ? 0 : Number.MAX_SAFE_INTEGER, names })) as ActivityRow[];
    const candidates = select(names === undefined ? this.#s.claimableActivities : this.#s.claimableActivitiesNamed, limit);
    const suspects = Math.min(limit, Math.floor(request.suspects ?? 0));
    if (suspects > 0) {
      candidates.push(...select(names === undefined ? this.#s.claimableSuspects : this.#s.claimableSuspectsNamed, suspects));
      candidates.sort((a, b) => a.visible_at - b.visible_at || a.id - b.id);
      candidates.length = Math.min(candidates.length, limit);
    }
    // The rows as read, leased by a plain update (no RETURNING, see insertLeasedActivity).
    return candidates.map((row) => {
      const token = newLeaseToken();
      const expiresAt = now + leaseMs;
      this.#s.leaseActivity.run({ id: row.id, token, owner, expiresAt });
      return toActivityWorkItem({ ...row, lease_token: token, lease_expires_at: expiresAt, claim_count: row.claim_count + 1 });
    });
  }

  #renew(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): string[] {
    const held: string[] = [];
    for (const { id, leaseToken } of leases) {
      const rowId = parseTaskId(id);
      if (rowId === undefined) continue;
      const renewed = this.#s.renewActivity.run({ id: rowId, token: leaseToken, expiresAt: now + leaseMs, now }).changes > 0;
      if (renewed) held.push(id);
    }
    return held;
  }

  #complete(results: readonly ActivityResult[], now: number): boolean[] {
    return results.map((result) => {
      if (!this.#taskHeld(result.id, result.leaseToken, now)) return false;
      this.#s.deleteActivity.run(Number(result.id));
      // The owning instance may be gone (purged, replaced): the task still completes.
      if (this.#s.instanceStatus.get(result.message.instanceId) !== undefined) {
        insertMessage(this.#s, result.message, now, this.#changes);
      }
      return true;
    });
  }

  #clearLeases(): void {
    this.#write("clear the previous owner's leases", () => this.#txClearLeases.immediate());
  }

  // ---- plumbing ------------------------------------------------------------

  #read<T>(operation: string, fn: () => T): T {
    this.#assertOpen(operation);
    try {
      return fn();
    } catch (error) {
      throw this.#wrap(operation, error);
    }
  }

  /**
   * A write that only takes or gives back leases (or hands over an activity result). Its commit need not reach the
   * disk before we go on: one process owns the database and clears every lease
   * when it opens it, so a lease lost in a power cut is harmless, and the next
   * durable commit syncs the WAL up to and including it. Skipping its fsync
   * halves the fsyncs per workflow step under synchronous=FULL.
   */
  #leaseWrite<T>(operation: string, fn: () => T): T {
    if (!this.#fullSync) return this.#write(operation, fn);
    this.#db.pragma("synchronous = NORMAL");
    try {
      return this.#write(operation, fn);
    } finally {
      this.#db.pragma("synchronous = FULL");
    }
  }

  /** Runs a write, then (only once it has committed) notifies the listeners. */
  #write<T>(operation: string, fn: () => T): T {
    this.#assertOpen(operation);
    this.#changes = noChanges();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#changes = noChanges();
      throw this.#wrap(operation, error);
    }
    const changes = this.#changes;
    this.#changes = noChanges();
    this.#notify(changes);
    return result;
  }

  #notify(changes: Changes): void {
    if (this.#listeners.size === 0) return;
    const notifications = [...changes.instances].map((instanceId) => instanceChanged(instanceId, changes.statuses.get(instanceId)));
    if (changes.orchestrationWork) notifications.push({ kind: "work-available", queue: "orchestration" });
    if (changes.activityWork) notifications.push({ kind: "work-available", queue: "activity" });
    for (const notification of notifications) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(notification);
        } catch {
          // A listener's failure must not undo or fail a committed write.
        }
      }
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new StoreError(`Cannot ${operation}: the SQLite store for ${this.path} is closed.`);
  }

  #wrap(operation: string, error: unknown): Error {
    if (error instanceof EngineError) return error;
    return new StoreError(`SQLite store ${this.path}: could not ${operation}: ${messageOf(error)}`, { cause: error });
  }
}

/** What commitTurns checks of an instance before applying a turn to it. */
interface InstanceFence {
  lease_token: string | null;
  lease_expires_at: number | null;
  status: InstanceStatus;
  last_seq: number;
  execution_id: string;
}

/** Activity ids are the row ids, as decimal strings. */
function parseTaskId(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
