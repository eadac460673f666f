import pg from "pg";
import type { ClientConfig, PoolClient, QueryResultRow } from "pg";
import { EngineError, StoreError } from "@weft/engine";

/** What a write touched; turned into notifications (NOTIFY inside the transaction, local listeners after commit). */
export interface Changes {
  instances: Set<string>;
  orchestrationWork: boolean;
  activityWork: boolean;
}

export function noChanges(): Changes {
  return { instances: new Set(), orchestrationWork: false, activityWork: false };
}

/** The part of a pooled client the statements use. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Double-quotes an identifier (schema, channel) for SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * BIGINT (epoch ms, identity ids) as JS numbers rather than strings: every value
 * the store keeps there is far below 2^53. Scoped to the store's own clients,
 * so other users of `pg` in the process keep the driver's defaults.
 */
function typeOverrides(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, (value: string) => Number(value));
  // BIGINT[] (OID 1016) in text format is "{1,2,NULL}": numbers need no quoting.
  types.setTypeParser(1016, (value: string) =>
    value === "{}" ? [] : value.slice(1, -1).split(",").map((item) => (item === "NULL" ? null : Number(item))),
  );
  return types;
}

export function clientConfig(options: {
  connectionString: string;
  applicationName: string;
  idleInTransactionMs: number;
  connectTimeoutMs: number;
}): ClientConfig {
  return {
    connectionString: options.connectionString,
    application_name: options.applicationName,
    // A process that stops mid-transaction (SIGSTOP, a debugger) would hold its
    // row locks for ever; the server ends such a session after this long.
    idle_in_transaction_session_timeout: options.idleInTransactionMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    types: typeOverrides(),
  };
}

/** SQLSTATE classes and driver errors that mean the connection is gone, not that the statement was wrong. */
const CONNECTION_SQLSTATES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);
const CONNECTION_ERRNOS = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_SQLSTATES.has(code) || CONNECTION_ERRNOS.has(code))) return true;
  return /Connection terminated|connection error|not queryable|Client was closed/i.test(error.message);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface DatabaseOptions {
  pool: pg.Pool;
  /** For messages: "PostgreSQL store (schema weft)". */
  label: string;
  /** Called inside each write transaction, before COMMIT, with what it touched (sends the NOTIFYs). */
  beforeCommit: (client: Queryable, changes: Changes) => Promise<void>;
  /** Called after COMMIT with what the transaction touched. */
  afterCommit: (changes: Changes) => void;
}

/**
 * Runs statements on pooled connections. Every transaction ends in COMMIT or
 * ROLLBACK in a `finally`, and its client goes back to the pool (destroyed when
 * the connection may be broken), so no session is left idle in transaction.
 */
export class Database {
  readonly #pool: pg.Pool;
  readonly #label: string;
  readonly #beforeCommit: DatabaseOptions["beforeCommit"];
  readonly #afterCommit: DatabaseOptions["afterCommit"];
  #closed = false;
  /**
   * How often an operation may start over after finding its connection dead
   * before doing anything: after a server restart every idle client in the pool
   * may be dead, and each attempt discards one.
   */
  readonly #attempts: number;

  constructor(options: DatabaseOptions) {
    this.#pool = options.pool;
    this.#attempts = options.pool.options.max + 1;
    this.#label = options.label;
    this.#beforeCommit = options.beforeCommit;
    this.#afterCommit = options.afterCommit;
  }

  /**
   * Reads (or one autocommit statement that is safe to repeat). A connection
   * that turns out to be dead (the pool handed out a client whose server went
   * away) is discarded and the work is tried again on another one.
   */
  async read<T>(operation: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
    return this.#run(operation, fn, true);
  }

  /** One autocommit statement that must not be repeated blindly (it changes something). */
  async once<T>(operation: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
    return this.#run(operation, fn, false);
  }

  /**
   * A transaction: BEGIN, `fn`, the notifications, COMMIT. An error rolls it
   * back and surfaces as StoreError (engine errors pass through). A connection
   * found dead at BEGIN (nothing done yet) is discarded and the transaction
   * started again on another one.
   */
  async transaction<T>(
    operation: string,
    fn: (client: Queryable, changes: Changes) => Promise<T>,
    options: { durable?: boolean } = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.#connect(operation);
      let began = false;
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        began = true;
        // Lease-only writes need not wait for the WAL flush: a lease lost in a crash only
        // means another worker claims the work again, and fencing rejects the old holder.
        if (options.durable === false) await client.query("SET LOCAL synchronous_commit TO off");
        const changes = noChanges();
        const result = await fn(client, changes);
        await this.#beforeCommit(client, changes);
        await client.query("COMMIT");
        this.#afterCommit(changes);
        return result;
      } catch (error) {
        if (began) {
          broken = await rollback(client, error);
        } else if (isConnectionError(error)) {
          broken = error as Error;
          if (attempt + 1 < this.#attempts) continue;
        }
        throw this.wrap(operation, error);
      } finally {
        client.release(broken);
      }
    }
  }

  async #run<T>(operation: string, fn: (client: Queryable) => Promise<T>, retry: boolean): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.#connect(operation);
      let broken: Error | undefined;
      try {
        return await fn(client);
      } catch (error) {
        if (isConnectionError(error)) {
          broken = error as Error;
          if (retry && attempt + 1 < this.#attempts) continue;
        }
        throw this.wrap(operation, error);
      } finally {
        client.release(broken);
      }
    }
  }

  async #connect(operation: string): Promise<PoolClient> {
    this.assertOpen(operation);
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw this.wrap(operation, error);
    }
    // A checked-out client whose connection drops emits 'error' (besides failing its
    // query); the pool listens only to idle clients, and an unheard 'error' crashes
    // the process. The failed query is what the operation reports.
    const ignore = (): void => undefined;
    client.on("error", ignore);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      client.removeListener("error", ignore);
      release(error);
    };
    return client;
  }

  assertOpen(operation: string): void {
    if (this.#closed) throw new StoreError(`Cannot ${operation}: the ${this.#label} is closed.`);
  }

  markClosed(): void {
    this.#closed = true;
  }

  wrap(operation: string, error: unknown): Error {
    if (error instanceof EngineError) return error;
    const hint = isConnectionError(error) ? " (the connection to PostgreSQL was lost; the operation may be retried)" : "";
    return new StoreError(`${this.#label}: could not ${operation}: ${messageOf(error)}${hint}`, { cause: error });
  }
}

/** Rolls back after a failure; returns the error to destroy the client with when the connection is unusable. */
async function rollback(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return isConnectionError(cause) ? (cause as Error) : undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
