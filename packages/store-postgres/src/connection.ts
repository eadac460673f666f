import { createHash } from "node:crypto";
import pg from "pg";
import type { ClientConfig, PoolClient, QueryResultRow } from "pg";
import { EngineError, type InstanceStatus, StoreError } from "@weft/engine";

/** What a write touched; turned into notifications after commit (local listeners at once, other processes by a coalesced NOTIFY). */
export interface Changes {
  instances: Set<string>;
  /** The status of a changed instance, where a committed turn established it (see statusAfterTurn); local listeners only. */
  statuses: Map<string, InstanceStatus>;
  orchestrationWork: boolean;
  activityWork: boolean;
  /** Tasks reserved for this process (sticky dispatch): its own activity dispatcher needs to hear, no other process. */
  reservedActivityWork?: boolean;
}

export function noChanges(): Changes {
  return { instances: new Set(), statuses: new Map(), orchestrationWork: false, activityWork: false };
}

/** The part of a pooled client the statements use. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A named (prepared) statement: see `prepared`. */
  query<R extends QueryResultRow = QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
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
    value === "{}"
      ? []
      : value
          .slice(1, -1)
          .split(",")
          .map((item) => (item === "NULL" ? null : Number(item))),
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

/** One statement of a pipelined write. */
export interface Statement {
  text: string;
  values?: unknown[];
  /**
   * Run as a named prepared statement: each connection parses it once, and after five
   * runs PostgreSQL may keep a generic plan. For the large CTE statements whose plan does
   * not depend on the values (rows found by their keys), planning cost more than running
   * (a one-turn commit: ~10 ms planned, ~4 ms prepared, on the 2-core test box).
   */
  prepared?: boolean;
}

/** A write ready for Database.write: its statements, and how to read their results after the commit. */
export interface PlannedWrite<T> {
  statements: Statement[];
  interpret: (results: pg.QueryResult[], changes: Changes) => T;
}

export interface DatabaseOptions {
  pool: pg.Pool;
  /** For messages: "PostgreSQL store (schema weft)". */
  label: string;
  /** Called after COMMIT with what the transaction touched (local listeners, then the cross-process NOTIFY). */
  afterCommit: (changes: Changes) => void;
}

export interface WriteOptions {
  /**
   * false: commit without waiting for the WAL flush (`SET LOCAL synchronous_commit TO off`).
   * Only for writes whose loss in a crash is harmless — see ARCHITECTURE.md for each case.
   */
  durable?: boolean;
}

/**
 * Runs statements on pooled connections. The pool's connections are in pipeline
 * mode: statements are written without waiting for the previous reply, so a
 * transaction whose statements do not depend on each other's results (BEGIN, the
 * statements, COMMIT) costs one round trip and the session never sits idle in
 * transaction waiting for Node. Every transaction ends in COMMIT or ROLLBACK, and
 * its client goes back to the pool (destroyed when the connection may be broken).
 */
export class Database {
  readonly #pool: pg.Pool;
  readonly #label: string;
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
   * A write in one round trip. One prepared statement (a turn commit, a batch of starts)
   * is sent alone and runs as its own transaction — PostgreSQL commits an extended-protocol
   * statement implicitly at its Sync, with the same WAL flush as a COMMIT. Anything else
   * goes as BEGIN, `statements`, COMMIT, sent together: later statements see what earlier
   * ones did (each takes a fresh snapshot); if one fails, PostgreSQL skips the rest and
   * turns the COMMIT into a ROLLBACK, so the write is all or nothing. `interpret` reads the
   * results (one per statement) after the commit and records what the write touched.
   *
   * Why one statement alone: every query of a pipeline ends in its own Sync, so the server
   * answers (and Node wakes) once per query. BEGIN + INSERT + COMMIT sent together took
   * 0.71–1.05 ms a commit on the 2-core test box, the INSERT alone 0.35–0.42 ms, both
   * flushed to disk (bench/ANALYSIS.md).
   */
  async write<T>(
    operation: string,
    statements: readonly Statement[],
    interpret: (results: pg.QueryResult[], changes: Changes) => T,
    options: WriteOptions = {},
  ): Promise<T> {
    const alone = statements.length === 1 && statements[0]?.prepared === true && options.durable !== false;
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.#connect(operation);
      const uncork = cork(client);
      let sent: Promise<pg.QueryResult>[];
      // Results before the statements' own (BEGIN, or the session's switch to generic plans).
      let lead = 1;
      try {
        if (alone) {
          const setup = genericSessions.has(client) ? [] : [client.query(SESSION_GENERIC_PLANS)];
          lead = setup.length;
          sent = [...setup, ...statements.map((s) => client.query(toQuery(s)))];
        } else {
          sent = [
            client.query(beginSql(client, statements, options)),
            ...statements.map((s) => client.query(toQuery(s))),
            client.query("COMMIT"),
          ];
        }
      } finally {
        uncork();
      }
      const settled = await Promise.allSettled(sent);
      if (alone && lead === 1 && settled[0]?.status === "fulfilled") genericSessions.add(client);
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failure === undefined) {
        client.release();
        const results = settled.map((s) => (s as PromiseFulfilledResult<pg.QueryResult>).value);
        if (!alone) {
          const commit = results[results.length - 1];
          // A failed statement turns COMMIT into ROLLBACK; its own error is reported first,
          // so this only guards against a statement that failed without reporting.
          if (commit?.command !== "COMMIT")
            throw this.wrap(operation, new Error(`the transaction ended in ${commit?.command ?? "nothing"}`));
        }
        const changes = noChanges();
        const value = interpret(results.slice(lead, alone ? undefined : -1), changes);
        this.#afterCommit(changes);
        return value;
      }
      const lost = settled.find((s): s is PromiseRejectedResult => s.status === "rejected" && isConnectionError(s.reason));
      client.release(lost === undefined ? undefined : asError(lost.reason));
      const first = settled[0];
      if (first?.status === "rejected" && neverRan(first.reason) && attempt + 1 < this.#attempts) continue;
      throw this.wrap(operation, failure.reason);
    }
  }

  /**
   * A transaction whose statements depend on earlier results: BEGIN goes out with
   * the first statement (no round trip of its own), then `fn`, then COMMIT. An
   * error rolls it back and surfaces as StoreError (engine errors pass through). A
   * connection found dead at BEGIN (nothing done yet) is discarded and the
   * transaction started again on another one.
   */
  async transaction<T>(operation: string, fn: (client: Queryable, changes: Changes) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.#connect(operation);
      const uncork = cork(client);
      const begin = client.query(beginSql(client, [], options)).then(
        () => undefined,
        (error: unknown) => asError(error),
      );
      let broken: Error | undefined;
      try {
        const changes = noChanges();
        let running: Promise<T>;
        try {
          running = fn(client, changes);
        } finally {
          uncork();
        }
        const result = await running;
        const beginError = await begin;
        if (beginError) throw beginError;
        await client.query("COMMIT");
        this.#afterCommit(changes);
        return result;
      } catch (error) {
        const beginError = await begin;
        if (beginError === undefined) {
          broken = await rollback(client, error);
        } else if (isConnectionError(beginError)) {
          broken = beginError;
          if (neverRan(beginError) && attempt + 1 < this.#attempts) continue;
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
        return await fn(plansForValues(client));
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

/**
 * Prepared statements (`Statement.prepared`) are planned with their generic plan from the
 * first run. PostgreSQL plans the first five runs of a prepared statement on every
 * connection for their values before it settles on the generic plan — for the commit
 * statement ~3 ms a run instead of ~0.8 ms, and a pool has several connections and the
 * commit several shapes (commit-turns.ts). These statements find rows by their keys: the
 * plan does not depend on the values. Other statements (claims, list queries) keep plans
 * made for their values.
 *
 * Inside BEGIN … COMMIT that is `SET LOCAL`. A prepared statement sent alone (see
 * Database.write) has no transaction block to set it in, so its connection's session is
 * switched (once, remembered here) and switched back before a statement that wants plans
 * for its values runs on it: in BEGIN (`SET LOCAL`, no message of its own) or before an
 * unprepared query with parameters outside a transaction (see plansForValues).
 */
const genericSessions = new WeakSet<PoolClient>();
const SESSION_GENERIC_PLANS = "SET plan_cache_mode TO force_generic_plan";
const SESSION_CUSTOM_PLANS = "SET plan_cache_mode TO auto";

/**
 * BEGIN, with what the transaction needs set in the same simple query (no extra message):
 * generic plans for prepared statements only, plans for their values otherwise (undoing a
 * generic session), and — for lease-only writes — no wait for the WAL flush: a lease lost
 * in a crash only means another worker claims the work again, and fencing rejects the old
 * holder.
 */
function beginSql(client: PoolClient, statements: readonly Statement[], options: WriteOptions): string {
  const parts = ["BEGIN"];
  if (statements.length > 0 && statements.every((s) => s.prepared)) parts.push("SET LOCAL plan_cache_mode TO force_generic_plan");
  else if (genericSessions.has(client)) parts.push("SET LOCAL plan_cache_mode TO auto");
  if (options.durable === false) parts.push("SET LOCAL synchronous_commit TO off");
  return parts.join("; ");
}

/**
 * The client for a read or a single autocommit statement: on a session switched to generic
 * plans, an unprepared query with parameters switches it back first (pipelined, no wait of
 * its own), so list queries and the like are planned for their values as before.
 */
function plansForValues(client: PoolClient): Queryable {
  return {
    query(textOrConfig: string | pg.QueryConfig, values?: unknown[]) {
      const unprepared =
        typeof textOrConfig === "string"
          ? values !== undefined && values.length > 0
          : textOrConfig.name === undefined && (textOrConfig.values?.length ?? 0) > 0;
      if (unprepared && genericSessions.has(client)) {
        genericSessions.delete(client);
        // Its failure (a lost connection) fails the query queued behind it, which reports it.
        client.query(SESSION_CUSTOM_PLANS).catch(() => undefined);
      }
      return typeof textOrConfig === "string" ? client.query(textOrConfig, values) : client.query(textOrConfig);
    },
  } as Queryable;
}

/**
 * The connection was dead before the server ran anything of ours: the client refused
 * to send, or the server's first reply was that it is ending the session (it answers
 * in order, so nothing sent after that first statement ran either). A connection that
 * just vanished is not in this list: what it ran is unknown.
 */
function neverRan(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_SQLSTATES.has(code)) return true;
  return /not queryable|Client was closed/i.test(error.message);
}

/** The driver's query config; a prepared statement is named after its text, so one name means one text. */
function toQuery(statement: Statement): pg.QueryConfig {
  const { text, values = [] } = statement;
  return statement.prepared ? prepared(text, values) : { text, values };
}

/**
 * A read that runs often with a plan that does not depend on its values (rows found by
 * their keys): a named prepared statement, parsed once per connection instead of per
 * call (a workflow read per start request spent ~0.17 ms parsing and ~0.18 ms binding).
 * Name its columns (no `*`): a prepared statement whose result gains a column — a later
 * migration run by another process — fails with "cached plan must not change result type".
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  return { name: statementName(text), text, values };
}

/**
 * Names of prepared statement texts, remembered: the same few texts (one per statement
 * shape) come back with every commit, and hashing a several-KiB text each time cost
 * ~30 µs of a ~1 ms step. Bounded, in case shapes vary more than expected.
 */
const statementNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 256;

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `weft_${createHash("sha1").update(text).digest("base64url")}`;
    if (statementNames.size >= MAX_REMEMBERED_NAMES) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Holds the client's writes until the returned function runs, so that messages sent
 * together (BEGIN, statements, COMMIT) leave in one write: the server then finds them
 * all in its input at once instead of waking per packet.
 */
function cork(client: PoolClient): () => void {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  return () => stream?.uncork?.();
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
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
