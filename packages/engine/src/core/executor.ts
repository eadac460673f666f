import { type Action, RECORDED_AS, actionName, describeAction } from "./actions.js";
import type {
  ActivityOptions,
  OrchestrationContext,
  Orchestrator,
  SubOrchestratorOptions,
  TimerOptions,
  WaitForEventOptions,
} from "./context.js";
import { createRandom } from "./deterministic.js";
import { createContext } from "./orchestration-context.js";
import { withRetry } from "./retry.js";
import { NonDeterminismError, SubOrchestrationFailedError, TaskFailedError, TimeoutError, toFailureDetails } from "./errors.js";
import type { FailureDetails, HistoryEvent, NewHistoryEvent, Tags } from "./history.js";
import { AtomicTask, EventTask, type Task } from "./tasks.js";

export type Completion =
  { kind: "completed"; output: unknown } | { kind: "failed"; error: FailureDetails } | { kind: "continuedAsNew"; input: unknown };

export interface ExecutorInit {
  instanceId: string;
  executionId: string;
  name: string;
  orchestrator: Orchestrator<unknown, unknown>;
  parentInstanceId?: string;
  tags?: Record<string, string>;
}

export interface OpenWait {
  name: string;
  since: number;
  timeoutAt?: number;
  tags?: Tags;
}

/** Counters that let tests prove a step's cost does not grow with history. */
export interface ExecutorStats {
  eventsApplied: number;
  resumes: number;
}

/**
 * The sub-orchestrations of this execution as its history records them: the runtime
 * checks its limits against these. Counted the same on replay as live, so a turn
 * decides the same whether its executor came from the cache or was rebuilt.
 */
export interface SubOrchestrationCounts {
  /** Every sub-orchestration this execution asked for (refused ones included). */
  started: number;
  /** Those whose result has not arrived yet. */
  open: number;
}

type AnyGenerator = ReturnType<Orchestrator<unknown, unknown>>;
type AnyEvent = HistoryEvent | NewHistoryEvent;

/** Actions that still matter once the orchestration has ended (they are not work). */
const KEPT_AFTER_COMPLETION = new Set<Action["kind"]>(["SendEvent", "SetCustomStatus"]);

/**
 * The replay executor: runs an orchestrator against its history.
 *
 * It is long-lived: the runtime keeps it in a cache between turns and feeds it
 * only the new events, so a step's cost does not depend on the length of the
 * history. Built fresh, it replays the whole history first (`replay`).
 *
 * Invariants (see packages/engine/ARCHITECTURE.md):
 * - every action gets the next id of one counter; replay matches each recorded
 *   event to the pending action with its taskId, same kind and name, or fails
 *   the instance with a NonDeterminismError naming both;
 * - a replayed turn's actions must all be recorded before the next turn starts;
 * - the orchestrator is resumed only when the task it yielded has settled.
 */
export class ReplayExecutor {
  readonly stats: ExecutorStats = { eventsApplied: 0, resumes: 0 };
  readonly #children: SubOrchestrationCounts = { started: 0, open: 0 };

  #init: ExecutorInit;
  #context: OrchestrationContext;
  #random: () => number;
  #nextId = 0;
  #currentTime = 0;
  #replaying = true;
  #generator: AnyGenerator | undefined;
  #awaited: Task<unknown> | undefined;
  #completion: Completion | undefined;
  #continueAsNewInput: { input: unknown } | undefined;
  #customStatus: unknown;
  /** Actions not yet recorded in history, by id, in creation order. */
  #pending = new Map<number, Action>();
  /** Tasks waiting for their result event, by task id. */
  #open = new Map<number, AtomicTask<unknown>>();
  #waiters = new Map<string, EventTask<unknown>[]>();
  #buffered = new Map<string, unknown[]>();
  #skipSeqs = new Set<number>();

  constructor(init: ExecutorInit) {
    this.#init = init;
    this.#random = createRandom(`${init.instanceId}\u0000${init.executionId}`);
    this.#context = createContext(this, init);
  }

  get completion(): Completion | undefined {
    return this.#completion;
  }
  get subOrchestrations(): Readonly<SubOrchestrationCounts> {
    return this.#children;
  }
  get customStatus(): unknown {
    return this.#customStatus;
  }
  get isReplaying(): boolean {
    return this.#replaying;
  }
  get currentTime(): number {
    return this.#currentTime;
  }

  /** Waits the orchestrator is blocked on right now. */
  openWaits(): OpenWait[] {
    const waits: OpenWait[] = [];
    for (const queue of this.#waiters.values()) {
      for (const task of queue) {
        const wait: OpenWait = { name: task.eventName, since: task.since };
        if (task.timeoutAt !== undefined) wait.timeoutAt = task.timeoutAt;
        const tags = waitTags.get(task);
        if (tags) wait.tags = tags;
        waits.push(wait);
      }
    }
    return waits;
  }

  /** Events raised that no wait has consumed yet (carried over by continue-as-new). */
  unconsumedEvents(): { name: string; payload: unknown }[] {
    const events: { name: string; payload: unknown }[] = [];
    for (const [name, payloads] of this.#buffered) for (const payload of payloads) events.push({ name, payload });
    return events;
  }

  /**
   * Replays recorded history (a fresh executor only). Events whose seqs an
   * ExecutionRewound lists are skipped. Afterwards every action the replayed
   * turns produced must have been matched by a recorded event.
   */
  async replay(history: readonly HistoryEvent[]): Promise<void> {
    for (const event of history) {
      if (event.type === "ExecutionRewound") for (const seq of event.rewound ?? []) this.#skipSeqs.add(seq);
    }
    await this.apply(history, true);
    if (!this.#completion) this.#guard(() => this.#checkAllRecorded());
  }

  /** Applies events (new ones with `replaying` false) and runs the orchestrator as far as they allow. */
  async apply(events: readonly AnyEvent[], replaying: boolean): Promise<void> {
    for (const event of events) {
      if ("seq" in event && this.#skipSeqs.has(event.seq)) continue;
      if (this.#completion) {
        // Events that arrive with the one that ended the execution are kept for continue-as-new,
        // and the fire-and-forget actions of the final turn are recorded after its end.
        if (event.type === "EventRaised") this.#deliver(event.name ?? "", event.input);
        else if (event.taskId !== undefined && (event.type === "CustomStatusSet" || event.type === "EventSent")) {
          this.#pending.delete(event.taskId);
        }
        continue;
      }
      this.stats.eventsApplied += 1;
      try {
        await this.#process(event, replaying);
      } catch (error) {
        this.#fail(error);
        return;
      }
    }
  }

  /**
   * The actions produced since the last call; the caller records them in history
   * (they count as recorded from now on). After completion only fire-and-forget
   * actions are kept: work scheduled by an orchestrator that then ended is dropped.
   */
  takeActions(): Action[] {
    let actions = [...this.#pending.values()];
    this.#pending.clear();
    if (this.#completion) actions = actions.filter((a) => KEPT_AFTER_COMPLETION.has(a.kind));
    return actions;
  }

  // ---- event processing -------------------------------------------------------

  async #process(event: AnyEvent, replaying: boolean): Promise<void> {
    switch (event.type) {
      case "OrchestratorStarted":
        if (replaying) this.#checkAllRecorded();
        this.#replaying = replaying;
        this.#currentTime = Date.parse(event.at);
        return;
      case "ExecutionStarted":
        await this.#start(event.input);
        return;
      case "TaskScheduled":
      case "TimerCreated":
      case "SubOrchestrationCreated":
      case "EventSent":
      case "CustomStatusSet":
        this.#match(event);
        return;
      case "TaskCompleted":
        this.#take(event.taskId)?.settleWith(event.result);
        break;
      case "TaskFailed": {
        const error = event.error ?? { name: "Error", message: "The activity failed" };
        this.#take(event.taskId)?.failWith(new TaskFailedError(error.message, event.taskId ?? 0, error));
        break;
      }
      case "TimerFired":
        this.#take(event.taskId)?.settleWith(undefined);
        break;
      case "SubOrchestrationCompleted": {
        const task = this.#take(event.taskId);
        if (task) this.#children.open -= 1;
        task?.settleWith(event.result);
        break;
      }
      case "SubOrchestrationFailed": {
        const error = event.error ?? { name: "Error", message: "The sub-orchestration failed" };
        const task = this.#take(event.taskId);
        if (task) this.#children.open -= 1;
        task?.failWith(new SubOrchestrationFailedError(error.message, event.taskId ?? 0, error));
        break;
      }
      case "EventRaised":
        this.#deliver(event.name ?? "", event.input);
        break;
      default:
        // Lifecycle events (suspend, resume, terminate, rewind, completion) are the runtime's business.
        return;
    }
    await this.#pump();
  }

  #take(taskId: number | undefined): AtomicTask<unknown> | undefined {
    if (taskId === undefined) return undefined;
    const task = this.#open.get(taskId);
    this.#open.delete(taskId);
    return task;
  }

  #match(event: AnyEvent): void {
    const id = event.taskId ?? -1;
    const action = this.#pending.get(id);
    const where = "seq" in event ? `history event #${event.seq}` : "history";
    const recorded = `${event.type}${event.name ? ` '${event.name}'` : ""} (task ${id})`;
    if (!action) {
      throw new NonDeterminismError(
        `Non-deterministic orchestration '${this.#init.name}': ${where} records ${recorded}, but on replay the orchestrator did not produce it. Did the orchestrator's code change while this instance was running?`,
      );
    }
    if (RECORDED_AS[action.kind] !== event.type || actionName(action) !== event.name) {
      throw new NonDeterminismError(
        `Non-deterministic orchestration '${this.#init.name}': ${where} expected ${recorded}, but the orchestrator now does ${describeAction(action)}. Did the orchestrator's code change while this instance was running?`,
      );
    }
    this.#pending.delete(id);
  }

  #checkAllRecorded(): void {
    const first = this.#pending.values().next();
    if (first.done) return;
    throw new NonDeterminismError(
      `Non-deterministic orchestration '${this.#init.name}': on replay the orchestrator does ${describeAction(first.value)}, which its history does not record at that point. Did the orchestrator's code change while this instance was running?`,
    );
  }

  #deliver(name: string, payload: unknown): void {
    const queue = this.#waiters.get(name);
    const waiter = queue?.shift();
    if (queue && queue.length === 0) this.#waiters.delete(name);
    if (waiter) {
      waiter.settleWith(payload);
      return;
    }
    const buffer = this.#buffered.get(name) ?? [];
    buffer.push(payload);
    this.#buffered.set(name, buffer);
  }

  // ---- driving the orchestrator ----------------------------------------------

  async #start(input: unknown): Promise<void> {
    if (this.#generator) return;
    try {
      this.#generator = this.#init.orchestrator(this.#context, input);
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.#resume({ value: undefined });
  }

  async #pump(): Promise<void> {
    while (!this.#completion && this.#awaited?.isDone) {
      const task = this.#awaited;
      this.#awaited = undefined;
      await this.#resume(task.isFailed ? { error: task.error } : { value: task.result });
    }
  }

  async #resume(next: { value: unknown } | { error: Error | undefined }): Promise<void> {
    const generator = this.#generator;
    if (!generator) return;
    this.stats.resumes += 1;
    let step: IteratorResult<Task<unknown>, unknown>;
    try {
      step = "error" in next ? await generator.throw(next.error) : await generator.next(next.value);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (step.done) {
      this.#completion = this.#continueAsNewInput
        ? { kind: "continuedAsNew", input: this.#continueAsNewInput.input }
        : { kind: "completed", output: step.value };
      return;
    }
    if (!isTask(step.value)) {
      this.#fail(
        new TypeError(
          `Orchestrator '${this.#init.name}' yielded ${describeValue(step.value)}; yield only tasks from the context (ctx.callActivity, ctx.sleep, ctx.waitForEvent, ctx.all …).`,
        ),
      );
      return;
    }
    this.#awaited = step.value;
    await this.#pump();
  }

  #fail(error: unknown): void {
    if (this.#completion) return;
    this.#completion = { kind: "failed", error: toFailureDetails(error) };
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#fail(error);
    }
  }

  // ---- scheduling (called through the context) --------------------------------

  /** @internal */
  schedule<A extends Action>(make: (id: number) => A): A {
    const action = make(++this.#nextId);
    this.#pending.set(action.id, action);
    return action;
  }

  /** @internal */
  openTask<T>(id: number): AtomicTask<T> {
    const task = new AtomicTask<T>(id);
    this.#open.set(id, task as AtomicTask<unknown>);
    return task;
  }

  /** @internal */
  callActivity<T>(name: string, input: unknown, options: ActivityOptions = {}): Task<T> {
    const attempt = (n: number): AtomicTask<T> => {
      const action = this.schedule((id) => ({
        kind: "ScheduleTask" as const,
        id,
        name,
        input,
        attempt: n,
        ...(options.tags ? { tags: options.tags } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      }));
      return this.openTask<T>(action.id);
    };
    return withRetry(this, `Activity '${name}'`, attempt, options.retry, options.tags);
  }

  /** @internal */
  callSubOrchestrator<T>(name: string, input: unknown, options: SubOrchestratorOptions = {}): Task<T> {
    const attempt = (n: number): AtomicTask<T> => {
      const action = this.schedule((id) => ({
        kind: "CreateSubOrchestration" as const,
        id,
        name,
        input,
        instanceId: options.instanceId
          ? n === 1
            ? options.instanceId
            : `${options.instanceId}#${n}`
          : `${this.#init.instanceId}:${this.#init.executionId.slice(0, 8)}:${id}`,
        ...(options.tags ? { tags: options.tags } : {}),
        ...(options.instanceTags ? { instanceTags: options.instanceTags } : {}),
      }));
      this.#children.started += 1;
      this.#children.open += 1;
      return this.openTask<T>(action.id);
    };
    return withRetry(this, `Sub-orchestration '${name}'`, attempt, options.retry, options.tags);
  }

  /** @internal */
  createTimer(fireAt: number, options: TimerOptions = {}): AtomicTask<void> {
    const action = this.schedule((id) => ({
      kind: "CreateTimer" as const,
      id,
      fireAt,
      ...(options.tags ? { tags: options.tags } : {}),
    }));
    return this.openTask<void>(action.id);
  }

  /** @internal */
  waitForEvent<T>(name: string, options: WaitForEventOptions = {}): Task<T> {
    const buffered = this.#buffered.get(name);
    const timeoutAt = options.timeoutMs === undefined ? undefined : this.#currentTime + options.timeoutMs;
    const task = new EventTask<T>(name, this.#currentTime, timeoutAt);
    if (options.tags) waitTags.set(task, options.tags);
    if (buffered && buffered.length > 0) {
      task.settleWith(buffered.shift() as T);
      if (buffered.length === 0) this.#buffered.delete(name);
      return task;
    }
    const queue = this.#waiters.get(name) ?? [];
    queue.push(task as EventTask<unknown>);
    this.#waiters.set(name, queue);
    if (timeoutAt !== undefined) {
      const timer = this.createTimer(timeoutAt, { tags: { ...options.tags, timeoutFor: name } });
      timer.whenDone(() => {
        if (task.isDone) return;
        const waiting = this.#waiters.get(name);
        if (waiting) {
          const index = waiting.indexOf(task as EventTask<unknown>);
          if (index >= 0) waiting.splice(index, 1);
          if (waiting.length === 0) this.#waiters.delete(name);
        }
        task.failWith(new TimeoutError(`No '${name}' event arrived within ${options.timeoutMs} ms.`));
      });
    }
    return task;
  }

  /** @internal */
  setCustomStatus(status: unknown): void {
    this.#customStatus = status;
    this.schedule((id) => ({ kind: "SetCustomStatus" as const, id, status }));
  }

  /** @internal */
  requestContinueAsNew(input: unknown): void {
    this.#continueAsNewInput = { input };
  }

  /** @internal */
  nextRandom(): number {
    return this.#random();
  }
}

const waitTags = new WeakMap<Task<unknown>, Tags>();

function isTask(value: unknown): value is Task<unknown> {
  return typeof value === "object" && value !== null && "whenDone" in value && "isDone" in value;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array (use ctx.all([...]) to wait for several tasks)";
  if (typeof value === "object" && typeof (value as { then?: unknown }).then === "function") {
    return "a Promise (orchestrators must not await IO; call an activity instead)";
  }
  return `a ${typeof value}`;
}
