import type { Statements } from "./statements.js";
import type { Changes } from "./writes.js";

/** An orchestration lease kept in memory: the claim's token and when it expires (epoch ms). */
export interface Lease {
  token: string;
  expiresAt: number;
}

/**
 * What the store's transaction bodies share: the statements, the in-memory leases, and
 * what the running write touched. One object per store, built at open; the write runner
 * (operations.ts) resets `changes` for each write.
 */
export interface StoreContext {
  readonly s: Statements;
  /**
   * Orchestration leases, when this store alone runs work on the database (it holds the
   * owner lock, or the database is a private :memory: one): then nobody else can hold a
   * lease and none needs to outlive the process, so a lease is a map entry — a claim is a
   * read, not a write of the instance row. Undefined without the owner lock (several
   * stores on one file): leases are then the instances table's lease columns.
   */
  readonly leases: Map<string, Lease> | undefined;
  /** The in-memory leases the commit in progress ended, to give back if it rolls back. */
  released: [string, Lease][] | undefined;
  /** What the running transaction touched; turned into notifications after it commits. */
  changes: Changes;
}
