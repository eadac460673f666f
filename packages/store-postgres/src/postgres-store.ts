import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  INSTANCE_STATUSES,
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
import { instanceChanged } from "@weft/engine/store-kit";
import { planClaimActivities, planCompleteActivities, planRenewActivityLeases } from "./activities.js";
import { planCommitTurns } from "./commit-turns.js";
import {
  Database,
  clientConfig,
  messageOf,
  prepared,
  quoteIdent,
  type Changes,
  type PlannedWrite,
  type WriteOptions,
} from "./connection.js";
import { planCreateInstances, planEnqueueMessages } from "./instance-writes.js";
import { listInstances } from "./list-query.js";
import { WorkerLiveness } from "./liveness.js";
import { migrate, type MigrationResult } from "./migrations.js";
import { ChangeListener, NOTIFY_SQL, channelFor } from "./notifications.js";
import { NotifySender } from "./notify-sender.js";
import { planClaimOrchestrations, planReleaseOrchestration } from "./orchestrations.js";
import { INSTANCE_COLUMNS, nowMs, toHistoryEvent, toInstanceRecord, type HistoryRow, type InstanceRow } from "./rows.js";
import * as server from "./server-tables.js";
import { deleteInstance } from "./writes.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (any libpq-style URL node-postgres accepts). */
  connectionString: string;
  /** The schema that holds Weft's tables; created and migrated at open. Default "weft". */
  schema?: string;
  /** Connections in the pool (the LISTEN connection comes on top). Default 10. */
  poolSize?: number;
  /**
   * The lease this deployment's workers should ask for (pass `store.leaseMs` to
   * createWorker). It also bounds how long a session may sit idle inside a
   * transaction before the server ends it. Default 30 000.
   */
  leaseMs?: number;
  /**
   * How often dispatchers should poll when no notification arrives (pass
   * `store.pollIntervalMs` to createWorker). While the LISTEN connection is
   * down, the store itself nudges its listeners this often. Default 1000.
   */
  pollIntervalMs?: number;
  /** `application_name` of the store's sessions (pg_stat_activity); the listener's gets ":listen". Default "weft". */
  applicationName?: string;
}

export interface PostgresStore extends Store {
  readonly kind: "postgres";
  readonly schema: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  /** What the migrations did at open. */
  readonly migration: MigrationResult;
  /** True while the LISTEN connection is up (it reconnects by itself when dropped). */
  readonly listening: boolean;
  registerWorker(owner: string): Promise<void>;
  unregisterWorker(owner: string): Promise<void>;
  releaseDeadWorkers(now: number): Promise<number>;
}

const DEFAULTS = { schema: "weft", poolSize: 10, leaseMs: 30_000, pollIntervalMs: 1000, applicationName: "weft" } as const;
const CONNECT_TIMEOUT_MS = 10_000;
/** Floor of idle_in_transaction_session_timeout: short leases in tests must not kill slow-but-healthy sessions. */
const MIN_IDLE_IN_TRANSACTION_MS = 10_000;
/** At most one NOTIFY per this long per store: other processes hear of changes that much later at worst. */
const NOTIFY_INTERVAL_MS = 5;

/**
 * Opens a PostgreSQL store: creates and migrates its schema, opens the pool
 * and the LISTEN connection. Many processes may open the same database and
 * schema at once; they share the work through leases and notify each other.
 *
 * @example
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL! });
 * const worker = createWorker({ store, leaseMs: store.leaseMs, pollIntervalMs: store.pollIntervalMs, ... });
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStoreImpl.open(options);
}

class PostgresStoreImpl implements PostgresStore {
  readonly kind = "postgres" as const;
  readonly schema: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly migration: MigrationResult;
  readonly #s: string;
  readonly #pool: pg.Pool;
  readonly #db: Database;
  readonly #listener: ChangeListener;
  readonly #listeners: Set<(notification: StoreNotification) => void>;
  readonly #liveness: WorkerLiveness;
  readonly #notifier: NotifySender;
  #closing: Promise<void> | undefined;

  static async open(options: PostgresStoreOptions): Promise<PostgresStoreImpl> {
    const schema = options.schema ?? DEFAULTS.schema;
    const poolSize = options.poolSize ?? DEFAULTS.poolSize;
    const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
    const applicationName = options.applicationName ?? DEFAULTS.applicationName;
    validate(schema, poolSize, leaseMs, pollIntervalMs);
    const base = {
      connectionString: options.connectionString,
      idleInTransactionMs: Math.max(leaseMs, MIN_IDLE_IN_TRANSACTION_MS),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    };
    // Pipeline mode: a transaction's statements go out without waiting for each reply (see Database.write).
    const pool = new pg.Pool({ ...clientConfig({ ...base, applicationName }), pipeline: true, max: poolSize, idleTimeoutMillis: 30_000 });
    // An idle client whose connection drops emits 'error' on the pool, which removes it;
    // without a listener the process would crash. Operations see their own errors.
    pool.on("error", () => undefined);
    const origin = randomBytes(6).toString("hex");
    const listeners = new Set<(notification: StoreNotification) => void>();
    const liveness = new WorkerLiveness(schema, quoteIdent(schema));
    const listener = new ChangeListener({
      clientConfig: clientConfig({ ...base, applicationName: `${applicationName}:listen` }),
      channel: channelFor(schema),
      origin,
      deliver: (notifications) => emit(listeners, notifications),
      pollIntervalMs,
      onConnect: (session) => liveness.hold(session),
    });
    try {
      const migration = await migrate(pool, schema);
      await listener.start();
      return new PostgresStoreImpl({ schema, leaseMs, pollIntervalMs, migration, pool, listener, listeners, origin, liveness });
    } catch (error) {
      await listener.close();
      await pool.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError(
        `Could not open the PostgreSQL store (schema "${schema}") at ${redact(options.connectionString)}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  private constructor(parts: {
    schema: string;
    leaseMs: number;
    pollIntervalMs: number;
    migration: MigrationResult;
    pool: pg.Pool;
    listener: ChangeListener;
    listeners: Set<(notification: StoreNotification) => void>;
    origin: string;
    liveness: WorkerLiveness;
  }) {
    this.schema = parts.schema;
    this.leaseMs = parts.leaseMs;
    this.pollIntervalMs = parts.pollIntervalMs;
    this.migration = parts.migration;
    this.#s = quoteIdent(parts.schema);
    this.#pool = parts.pool;
    this.#listener = parts.listener;
    this.#listeners = parts.listeners;
    this.#liveness = parts.liveness;
    const channel = channelFor(parts.schema);
    this.#notifier = new NotifySender({
      origin: parts.origin,
      intervalMs: NOTIFY_INTERVAL_MS,
      // Its own transaction, off the commit path of the writes it announces; nothing in it needs to be durable.
      send: (payloads) =>
        this.#db.write("notify other processes", [{ text: NOTIFY_SQL, values: [channel, payloads] }], () => undefined, { durable: false }),
      othersMayListen: () => parts.listener.othersMayListen(),
    });
    this.#db = new Database({
      pool: parts.pool,
      label: `PostgreSQL store (schema "${parts.schema}")`,
      afterCommit: (changes: Changes) => {
        emit(this.#listeners, toNotifications(changes));
        this.#notifier.add(changes);
      },
    });
  }

  get listening(): boolean {
    return this.#listener.connected;
  }

  // ---- instances ---------------------------------------------------------

  async createInstance(init: NewInstance, now: number): Promise<void> {
    const [outcome] = await this.#write("create instance", planCreateInstances(this.#s, [init], now));
    if (outcome && !outcome.created) throw new InstanceExistsError(init.instanceId, outcome.status);
  }

  async createInstances(inits: readonly NewInstance[], now: number): Promise<CreateOutcome[]> {
    if (inits.length === 0) return [];
    return this.#write("create instances", planCreateInstances(this.#s, inits, now));
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.#db.read("get instance", async (c) => {
      const result = await c.query<InstanceRow>(
        prepared(`SELECT ${INSTANCE_COLUMNS} FROM ${this.#s}.instances WHERE instance_id = $1`, [instanceId]),
      );
      const row = result.rows[0];
      return row ? toInstanceRecord(row) : undefined;
    });
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.#db.read("list instances", (c) => listInstances(c, this.#s, query));
  }

  async countInstances(): Promise<Record<InstanceStatus, number>> {
    return this.#db.read("count instances", async (c) => {
      const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
      const result = await c.query<{ status: InstanceStatus; n: number }>(
        `SELECT status, count(*)::integer AS n FROM ${this.#s}.instances GROUP BY status`,
      );
      for (const row of result.rows) counts[row.status] = row.n;
      return counts;
    });
  }

  async queueDepth(now: number): Promise<{ orchestrations: number; activities: number }> {
    return this.#db.read("read queue depth", async (c) => {
      const result = await c.query<{ orchestrations: number; activities: number }>(
        `SELECT
           (SELECT count(DISTINCT m.instance_id)::integer FROM ${this.#s}.inbox m JOIN ${this.#s}.instances i ON i.instance_id = m.instance_id
             WHERE m.visible_at <= $1 AND (i.lease_expires_at IS NULL OR i.lease_expires_at <= $1)) AS orchestrations,
           (SELECT count(*)::integer FROM ${this.#s}.activity_tasks WHERE lease_owner IS NULL AND visible_at <= $1)
             + (SELECT count(*)::integer FROM ${this.#s}.activity_tasks WHERE lease_owner IS NOT NULL AND available_at <= $1) AS activities`,
        [nowMs(now)],
      );
      return result.rows[0] ?? { orchestrations: 0, activities: 0 };
    });
  }

  async getHistory(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEvent[]> {
    return this.#db.read("get history", async (c) => {
      const limit = options.limit === undefined ? null : Math.max(0, Math.trunc(options.limit));
      const result = await c.query<HistoryRow>(
        prepared(`SELECT seq, event FROM ${this.#s}.history WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
          instanceId,
          Math.floor(options.afterSeq ?? 0),
          limit,
        ]),
      );
      return result.rows.map(toHistoryEvent);
    });
  }

  async enqueueMessage(message: NewMessage, options: { onlyIfStatus?: readonly InstanceStatus[] } = {}): Promise<EnqueueResult> {
    const [result] = await this.#write("enqueue message", planEnqueueMessages(this.#s, [{ message, ...options }]));
    return result ?? "not-found";
  }

  async enqueueMessages(messages: readonly MessageToEnqueue[]): Promise<EnqueueResult[]> {
    if (messages.length === 0) return [];
    return this.#write("enqueue messages", planEnqueueMessages(this.#s, messages));
  }

  async purgeInstance(instanceId: string): Promise<"purged" | "not-found" | "not-terminal"> {
    return this.#db.transaction("purge instance", async (c, changes) => {
      const row = await c.query<{ status: InstanceStatus }>(`SELECT status FROM ${this.#s}.instances WHERE instance_id = $1 FOR UPDATE`, [
        instanceId,
      ]);
      const status = row.rows[0]?.status;
      if (status === undefined) return "not-found";
      if (!isTerminal(status)) return "not-terminal";
      await deleteInstance(c, this.#s, instanceId);
      changes.instances.add(instanceId);
      return "purged";
    });
  }

  // ---- orchestration work ------------------------------------------------

  async claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): Promise<OrchestrationWorkItem[]> {
    if (!(Math.floor(request.limit) >= 1)) return [];
    return this.#write("claim orchestrations", planClaimOrchestrations(this.#s, request), { durable: false });
  }

  async commitTurns(turns: readonly TurnCommit[], now: number): Promise<TurnOutcome[]> {
    if (turns.length === 0) return [];
    return this.#write("commit turns", planCommitTurns(this.#s, turns, now));
  }

  async releaseOrchestration(instanceId: string, leaseToken: string): Promise<void> {
    await this.#write("release orchestration", planReleaseOrchestration(this.#s, instanceId, leaseToken), { durable: false });
  }

  // ---- activity work -----------------------------------------------------

  async claimActivities(request: ActivityClaimRequest): Promise<ActivityWorkItem[]> {
    if (!(Math.floor(request.limit) >= 1)) return [];
    return this.#write("claim activities", planClaimActivities(this.#s, request), { durable: false });
  }

  async renewActivityLeases(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): Promise<string[]> {
    if (leases.length === 0) return [];
    return this.#write("renew activity leases", planRenewActivityLeases(this.#s, leases, leaseMs, now), { durable: false });
  }

  /**
   * Not durable either: a result lost in a crash means the activity runs again
   * (at least once is the contract), and the turn that consumes it commits durably,
   * flushing the WAL up to and including it.
   */
  async completeActivities(results: readonly ActivityResult[], now: number): Promise<boolean[]> {
    if (results.length === 0) return [];
    return this.#write("complete activities", planCompleteActivities(this.#s, results, now), { durable: false });
  }

  // ---- worker liveness (see liveness.ts) -------------------------------------

  async registerWorker(owner: string): Promise<void> {
    try {
      await this.#liveness.register(this.#listener.session, owner);
    } catch (error) {
      throw new StoreError(`Could not register worker '${owner}' (schema "${this.schema}"): ${messageOf(error)}`, { cause: error });
    }
  }

  async unregisterWorker(owner: string): Promise<void> {
    await this.#db.read("unregister worker", (c) => this.#liveness.unregister(this.#listener.session, c, owner));
  }

  async releaseDeadWorkers(now: number): Promise<number> {
    return this.#db.transaction("release dead workers' leases", (c, changes) => this.#liveness.releaseDead(c, now, changes), {
      durable: false,
    });
  }

  // ---- timing and notifications -------------------------------------------

  async nextWakeAt(now: number): Promise<number | undefined> {
    return this.#db.read("compute next wake-up", async (c) => {
      const result = await c.query<{ t: number | null }>(
        prepared(
          `SELECT LEAST(
           (SELECT MIN(visible_at) FROM ${this.#s}.inbox WHERE visible_at > $1),
           (SELECT MIN(visible_at) FROM ${this.#s}.activity_tasks WHERE lease_owner IS NULL AND visible_at > $1),
           (SELECT MIN(available_at) FROM ${this.#s}.activity_tasks WHERE lease_owner IS NOT NULL AND available_at > $1),
           (SELECT MIN(lease_expires_at) FROM ${this.#s}.instances WHERE lease_expires_at > $1)
         ) AS t`,
          [nowMs(now)],
        ),
      );
      return result.rows[0]?.t ?? undefined;
    });
  }

  subscribe(listener: (notification: StoreNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // ---- workflow definitions ------------------------------------------------------

  async saveWorkflowDraft(draft: WorkflowDraft, now: number): Promise<WorkflowRecord> {
    return this.#db.once("save workflow draft", (c) => server.saveWorkflowDraft(c, this.#s, draft, now));
  }

  async getWorkflow(workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.#db.read("get workflow", (c) => server.getWorkflow(c, this.#s, workflowId));
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return this.#db.read("list workflows", (c) => server.listWorkflows(c, this.#s));
  }

  async publishWorkflowVersion(workflowId: string, definition: unknown, now: number): Promise<number> {
    return this.#db.transaction("publish workflow version", (c) => server.publishWorkflowVersion(c, this.#s, workflowId, definition, now));
  }

  async getWorkflowVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    return this.#db.read("get workflow version", (c) => server.getWorkflowVersion(c, this.#s, workflowId, version));
  }

  async deleteWorkflow(workflowId: string): Promise<boolean> {
    return this.#db.transaction("delete workflow", (c) => server.deleteWorkflow(c, this.#s, workflowId));
  }

  // ---- small durable facts for the server ------------------------------------------

  async claimOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    // Sweeping only removes records that no longer count, so it cannot change an answer.
    await this.#db.read("sweep expired once keys", (c) => server.sweepOnceKeys(c, this.#s, key, now));
    return this.#db.once("claim once key", (c) => server.claimOnce(c, this.#s, key, expiresAt, now));
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.#db.read("get value", (c) => server.getValue(c, this.#s, key));
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.#db.read("set value", (c) => server.setValue(c, this.#s, key, value));
  }

  async appendOutbox(entry: NewOutboxEntry, now: number): Promise<OutboxEntry> {
    return this.#db.once("append to the outbox", (c) => server.appendOutbox(c, this.#s, entry, now));
  }

  async listOutbox(options: { limit?: number; beforeId?: number; instanceId?: string } = {}): Promise<OutboxEntry[]> {
    return this.#db.read("list the outbox", (c) => server.listOutbox(c, this.#s, options));
  }

  /** Runs a planned write in one round trip (Database.write). */
  #write<T>(operation: string, plan: PlannedWrite<T>, options: WriteOptions = {}): Promise<T> {
    return this.#db.write(operation, plan.statements, plan.interpret, options);
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      // What this store committed reaches the other processes before the pool ends.
      await this.#notifier.flush();
      this.#db.markClosed();
      this.#listeners.clear();
      // pool.end() waits for the operations in flight to give their clients back.
      await Promise.allSettled([this.#listener.close(), this.#pool.end()]);
    })();
    return this.#closing;
  }
}

function toNotifications(changes: Changes): StoreNotification[] {
  const notifications = [...changes.instances].map((instanceId) => instanceChanged(instanceId, changes.statuses.get(instanceId)));
  if (changes.orchestrationWork) notifications.push({ kind: "work-available", queue: "orchestration" });
  if (changes.activityWork || changes.reservedActivityWork) notifications.push({ kind: "work-available", queue: "activity" });
  return notifications;
}

function emit(listeners: Set<(notification: StoreNotification) => void>, notifications: readonly StoreNotification[]): void {
  if (listeners.size === 0) return;
  for (const notification of notifications) {
    for (const listener of [...listeners]) {
      try {
        listener(notification);
      } catch {
        // A listener's failure must not undo or fail a committed write.
      }
    }
  }
}

function validate(schema: string, poolSize: number, leaseMs: number, pollIntervalMs: number): void {
  if (schema.length === 0 || Buffer.byteLength(schema) > 63 || schema.includes("\u0000")) {
    throw new StoreError(`PostgreSQL schema name "${schema}" is not usable: it must be 1 to 63 bytes long.`);
  }
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new StoreError(`poolSize must be a positive integer, not ${poolSize}.`);
  if (!(leaseMs > 0)) throw new StoreError(`leaseMs must be positive, not ${leaseMs}.`);
  if (!(pollIntervalMs > 0)) throw new StoreError(`pollIntervalMs must be positive, not ${pollIntervalMs}.`);
}

/** The URL without its password, for messages. */
function redact(connectionString: string): string {
  return connectionString.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:…@");
}
