import type { Action } from "../core/actions.js";
import type { Orchestrator } from "../core/context.js";
import { type Completion, ReplayExecutor } from "../core/executor.js";
import { type FailureDetails, type HistoryEvent, type NewHistoryEvent, toIso } from "../core/history.js";
import { childLimitFailure, depthFromTag } from "./child-limits.js";
import { isTerminal, type InstanceRecord, type PendingWait } from "./instance.js";
import type { InboxMessage, NewMessage, OrchestrationWorkItem, TurnCommit } from "./store.js";
import { DEFAULT_LIMITS, DEPTH_TAG, type Limits, overLimit } from "./turn-limits.js";
import { lastFailedTurn, retryFailures, runningChildren } from "./turn-rewind.js";

// The limits are part of the turn's contract; they live in turn-limits.ts.
export { DEFAULT_LIMITS, DEPTH_TAG, jsonBytes, type Limits } from "./turn-limits.js";

/** A live executor kept between turns; valid while the instance's execution and lastSeq match. */
export interface CachedExecutor {
  executor: ReplayExecutor;
  executionId: string;
  lastSeq: number;
  /**
   * The instance as this executor's last committed turn left it (set by the worker after
   * the commit): what a local turn runs on, without reading the store.
   */
  instance?: InstanceRecord;
}

export type OrchestratorResolver = (
  name: string,
  instance: InstanceRecord,
) => Orchestrator<unknown, unknown> | undefined | Promise<Orchestrator<unknown, unknown> | undefined>;

export interface TurnEnvironment {
  now: number;
  newId(): string;
  resolveOrchestrator: OrchestratorResolver;
  loadHistory(instanceId: string): Promise<HistoryEvent[]>;
  limits?: Partial<Limits>;
}

export interface TurnResult {
  commit: TurnCommit;
  /** Events the orchestrator was run over in this turn (history replayed on a miss + new ones). */
  eventsProcessed: number;
  /** What to cache once the commit succeeds; undefined means evict. */
  cache?: CachedExecutor;
}

/**
 * One orchestration turn: turns a claimed instance's inbox messages into new
 * history, runs the orchestrator over them, and describes everything that must
 * commit together. Pure with respect to the store: it reads history through
 * `env.loadHistory` only on a cache miss, and writes nothing.
 */
export async function runTurn(item: OrchestrationWorkItem, cached: CachedExecutor | undefined, env: TurnEnvironment): Promise<TurnResult> {
  const builder = new TurnBuilder(item, env);
  const result = await builder.run(cached);
  // The cached executor has seen every event this turn records.
  if (result.cache) result.cache.lastSeq = result.commit.update.lastSeq;
  return result;
}

class TurnBuilder {
  readonly #item: OrchestrationWorkItem;
  readonly #env: TurnEnvironment;
  readonly #instance: InstanceRecord;
  readonly #commit: TurnCommit & {
    consumedMessageIds: number[];
    events: HistoryEvent[];
    messages: NewMessage[];
    activities: TurnCommit["activities"][number][];
    instances: TurnCommit["instances"][number][];
  };
  #lastSeq: number;
  #status: InstanceRecord["status"];
  #executor: ReplayExecutor | undefined;
  #eventsBefore = 0;

  constructor(item: OrchestrationWorkItem, env: TurnEnvironment) {
    this.#item = item;
    this.#env = env;
    this.#instance = item.instance;
    this.#lastSeq = item.instance.lastSeq;
    this.#status = item.instance.status;
    this.#commit = {
      instanceId: item.instance.instanceId,
      leaseToken: item.leaseToken,
      consumedMessageIds: [],
      events: [],
      update: { lastSeq: item.instance.lastSeq },
      messages: [],
      activities: [],
      instances: [],
    };
  }

  async run(cached: CachedExecutor | undefined): Promise<TurnResult> {
    const instance = this.#instance;
    const current = this.#item.messages.filter((m) => m.executionId === undefined || m.executionId === instance.executionId);
    // Messages of a finished execution are consumed without effect.
    for (const m of this.#item.messages) if (!current.includes(m)) this.#consume(m);

    if (isTerminal(instance.status)) {
      const rewind = instance.status === "failed" ? current.find((m) => m.event.type === "ExecutionRewound") : undefined;
      for (const m of current) this.#consume(m);
      if (rewind) return this.#rewind(rewind);
      return this.#finish(undefined);
    }

    const work: InboxMessage[] = [];
    for (const message of current) {
      const type = message.event.type;
      if (type === "ExecutionTerminated") {
        for (const m of current) this.#consume(m);
        return this.#terminate(message);
      }
      if (type === "ExecutionSuspended") {
        this.#consume(message);
        if (this.#status === "suspended") continue;
        // Work that arrived before the suspension still runs in this turn; the rest waits.
        const result = await this.#runWork(work, cached);
        this.#record({ type: "ExecutionSuspended", at: toIso(this.#env.now), ...reasonOf(message.event) });
        this.#setStatus("suspended");
        return result;
      }
      if (type === "ExecutionResumed") {
        this.#consume(message);
        if (this.#status !== "suspended") continue;
        this.#record({ type: "ExecutionResumed", at: toIso(this.#env.now), ...reasonOf(message.event) });
        this.#setStatus(instance.lastSeq === 0 ? "pending" : "running");
        continue;
      }
      if (type === "ExecutionRewound") {
        // Only a failed instance rewinds; for any other it is a no-op.
        this.#consume(message);
        continue;
      }
      if (this.#status === "suspended") continue; // left in the inbox until resumed
      this.#consume(message);
      work.push(message);
    }
    return this.#runWork(work, cached);
  }

  // ---- the orchestrator's own work ---------------------------------------------

  async #runWork(work: InboxMessage[], cached: CachedExecutor | undefined): Promise<TurnResult> {
    if (work.length === 0) return this.#finish(this.#isCurrent(cached) ? cached : undefined);
    const instance = this.#instance;
    const started = work.find((m) => m.event.type === "ExecutionStarted");
    let executor: ReplayExecutor;
    let orchestrator: Orchestrator<unknown, unknown> | undefined;
    try {
      orchestrator = await this.#env.resolveOrchestrator(instance.name, instance);
    } catch (error) {
      return this.#complete({ kind: "failed", error: resolveFailure(instance.name, error) });
    }
    if (!orchestrator) {
      return this.#complete({
        kind: "failed",
        error: {
          name: "UnknownOrchestratorError",
          message: `No orchestrator named '${instance.name}' is registered with this worker. Register it (or publish the workflow) and restart the instance.`,
        },
      });
    }
    const init = {
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      name: instance.name,
      orchestrator,
      tags: instance.tags,
      ...(instance.parentInstanceId ? { parentInstanceId: instance.parentInstanceId } : {}),
    };
    if (started) {
      // A fresh execution (first start, continue-as-new, or reuse): the old history goes.
      if (instance.lastSeq > 0) this.#commit.deleteHistoryThroughSeq = instance.lastSeq;
      executor = new ReplayExecutor(init);
    } else if (cached && this.#isCurrent(cached)) {
      executor = cached.executor;
      this.#eventsBefore = executor.stats.eventsApplied;
    } else {
      executor = new ReplayExecutor(init);
      await executor.replay(await this.#env.loadHistory(instance.instanceId));
    }

    this.#executor = executor;
    const ordered = started ? [started, ...work.filter((m) => m !== started)] : work;
    const newEvents: HistoryEvent[] = [this.#record({ type: "OrchestratorStarted", at: toIso(this.#env.now) })];
    for (const message of ordered) newEvents.push(this.#record(message.event));
    if (this.#status === "pending") this.#setStatus("running");
    await executor.apply(newEvents, false);
    const actions = executor.takeActions();
    const refused = overLimit(this.#instance.instanceId, this.#lastSeq, actions, executor.completion, this.#env.limits);
    if (refused) return this.#complete({ kind: "failed", error: refused });
    const children = this.#childrenBefore(executor, actions);
    for (const action of actions) this.#perform(action, executor, children);
    this.#commit.update.pendingWaits = executor.openWaits().map((w): PendingWait => ({
      name: w.name,
      since: toIso(w.since),
      ...(w.timeoutAt !== undefined ? { timeoutAt: toIso(w.timeoutAt) } : {}),
      ...(w.tags ? { tags: w.tags } : {}),
    }));
    const completion = executor.completion;
    if (completion) return this.#complete(completion, executor);
    return this.#finish({ executor, executionId: instance.executionId, lastSeq: this.#lastSeq });
  }

  /** The instance's sub-orchestrations before this turn's actions: what the child limits are checked against. */
  #childrenBefore(executor: ReplayExecutor, actions: readonly Action[]): { open: number; started: number } {
    const creates = actions.filter((a) => a.kind === "CreateSubOrchestration").length;
    const { open, started } = executor.subOrchestrations;
    return { open: open - creates, started: started - creates };
  }

  #perform(action: Action, executor: ReplayExecutor, children: { open: number; started: number }): void {
    const instance = this.#instance;
    const at = toIso(this.#env.now);
    switch (action.kind) {
      case "ScheduleTask":
        this.#record({
          type: "TaskScheduled",
          at,
          taskId: action.id,
          name: action.name,
          input: action.input,
          attempt: action.attempt,
          ...(action.tags ? { tags: action.tags } : {}),
          ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}),
        });
        this.#commit.activities.push({
          instanceId: instance.instanceId,
          executionId: instance.executionId,
          taskId: action.id,
          name: action.name,
          input: action.input,
          attempt: action.attempt,
          ...(action.tags ? { tags: action.tags } : {}),
          ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}),
        });
        return;
      case "CreateTimer": {
        const fireAt = toIso(action.fireAt);
        const tags = action.tags ? { tags: action.tags } : {};
        this.#record({ type: "TimerCreated", at, taskId: action.id, fireAt, ...tags });
        this.#commit.messages.push({
          instanceId: instance.instanceId,
          executionId: instance.executionId,
          event: { type: "TimerFired", at: fireAt, taskId: action.id, fireAt, ...tags },
          visibleAt: action.fireAt,
        });
        return;
      }
      case "CreateSubOrchestration": {
        this.#record({
          type: "SubOrchestrationCreated",
          at,
          taskId: action.id,
          name: action.name,
          instanceId: action.instanceId,
          input: action.input,
          ...(action.tags ? { tags: action.tags } : {}),
        });
        const depth = depthFromTag(instance.tags[DEPTH_TAG]);
        const refused = childLimitFailure(
          { instanceId: instance.instanceId, name: action.name, taskId: action.id, depth, ...children },
          { ...DEFAULT_LIMITS, ...this.#env.limits },
        );
        children.started += 1;
        if (refused) {
          // The child is never created; the step fails in the next turn through the inbox, as a
          // child's own failure would, so the orchestrator's retry policy and try/catch apply.
          this.#commit.messages.push({
            instanceId: instance.instanceId,
            executionId: instance.executionId,
            event: { type: "SubOrchestrationFailed", at, taskId: action.id, instanceId: action.instanceId, error: refused },
          });
          return;
        }
        children.open += 1;
        this.#commit.instances.push({
          instanceId: action.instanceId,
          name: action.name,
          executionId: this.#env.newId(),
          input: action.input,
          parentInstanceId: instance.instanceId,
          parentTaskId: action.id,
          // Depth travels with the child in its tags (and its ExecutionStarted event): no extra column, no lookups.
          tags: { ...action.instanceTags, [DEPTH_TAG]: String(depth + 1) },
        });
        return;
      }
      case "SendEvent":
        this.#record({
          type: "EventSent",
          at,
          taskId: action.id,
          instanceId: action.instanceId,
          name: action.name,
          input: action.input,
        });
        this.#commit.messages.push({
          instanceId: action.instanceId,
          event: { type: "EventRaised", at, name: action.name, input: action.input },
        });
        return;
      case "SetCustomStatus":
        this.#record({ type: "CustomStatusSet", at, taskId: action.id, result: action.status });
        this.#commit.update.customStatus = executor.customStatus;
        return;
    }
  }

  // ---- endings -------------------------------------------------------------------

  #complete(completion: Completion, executor?: ReplayExecutor): TurnResult {
    const instance = this.#instance;
    const at = toIso(this.#env.now);
    const update = this.#commit.update;
    if (completion.kind === "continuedAsNew") {
      const executionId = this.#env.newId();
      this.#record({ type: "ContinuedAsNew", at, input: completion.input, executionId });
      update.executionId = executionId;
      update.input = completion.input;
      update.pendingWaits = [];
      this.#commit.cancelActivities = true;
      this.#commit.messages.push({
        instanceId: instance.instanceId,
        executionId,
        event: { type: "ExecutionStarted", at, name: instance.name, input: completion.input, executionId },
      });
      // Events raised but not yet consumed carry over to the new execution, in order.
      for (const { name, payload } of executor?.unconsumedEvents() ?? []) {
        this.#commit.messages.push({ instanceId: instance.instanceId, event: { type: "EventRaised", at, name, input: payload } });
      }
      return this.#finish(undefined);
    }
    if (completion.kind === "completed") {
      this.#record({ type: "ExecutionCompleted", at, status: "completed", result: completion.output });
      this.#setStatus("completed");
      update.output = completion.output;
    } else {
      this.#record({ type: "ExecutionCompleted", at, status: "failed", error: completion.error });
      this.#setStatus("failed");
      update.error = completion.error;
    }
    this.#endInstance(at);
    this.#notifyParent(
      completion.kind === "completed"
        ? { type: "SubOrchestrationCompleted", at, result: completion.output }
        : { type: "SubOrchestrationFailed", at, error: completion.error },
    );
    return this.#finish(undefined);
  }

  async #terminate(message: InboxMessage): Promise<TurnResult> {
    const instance = this.#instance;
    const at = toIso(this.#env.now);
    const reason = message.event.reason ?? "Terminated";
    this.#record({ type: "ExecutionTerminated", at, reason });
    this.#setStatus("terminated");
    this.#endInstance(at);
    this.#commit.update.output = { reason };
    // Children still running are terminated too: nothing is left working for a dead parent.
    const history = instance.lastSeq > 0 ? await this.#env.loadHistory(instance.instanceId) : [];
    for (const childId of runningChildren(history)) {
      this.#commit.messages.push({
        instanceId: childId,
        event: { type: "ExecutionTerminated", at, reason: `Parent '${instance.instanceId}' was terminated: ${reason}` },
      });
    }
    this.#notifyParent({
      type: "SubOrchestrationFailed",
      at,
      error: { name: "TerminatedError", message: `Instance '${instance.instanceId}' was terminated: ${reason}` },
    });
    return this.#finish(undefined);
  }

  /**
   * Rewind a failed instance: the failures delivered in its last turn, and the
   * failed completion itself, are listed in an ExecutionRewound event so replay
   * skips them; the failed activities are queued again and failed children are
   * rewound. The orchestrator then waits on those steps as if they never failed.
   */
  async #rewind(message: InboxMessage): Promise<TurnResult> {
    const instance = this.#instance;
    const history = await this.#env.loadHistory(instance.instanceId);
    const last = lastFailedTurn(history);
    if (!last) return this.#finish(undefined);
    const { failed, completed } = last;
    const at = toIso(this.#env.now);
    const newEvents = [
      this.#record({ type: "OrchestratorStarted", at }),
      this.#record({
        type: "ExecutionRewound",
        at,
        reason: message.event.reason ?? "Rewound",
        rewound: [...failed.map((e) => e.seq), completed.seq],
      }),
    ];
    const orchestrator = await this.#env.resolveOrchestrator(instance.name, instance);
    if (!orchestrator) return this.#finish(undefined);
    const executor = new ReplayExecutor({
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      name: instance.name,
      orchestrator,
      tags: instance.tags,
      ...(instance.parentInstanceId ? { parentInstanceId: instance.parentInstanceId } : {}),
    });
    this.#executor = executor;
    await executor.replay([...history, ...newEvents]);
    retryFailures(instance, history, failed, at, this.#commit);
    this.#setStatus("running");
    Object.assign(this.#commit.update, { error: null, output: null, completedAt: null });
    if (executor.completion) return this.#complete(executor.completion, executor);
    this.#commit.update.pendingWaits = executor.openWaits().map((w) => ({
      name: w.name,
      since: toIso(w.since),
      ...(w.timeoutAt !== undefined ? { timeoutAt: toIso(w.timeoutAt) } : {}),
      ...(w.tags ? { tags: w.tags } : {}),
    }));
    return this.#finish({ executor, executionId: instance.executionId, lastSeq: this.#lastSeq });
  }

  #endInstance(at: string): void {
    this.#commit.update.completedAt = at;
    this.#commit.update.pendingWaits = [];
    this.#commit.cancelActivities = true;
    this.#commit.dropInbox = true;
  }

  #notifyParent(event: NewHistoryEvent): void {
    const instance = this.#instance;
    if (!instance.parentInstanceId || instance.parentTaskId === undefined) return;
    this.#commit.messages.push({
      instanceId: instance.parentInstanceId,
      event: { ...event, taskId: instance.parentTaskId, instanceId: instance.instanceId },
    });
  }

  // ---- bookkeeping ---------------------------------------------------------------

  #record(event: NewHistoryEvent): HistoryEvent {
    const recorded: HistoryEvent = { ...event, seq: ++this.#lastSeq };
    this.#commit.events.push(recorded);
    this.#commit.update.lastSeq = this.#lastSeq;
    return recorded;
  }

  #consume(message: InboxMessage): void {
    this.#commit.consumedMessageIds.push(message.id);
  }

  #setStatus(status: InstanceRecord["status"]): void {
    this.#status = status;
    this.#commit.update.status = status;
  }

  #isCurrent(cached: CachedExecutor | undefined): cached is CachedExecutor {
    return cached !== undefined && cached.executionId === this.#instance.executionId && cached.lastSeq === this.#instance.lastSeq;
  }

  #finish(cache: CachedExecutor | undefined): TurnResult {
    const eventsProcessed = this.#executor ? this.#executor.stats.eventsApplied - this.#eventsBefore : 0;
    return cache ? { commit: this.#commit, eventsProcessed, cache } : { commit: this.#commit, eventsProcessed };
  }
}

function reasonOf(event: NewHistoryEvent): { reason?: string } {
  return event.reason === undefined ? {} : { reason: event.reason };
}

function resolveFailure(name: string, error: unknown): FailureDetails {
  const message = error instanceof Error ? error.message : String(error);
  return { name: "UnknownOrchestratorError", message: `Could not load orchestrator '${name}': ${message}` };
}
