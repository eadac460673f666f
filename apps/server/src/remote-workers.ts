import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ActivityDescription } from "@weft/activities";
import { type ActivityWorkItem, type FailureDetails, isTerminal, toIso } from "@weft/engine";
import { type Store } from "@weft/workflow-store";
import type { Logger } from "pino";
import { conflict, HttpProblem } from "./problem.js";

/** What a remote worker registers for each activity type it serves. */
export interface RemoteActivityType {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  category?: string | undefined;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown> | undefined;
}

export interface RemoteActivityRecord extends ActivityDescription {
  registeredAt: string;
  /** The last time a worker polled for this name (this process's view). */
  lastPollAt: string | null;
}

/** A task as handed to a remote worker. */
export interface RemoteTask {
  taskToken: string;
  activity: string;
  input: unknown;
  attempt: number;
  instanceId: string;
  taskId: number;
  idempotencyKey: string;
  tags: Record<string, unknown> | null;
  /** The attempt's timeout, if the workflow set one: the server fails the attempt then. */
  timeoutMs: number | null;
  /** Heartbeat more often than this, or the task goes back to the queue for another worker. */
  leaseMs: number;
  leaseExpiresAt: string;
}

export interface RemoteWorkersOptions {
  store: Store;
  logger: Logger;
  /** How long a handed-out task stays leased without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Where a name is already served in this process ("built-in", "activities/x.ts" …), or undefined. */
  servedLocally: (name: string) => string | undefined;
}

const REGISTRY_KEY = "weft.remote-activities";
const TOKEN_KEY = "weft.remote-task-token-key";
/** Longest a poll is held; below the usual 30 s proxy and load-balancer idle timeouts. */
export { MAX_POLL_WAIT_MS } from "@weft/protocol";
import { MAX_POLL_WAIT_MS } from "@weft/protocol";

interface TokenPayload {
  id: string;
  lease: string;
  instanceId: string;
  executionId: string;
  taskId: number;
  attempt: number;
  name: string;
  startedAt: string;
}

/**
 * The remote-worker side of the task hub: a registry of activity types that workers in
 * any language serve over HTTP, long polls that claim their tasks from the store with a
 * lease, and completion, failure and heartbeat by task token.
 *
 * A task token is `<payload>.<hmac>`: the task id and its lease token (plus what the
 * result message needs), signed with a key kept in the store, so any server process
 * sharing the store accepts it and nobody can forge one. The lease token is the fence:
 * a result whose lease was lost is refused by the store and writes nothing, so a task
 * is never lost — it is in the queue again, or its instance has ended.
 */
export class RemoteWorkers {
  readonly leaseMs: number;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #servedLocally: (name: string) => string | undefined;
  readonly #registry = new Map<string, RemoteActivityRecord>();
  #names: ReadonlySet<string> = new Set();
  #key: Buffer | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #timeouts = new Map<string, NodeJS.Timeout>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: RemoteWorkersOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.#servedLocally = options.servedLocally;
  }

  /** Loads the registry and the token key from the store, and listens for new work. */
  async open(): Promise<void> {
    const saved = await this.#store.getValue(REGISTRY_KEY);
    if (saved) {
      for (const record of JSON.parse(saved) as RemoteActivityRecord[]) this.#registry.set(record.name, record);
    }
    this.#names = new Set(this.#registry.keys());
    let key = await this.#store.getValue(TOKEN_KEY);
    if (!key) {
      key = randomBytes(32).toString("hex");
      await this.#store.setValue(TOKEN_KEY, key);
    }
    this.#key = Buffer.from(key, "hex");
    this.#unsubscribe = this.#store.subscribe((n) => {
      if (n.kind === "work-available" && n.queue === "activity") this.#wakeAll();
    });
  }

  close(): void {
    this.#unsubscribe?.();
    this.#wakeAll();
    for (const timer of this.#timeouts.values()) clearTimeout(timer);
    this.#timeouts.clear();
  }

  /** Names served by remote workers: the in-process worker leaves their tasks alone. */
  names(): ReadonlySet<string> {
    return this.#names;
  }

  list(): RemoteActivityRecord[] {
    return [...this.#registry.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Catalog entries (the same shape as the in-process activities'). */
  descriptions(): (ActivityDescription & { source: "remote" })[] {
    return this.list().map(({ name, title, description, category, inputSchema, outputSchema }) => ({
      name,
      title,
      description,
      category,
      inputSchema,
      outputSchema,
      source: "remote" as const,
    }));
  }

  /**
   * Registers (or re-registers, replacing the schema) activity types. Refused with 409 for a
   * name this process runs itself: two implementations of one name would race for its tasks.
   */
  async register(types: readonly RemoteActivityType[]): Promise<RemoteActivityRecord[]> {
    for (const type of types) {
      const local = this.#servedLocally(type.name);
      if (local) {
        throw conflict(
          `Activity '${type.name}' is already served in-process (${local}); a remote worker cannot register it. Pick another name, or remove it from the server.`,
        );
      }
    }
    const now = new Date().toISOString();
    const records = types.map((type): RemoteActivityRecord => {
      const previous = this.#registry.get(type.name);
      return {
        name: type.name,
        title: type.title ?? type.name,
        description: type.description ?? "",
        category: type.category ?? "Remote",
        inputSchema: type.inputSchema,
        outputSchema: type.outputSchema ?? {},
        registeredAt: previous?.registeredAt ?? now,
        lastPollAt: previous?.lastPollAt ?? null,
      };
    });
    for (const record of records) this.#registry.set(record.name, record);
    await this.#save();
    return records;
  }

  /** Forgets a name: its queued tasks then fail fast (nobody serves it) unless someone registers it again. */
  async unregister(name: string): Promise<boolean> {
    const had = this.#registry.delete(name);
    if (had) await this.#save();
    return had;
  }

  /**
   * Claims up to `max` tasks of the given (registered) names, waiting up to `waitMs` for
   * one to arrive: a `work-available` notification wakes the wait, and so does the time a
   * lease lapses (a task whose worker died comes back).
   */
  async poll(request: {
    workerId: string;
    activities: readonly string[];
    max: number;
    waitMs: number;
    signal?: AbortSignal;
  }): Promise<RemoteTask[]> {
    const unknown = request.activities.filter((name) => !this.#registry.has(name));
    if (unknown.length > 0) {
      throw conflict(
        `Not registered: ${unknown.map((n) => `'${n}'`).join(", ")}. POST /api/workers/activities with their JSON Schemas first, then poll.`,
      );
    }
    const seen = new Date().toISOString();
    for (const name of request.activities) {
      const record = this.#registry.get(name);
      if (record) record.lastPollAt = seen;
    }
    const deadline = Date.now() + Math.min(request.waitMs, MAX_POLL_WAIT_MS);
    for (;;) {
      if (request.signal?.aborted) return [];
      const items = await this.#store.claimActivities({
        owner: `remote:${request.workerId}`,
        limit: request.max,
        leaseMs: this.leaseMs,
        now: Date.now(),
        names: request.activities,
      });
      if (items.length > 0) return items.map((item) => this.#handOut(item));
      const now = Date.now();
      if (now >= deadline) return [];
      let wait = Math.min(deadline - now, 1000);
      const next = await this.#store.nextWakeAt(now);
      if (next !== undefined) wait = Math.max(0, Math.min(wait, next - now));
      await this.#sleep(wait, request.signal);
    }
  }

  /** Records the result. 401 for a bad token; 409 when the lease is no longer held. */
  async complete(token: string, result: unknown): Promise<void> {
    const task = this.#verify(token);
    await this.#finish(task, { type: "TaskCompleted", result: result ?? null });
    this.#logger.debug({ instanceId: task.instanceId, taskId: task.taskId, activity: task.name }, "remote activity completed");
  }

  /** Records a failure; `nonRetryable` stops the workflow's retries. */
  async fail(
    token: string,
    error: {
      name?: string | undefined;
      message: string;
      nonRetryable?: boolean | undefined;
      details?: unknown;
      stack?: string | undefined;
    },
  ): Promise<void> {
    const task = this.#verify(token);
    const failure: FailureDetails = { name: error.name ?? "RemoteActivityError", message: error.message };
    if (error.stack) failure.stack = error.stack;
    if (error.nonRetryable) failure.nonRetryable = true;
    if (error.details !== undefined) failure.details = error.details;
    await this.#finish(task, { type: "TaskFailed", error: failure });
  }

  /** Extends the lease; 409 (stop working, the result is not wanted) when the task is gone. */
  async heartbeat(token: string, details?: unknown): Promise<{ leaseExpiresAt: string }> {
    const task = this.#verify(token);
    const now = Date.now();
    const held = await this.#store.renewActivityLeases([{ id: task.id, leaseToken: task.lease }], this.leaseMs, now);
    if (!held.includes(task.id)) throw await this.#gone(task);
    if (details !== undefined)
      this.#logger.debug({ instanceId: task.instanceId, taskId: task.taskId, activity: task.name, details }, "remote heartbeat");
    return { leaseExpiresAt: toIso(now + this.leaseMs) };
  }

  // ---- internals -------------------------------------------------------------------------

  #handOut(item: ActivityWorkItem): RemoteTask {
    const payload: TokenPayload = {
      id: item.id,
      lease: item.leaseToken,
      instanceId: item.instanceId,
      executionId: item.executionId,
      taskId: item.taskId,
      attempt: item.attempt,
      name: item.name,
      startedAt: new Date().toISOString(),
    };
    const taskToken = this.#sign(payload);
    if (item.timeoutMs !== undefined) {
      // The attempt's timeout is the server's to enforce: the worker may be anywhere, or dead.
      const timer = setTimeout(() => {
        this.#timeouts.delete(item.id);
        void this.#finish(payload, {
          type: "TaskFailed",
          error: { name: "TimeoutError", message: `Activity '${item.name}' did not finish within ${item.timeoutMs} ms.` },
        }).catch(() => {
          // Already completed, or the lease moved on: nothing to time out.
        });
      }, item.timeoutMs);
      timer.unref();
      this.#timeouts.set(item.id, timer);
    }
    return {
      taskToken,
      activity: item.name,
      input: item.input ?? null,
      attempt: item.attempt,
      instanceId: item.instanceId,
      taskId: item.taskId,
      idempotencyKey: `${item.instanceId}:${item.executionId}:${item.taskId}`,
      tags: (item.tags as Record<string, unknown> | undefined) ?? null,
      timeoutMs: item.timeoutMs ?? null,
      leaseMs: this.leaseMs,
      leaseExpiresAt: toIso(item.leaseExpiresAt),
    };
  }

  async #finish(
    task: TokenPayload,
    outcome: { type: "TaskCompleted"; result: unknown } | { type: "TaskFailed"; error: FailureDetails },
  ): Promise<void> {
    const now = Date.now();
    const base = { taskId: task.taskId, attempt: task.attempt, startedAt: task.startedAt, at: toIso(now), name: task.name };
    const [ok] = await this.#store.completeActivities(
      [
        {
          id: task.id,
          leaseToken: task.lease,
          message: { instanceId: task.instanceId, executionId: task.executionId, event: { ...base, ...outcome } },
        },
      ],
      now,
    );
    if (!ok) throw await this.#gone(task);
    const timer = this.#timeouts.get(task.id);
    if (timer) clearTimeout(timer);
    this.#timeouts.delete(task.id);
  }

  async #gone(task: TokenPayload): Promise<HttpProblem> {
    const instance = await this.#store.getInstance(task.instanceId);
    const ended = !instance || isTerminal(instance.status) || instance.executionId !== task.executionId;
    const why = ended
      ? `its instance '${task.instanceId}' is ${instance ? instance.status : "gone"}, so the result is no longer wanted`
      : "its lease expired (no heartbeat within leaseMs) and the task went back to the queue for another worker";
    return new HttpProblem(409, "Conflict", `Task ${task.taskId} ('${task.name}') is no longer yours: ${why}. Stop working on it.`, {
      reason: ended ? "instance-ended" : "lease-lost",
    });
  }

  #sign(payload: TokenPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.#mac(body)}`;
  }

  #verify(token: string): TokenPayload {
    const [body, mac, extra] = token.split(".");
    const expected = body ? this.#mac(body) : "";
    if (
      !body ||
      !mac ||
      extra !== undefined ||
      mac.length !== expected.length ||
      !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
    ) {
      throw new HttpProblem(
        401,
        "Unauthorized",
        "The task token is not one this server issued; use the taskToken from POST /api/workers/poll as is.",
      );
    }
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
  }

  #mac(body: string): string {
    if (!this.#key) throw new Error("RemoteWorkers.open() was not called");
    return createHmac("sha256", this.#key).update(body).digest("base64url");
  }

  async #save(): Promise<void> {
    this.#names = new Set(this.#registry.keys());
    await this.#store.setValue(REGISTRY_KEY, JSON.stringify(this.list()));
    this.#wakeAll();
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
