import type Database from "better-sqlite3";
import {
  InstanceExistsError,
  isTerminal,
  type CreateOutcome,
  type EnqueueResult,
  type InstanceStatus,
  type MessageToEnqueue,
  type NewInstance,
  type NewMessage,
} from "@weft/engine";
import type { StoreContext } from "./store-context.js";
import { deleteInstance, insertInstance, insertMessage } from "./writes.js";

/**
 * createInstance(s), enqueueMessage(s) and purgeInstance: their transactions, built once
 * at open (the store runs them IMMEDIATE, see sqlite-store.ts).
 */
export class InstanceWrites {
  readonly create: Database.Transaction<(init: NewInstance, now: number) => void>;
  readonly createMany: Database.Transaction<(inits: readonly NewInstance[], now: number) => CreateOutcome[]>;
  readonly enqueue: Database.Transaction<(message: NewMessage, only: readonly InstanceStatus[] | undefined) => EnqueueResult>;
  readonly enqueueMany: Database.Transaction<(messages: readonly MessageToEnqueue[]) => EnqueueResult[]>;
  readonly purge: Database.Transaction<(instanceId: string) => "purged" | "not-found" | "not-terminal">;
  readonly #ctx: StoreContext;

  constructor(db: Database.Database, ctx: StoreContext) {
    this.#ctx = ctx;
    this.create = db.transaction((init: NewInstance, now: number) => this.#createInstance(init, now));
    this.createMany = db.transaction((inits: readonly NewInstance[], now: number) => this.#createInstances(inits, now));
    this.enqueue = db.transaction((message: NewMessage, only: readonly InstanceStatus[] | undefined) => this.#enqueue(message, only));
    this.enqueueMany = db.transaction((messages: readonly MessageToEnqueue[]) =>
      messages.map(({ message, onlyIfStatus }) => this.#enqueue(message, onlyIfStatus)),
    );
    this.purge = db.transaction((instanceId: string) => this.#purge(instanceId));
  }

  #createInstance(init: NewInstance, now: number): void {
    const { s } = this.#ctx;
    const existing = s.instanceStatus.get(init.instanceId) as { status: InstanceStatus } | undefined;
    if (existing && !isTerminal(existing.status)) throw new InstanceExistsError(init.instanceId, existing.status);
    if (existing) this.#deleteInstance(init.instanceId);
    insertInstance(s, init, now, this.#ctx.changes);
  }

  #createInstances(inits: readonly NewInstance[], now: number): CreateOutcome[] {
    const { s } = this.#ctx;
    return inits.map((init): CreateOutcome => {
      const existing = s.instanceStatus.get(init.instanceId) as { status: InstanceStatus } | undefined;
      if (existing && !isTerminal(existing.status)) return { created: false, status: existing.status };
      if (existing) this.#deleteInstance(init.instanceId);
      insertInstance(s, init, now, this.#ctx.changes);
      return { created: true };
    });
  }

  #enqueue(message: NewMessage, onlyIfStatus: readonly InstanceStatus[] | undefined): EnqueueResult {
    const { s } = this.#ctx;
    const row = s.instanceStatus.get(message.instanceId) as { status: InstanceStatus } | undefined;
    if (!row) return "not-found";
    if (onlyIfStatus && !onlyIfStatus.includes(row.status)) return "rejected";
    // enqueueMessage has no `now`, and the store never reads the wall clock:
    // a message without visibleAt is visible at once (epoch 0).
    insertMessage(s, message, 0, this.#ctx.changes);
    return "ok";
  }

  #purge(instanceId: string): "purged" | "not-found" | "not-terminal" {
    const row = this.#ctx.s.instanceStatus.get(instanceId) as { status: InstanceStatus } | undefined;
    if (!row) return "not-found";
    if (!isTerminal(row.status)) return "not-terminal";
    this.#deleteInstance(instanceId);
    this.#ctx.changes.instances.add(instanceId);
    return "purged";
  }

  /** Deletes an ended instance with everything it has, its lease included (a new one may take its id). */
  #deleteInstance(instanceId: string): void {
    deleteInstance(this.#ctx.s, instanceId);
    this.#ctx.leases?.delete(instanceId);
  }
}
