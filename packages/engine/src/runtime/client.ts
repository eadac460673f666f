import { type Clock, type IdGenerator, systemClock } from "./clock.js";
import { timeOrderedIds } from "./time-ordered-ids.js";
import { EngineError, InstanceExistsError, InstanceNotFoundError, InstanceStateError } from "../core/errors.js";
import { type EventType, type HistoryEvent, toIso } from "../core/history.js";
import { idProblem } from "../core/names.js";
import type { InstanceRecord, InstanceStatus } from "./instance.js";
import { createGroupCommit } from "./group-commit.js";
import { subscribeToInstance, waitForCompletion } from "./instance-watch.js";
import type { CreateOutcome, EnqueueResult, InstancePage, InstanceQuery, MessageToEnqueue, NewInstance, TaskHubStore } from "./store.js";

export interface ClientOptions {
  store: TaskHubStore;
  clock?: Clock;
  /** Instance and execution ids; by default time-ordered (see time-ordered-ids.ts). */
  ids?: IdGenerator;
}

export interface StartOptions {
  /** Default: a random UUID. An id is reusable only once its instance is terminal. */
  instanceId?: string;
  tags?: Record<string, string>;
  /** Delayed start. */
  startAt?: Date;
}

export type InstanceChange = { type: "history"; event: HistoryEvent } | { type: "status"; instance: InstanceRecord };

export interface SubscribeOptions {
  /** Only history after this seq (resume point). Default 0: the whole history. */
  afterSeq?: number;
  signal?: AbortSignal;
}

/**
 * Writes from concurrent calls share transactions (group commit, see group-commit.ts):
 * starts made at the same time are created in one `createInstances`, raised events and
 * lifecycle messages are queued in one `enqueueMessages`. Each call still resolves or
 * throws on its own, exactly as if it had been alone.
 */
export interface EngineClient {
  /**
   * Starts an orchestration; resolves once the instance exists (throws
   * InstanceExistsError while an instance with the id is not finished).
   * @example const id = await client.start("processOrder", { orderId: "o-1" });
   */
  start(name: string, input?: unknown, options?: StartOptions): Promise<string>;
  /** @example const instance = await client.get(id); */
  get(instanceId: string): Promise<InstanceRecord | undefined>;
  /** @example const { items, nextCursor } = await client.list({ status: ["running"], limit: 20 }); */
  list(query?: InstanceQuery): Promise<InstancePage>;
  /** @example const events = await client.history(id, { afterSeq: 10 }); */
  history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEvent[]>;
  /** @example await client.raiseEvent(id, "OrderApprovalResult", { decision: "Approved" }); */
  raiseEvent(instanceId: string, name: string, payload?: unknown): Promise<void>;
  /** @example await client.terminate(id, "cancelled by the customer"); */
  terminate(instanceId: string, reason?: string): Promise<void>;
  /** A suspended instance keeps its inbox and runs nothing until resumed. @example await client.suspend(id); */
  suspend(instanceId: string, reason?: string): Promise<void>;
  /** @example await client.resume(id); */
  resume(instanceId: string, reason?: string): Promise<void>;
  /** A new run with the same orchestrator, input and tags. @example const newId = await client.restart(id); */
  restart(instanceId: string, options?: { newInstanceId?: string | boolean }): Promise<string>;
  /** Re-runs a failed instance's failed steps. @example await client.rewind(id); */
  rewind(instanceId: string, reason?: string): Promise<void>;
  /**
   * Fires a pending durable timer now — "retry now" on a step that is backing off
   * between attempts. The timer's original firing, when it comes, finds nothing waiting.
   * @example await client.fireTimer(id, 7);
   */
  fireTimer(instanceId: string, timerTaskId: number): Promise<void>;
  /** Deletes a terminal instance and its history. @example await client.purge(id); */
  purge(instanceId: string): Promise<void>;
  /** @example const done = await client.waitForCompletion(id, { timeoutMs: 60_000 }); */
  waitForCompletion(instanceId: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<InstanceRecord>;
  /**
   * History and status changes, live, from a seq on; ends after the terminal status.
   * @example for await (const change of client.subscribe(id)) console.log(change);
   */
  subscribe(instanceId: string, options?: SubscribeOptions): AsyncIterable<InstanceChange>;
}

/** Statuses from which each lifecycle message may be sent. */
const ALLOWED_FROM: Record<string, readonly InstanceStatus[]> = {
  event: ["pending", "running", "suspended"],
  terminate: ["pending", "running", "suspended"],
  suspend: ["pending", "running"],
  resume: ["suspended"],
  rewind: ["failed"],
};

export function createClient(options: ClientOptions): EngineClient {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? timeOrderedIds;
  // One clock reading per transaction: the instances of a group are created at the same time.
  const starts = createGroupCommit<NewInstance, CreateOutcome>({ commit: (inits) => store.createInstances(inits, clock.now()) });
  const messages = createGroupCommit<MessageToEnqueue, EnqueueResult>({ commit: (batch) => store.enqueueMessages(batch) });

  async function send(
    instanceId: string,
    action: keyof typeof ALLOWED_FROM,
    verb: string,
    type: EventType,
    fields: { name?: string; input?: unknown; reason?: string } = {},
  ): Promise<void> {
    const result = await messages.submit({
      message: { instanceId, event: { type, at: toIso(clock.now()), ...fields }, visibleAt: clock.now() },
      onlyIfStatus: ALLOWED_FROM[action] ?? [],
    });
    if (result === "not-found") throw new InstanceNotFoundError(instanceId);
    if (result === "rejected") {
      const instance = await store.getInstance(instanceId);
      throw new InstanceStateError(instanceId, instance?.status ?? "gone", verb);
    }
  }

  async function mustGet(instanceId: string): Promise<InstanceRecord> {
    const instance = await store.getInstance(instanceId);
    if (!instance) throw new InstanceNotFoundError(instanceId);
    return instance;
  }

  const client: EngineClient = {
    async start(name, input, startOptions = {}) {
      const instanceId = startOptions.instanceId ?? ids.newId();
      const problem = idProblem(instanceId);
      if (problem) throw new EngineError("bad-instance-id", `An instance id ${problem}; got ${JSON.stringify(instanceId).slice(0, 80)}.`);
      const outcome = await starts.submit({
        instanceId,
        name,
        executionId: ids.newId(),
        input,
        tags: startOptions.tags ?? {},
        ...(startOptions.startAt ? { visibleAt: startOptions.startAt.getTime() } : {}),
      });
      if (!outcome.created) throw new InstanceExistsError(instanceId, outcome.status);
      return instanceId;
    },
    get: (instanceId) => store.getInstance(instanceId),
    list: (query = {}) => store.listInstances(query),
    async history(instanceId, historyOptions) {
      await mustGet(instanceId);
      return store.getHistory(instanceId, historyOptions);
    },
    raiseEvent: (instanceId, name, payload) =>
      send(instanceId, "event", `raise event '${name}' on`, "EventRaised", { name, input: payload }),
    terminate: (instanceId, reason) =>
      send(instanceId, "terminate", "terminate", "ExecutionTerminated", reason === undefined ? {} : { reason }),
    suspend: (instanceId, reason) => send(instanceId, "suspend", "suspend", "ExecutionSuspended", reason === undefined ? {} : { reason }),
    resume: (instanceId, reason) => send(instanceId, "resume", "resume", "ExecutionResumed", reason === undefined ? {} : { reason }),
    rewind: (instanceId, reason) => send(instanceId, "rewind", "rewind", "ExecutionRewound", reason === undefined ? {} : { reason }),
    async restart(instanceId, restartOptions = {}) {
      const previous = await mustGet(instanceId);
      const input = previous.input;
      const newId =
        restartOptions.newInstanceId === false
          ? instanceId
          : typeof restartOptions.newInstanceId === "string"
            ? restartOptions.newInstanceId
            : ids.newId();
      return client.start(previous.name, input, { instanceId: newId, tags: previous.tags });
    },
    async fireTimer(instanceId, timerTaskId) {
      const instance = await mustGet(instanceId);
      const history = await store.getHistory(instanceId);
      const created = history.find((e) => e.type === "TimerCreated" && e.taskId === timerTaskId);
      const fired = history.some((e) => e.type === "TimerFired" && e.taskId === timerTaskId);
      if (!created || fired) {
        throw new EngineError("timer-not-pending", `Instance '${instanceId}' has no pending timer ${timerTaskId}.`);
      }
      const result = await messages.submit({
        message: {
          instanceId,
          executionId: instance.executionId,
          event: {
            type: "TimerFired",
            at: toIso(clock.now()),
            taskId: timerTaskId,
            ...(created.fireAt ? { fireAt: created.fireAt } : {}),
            ...(created.tags ? { tags: created.tags } : {}),
          },
          visibleAt: clock.now(),
        },
        onlyIfStatus: ["running"],
      });
      if (result === "not-found") throw new InstanceNotFoundError(instanceId);
      if (result === "rejected")
        throw new InstanceStateError(instanceId, (await store.getInstance(instanceId))?.status ?? "gone", "fire a timer of");
    },
    async purge(instanceId) {
      const result = await store.purgeInstance(instanceId);
      if (result === "not-found") throw new InstanceNotFoundError(instanceId);
      if (result === "not-terminal") {
        const instance = await store.getInstance(instanceId);
        throw new InstanceStateError(instanceId, instance?.status ?? "running", "purge");
      }
    },
    waitForCompletion: (instanceId, waitOptions = {}) => waitForCompletion(store, clock, instanceId, waitOptions),
    subscribe(instanceId, subscribeOptions = {}) {
      return subscribeToInstance(store, clock, instanceId, subscribeOptions);
    },
  };
  return client;
}
