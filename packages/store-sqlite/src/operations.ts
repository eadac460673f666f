import type Database from "better-sqlite3";
import { EngineError, StoreError, type StoreNotification } from "@weft/engine";
import { instanceChanged } from "@weft/engine/store-kit";
import type { StoreContext } from "./store-context.js";
import { noChanges, type Changes } from "./writes.js";

/**
 * How the store runs an operation: refused once the store is closed, driver errors
 * wrapped in StoreError (engine errors pass through), and a write's listeners notified
 * of what it touched only once its transaction has committed.
 */
export class Operations {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #ctx: StoreContext;
  /** synchronous=FULL with the owner lock held: lease-only writes may then skip their fsync. */
  readonly #fullSync: boolean;
  readonly #listeners = new Set<(notification: StoreNotification) => void>();
  #closed = false;

  constructor(db: Database.Database, path: string, ctx: StoreContext, fullSync: boolean) {
    this.#db = db;
    this.#path = path;
    this.#ctx = ctx;
    this.#fullSync = fullSync;
  }

  /** Refuses every later operation and forgets the listeners; false if it was closed already. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#listeners.clear();
    return true;
  }

  subscribe(listener: (notification: StoreNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  read<T>(operation: string, fn: () => T): T {
    this.assertOpen(operation);
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
  leaseWrite<T>(operation: string, fn: () => T): T {
    if (!this.#fullSync) return this.write(operation, fn);
    this.#db.pragma("synchronous = NORMAL");
    try {
      return this.write(operation, fn);
    } finally {
      this.#db.pragma("synchronous = FULL");
    }
  }

  /** Runs a write, then (only once it has committed) notifies the listeners. */
  write<T>(operation: string, fn: () => T): T {
    this.assertOpen(operation);
    this.#ctx.changes = noChanges();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#ctx.changes = noChanges();
      throw this.#wrap(operation, error);
    }
    const changes = this.#ctx.changes;
    this.#ctx.changes = noChanges();
    this.notify(changes);
    return result;
  }

  notify(changes: Changes): void {
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

  assertOpen(operation: string): void {
    if (this.#closed) throw new StoreError(`Cannot ${operation}: the SQLite store for ${this.#path} is closed.`);
  }

  #wrap(operation: string, error: unknown): Error {
    if (error instanceof EngineError) return error;
    return new StoreError(`SQLite store ${this.#path}: could not ${operation}: ${messageOf(error)}`, { cause: error });
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
