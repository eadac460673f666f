import { type HistoryEvent, ReplayExecutor, type Tags } from "@weft/engine";
import type { Plan } from "./compile.js";
import { interpret, RESTART_SEED_ACTIVITY } from "./interpreter.js";
import { NodeStatus, type NodeTransition } from "./node-observer.js";

export interface NodeItemState {
  status: NodeStatus;
  attempts: number;
}

export interface NodeState {
  nodeId: string;
  status: NodeStatus;
  /** Activity and sub-workflow attempts started (the latest run's, for a node in a map: the item's). */
  attempts: number;
  maxAttempts?: number;
  /** How many times the node ran (loops run a node several times). */
  runs: number;
  startedAt?: string;
  endedAt?: string;
  error?: { name: string; message: string };
  /** The edge a choice took last ('default' for its default edge). */
  takenEdge?: string;
  /** A wait that ended by its timeout (it left by its timeout edge), not by the event. */
  timedOut?: boolean;
  /**
   * A step of the run this one was restarted from (restart from a step): its output was
   * reused, it did not run here. Its status is that run's: succeeded.
   */
  reused?: boolean;
  /** While it waits to retry: when the next attempt starts, and why the last one failed. */
  retryAt?: string;
  lastError?: { name: string; message: string };
  /** For a map: progress over its items. */
  progress?: { total: number; done: number; failed: number; running: number };
  /** For a node inside a map body, and for the map itself: the state per item index. */
  items?: Record<number, NodeItemState>;
}

export type NodeStates = Record<string, NodeState>;

export interface NodeStateOptions {
  /** The instance's tags (resolved sub-workflow versions, the version). */
  tags?: Record<string, string>;
  /**
   * The instance's id: with it (and the execution id, read from ExecutionStarted),
   * `$random()` in expressions replays exactly, so choices decided by chance are too.
   */
  instanceId?: string;
  executionId?: string;
}

/**
 * Follows a run from its history: replays the interpreter over the events (no
 * IO, nothing scheduled) and folds what it observes, plus each task's attempts
 * and retry timers, into one state per node. Feed it new events as they arrive;
 * a step costs only its new events.
 */
export class NodeStateTracker {
  readonly #plan: Plan;
  readonly #options: NodeStateOptions;
  #executor: ReplayExecutor | undefined;
  readonly #transitions: NodeTransition[] = [];
  readonly #events: HistoryEvent[] = [];
  #lastSeq = 0;

  constructor(plan: Plan, options: NodeStateOptions = {}) {
    this.#plan = plan;
    this.#options = options;
  }

  /** Built on the first events, so the execution id can come from ExecutionStarted. */
  #executorFor(events: readonly HistoryEvent[]): ReplayExecutor {
    if (this.#executor) return this.#executor;
    const started = events.find((e) => e.type === "ExecutionStarted");
    const orchestrator = interpret(this.#plan, { observer: (t) => this.#transitions.push(t) });
    this.#executor = new ReplayExecutor({
      instanceId: this.#options.instanceId ?? "observed",
      executionId: this.#options.executionId ?? started?.executionId ?? "observed",
      name: this.#plan.workflowId,
      orchestrator,
      tags: this.#options.tags ?? {},
    });
    return this.#executor;
  }

  /** Applies events with a seq above the last one seen (duplicates from a resumed stream are ignored). */
  async apply(events: readonly HistoryEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.seq > this.#lastSeq);
    if (fresh.length === 0) return;
    this.#lastSeq = fresh[fresh.length - 1]?.seq ?? this.#lastSeq;
    this.#events.push(...fresh);
    if (fresh.some((e) => e.type === "ExecutionRewound")) {
      // A rewind takes back failures already observed (and the end of the run): the run is
      // followed again from its start, replay skipping the events the rewind lists, as the
      // engine's own replay does.
      // Replayed up to the last rewind (a whole turn: replay checks that every action the
      // turns before it produced is recorded); what follows may end mid-turn and is applied.
      this.#executor = undefined;
      this.#transitions.length = 0;
      const split = this.#events.findLastIndex((e) => e.type === "ExecutionRewound") + 1;
      const executor = this.#executorFor(this.#events);
      await executor.replay(this.#events.slice(0, split));
      await executor.apply(this.#events.slice(split), true);
      return;
    }
    await this.#executorFor(fresh).apply(fresh, true);
  }

  /** The replay failed (the history does not belong to this plan): why. */
  get error(): string | undefined {
    const completion = this.#executor?.completion;
    return completion?.kind === "failed" && completion.error.name === "NonDeterminismError" ? completion.error.message : undefined;
  }

  states(): NodeStates {
    return foldStates(this.#plan, this.#transitions, this.#events);
  }
}

/**
 * The state of every node of `plan` after `history`: a pure function of the two.
 *
 * @example const states = await deriveNodeStates(plan, await client.history(id));
 */
export async function deriveNodeStates(plan: Plan, history: readonly HistoryEvent[], options: NodeStateOptions = {}): Promise<NodeStates> {
  const tracker = new NodeStateTracker(plan, options);
  await tracker.apply(history);
  return tracker.states();
}

/**
 * The events that still count after rewinds: those an ExecutionRewound lists, and an end of
 * the run before the last rewind (the run went on), are left out.
 */
function withoutRewound(events: readonly HistoryEvent[]): readonly HistoryEvent[] {
  let lastRewind = -1;
  const skipped = new Set<number>();
  events.forEach((e, i) => {
    if (e.type !== "ExecutionRewound") return;
    lastRewind = i;
    for (const seq of e.rewound ?? []) skipped.add(seq);
  });
  if (lastRewind < 0) return events;
  return events.filter(
    (e, i) => !skipped.has(e.seq) && !(i < lastRewind && (e.type === "ExecutionCompleted" || e.type === "ExecutionTerminated")),
  );
}

const ACTIVE: ReadonlySet<NodeStatus> = new Set([NodeStatus.Running, NodeStatus.Waiting, NodeStatus.Retrying]);

function foldStates(plan: Plan, transitions: readonly NodeTransition[], history: readonly HistoryEvent[]): NodeStates {
  const events = withoutRewound(history);
  const terminal = events.some((e) => e.type === "ExecutionCompleted" || e.type === "ExecutionTerminated");
  const states: NodeStates = {};
  for (const id of Object.keys(plan.nodes)) {
    states[id] = { nodeId: id, status: terminal ? NodeStatus.Skipped : NodeStatus.Idle, attempts: 0, runs: 0 };
  }
  for (const t of transitions) {
    const state = states[t.nodeId];
    if (!state) continue;
    if (t.status === NodeStatus.Running && !(t.detail && "done" in t.detail)) {
      if (t.index === undefined || state.items?.[t.index] === undefined) state.runs += 1;
      state.startedAt ??= t.at;
      delete state.endedAt;
      delete state.error;
      delete state.timedOut;
    }
    if (t.detail?.edgeId !== undefined) state.takenEdge = String(t.detail.edgeId);
    if (t.detail?.timedOut === true) state.timedOut = true;
    if (t.status === NodeStatus.Failed) state.error = t.detail?.error as NodeState["error"];
    if (t.status === NodeStatus.Succeeded || t.status === NodeStatus.Failed || t.status === NodeStatus.Cancelled) state.endedAt = t.at;
    if (typeof t.detail?.items === "number") {
      state.progress = { total: t.detail.items, done: 0, failed: 0, running: 0 };
    }
    if (t.index !== undefined) {
      state.items ??= {};
      state.items[t.index] = { status: t.status, attempts: state.items[t.index]?.attempts ?? 0 };
      state.status = aggregate(Object.values(state.items).map((i) => i.status));
    } else {
      state.status = t.status;
    }
  }
  applyAttempts(plan, states, events);
  applyMapProgress(plan, states);
  applyReused(states, events);
  if (terminal) {
    for (const state of Object.values(states)) {
      if (ACTIVE.has(state.status)) state.status = NodeStatus.Cancelled;
      for (const item of Object.values(state.items ?? {})) if (ACTIVE.has(item.status)) item.status = NodeStatus.Cancelled;
    }
  }
  return states;
}

/** Attempts, and 'retrying' while a backoff timer runs, from the tasks tagged with the node. */
function applyAttempts(plan: Plan, states: NodeStates, events: readonly HistoryEvent[]): void {
  const backoffOpen = new Map<number, HistoryEvent>();
  const taskTimes = new Map<number, { at: string; node: string; index?: number }>();
  const taskErrors = new Map<number, { name: string; message: string }>();
  for (const event of events) {
    const tags: Tags | undefined = event.tags;
    const nodeId = typeof tags?.nodeId === "string" ? tags.nodeId : undefined;
    const index = typeof tags?.index === "number" ? tags.index : undefined;
    if ((event.type === "TaskScheduled" || event.type === "SubOrchestrationCreated") && nodeId && states[nodeId]) {
      const state = states[nodeId];
      const attempt = event.attempt ?? 1;
      if (index !== undefined && state.items?.[index]) state.items[index].attempts = attempt;
      state.attempts = index === undefined ? attempt : Math.max(state.attempts, attempt);
      const retry = (plan.nodes[nodeId]?.node as { retry?: { maxAttempts?: number } }).retry;
      if (retry?.maxAttempts) state.maxAttempts = retry.maxAttempts;
      if (event.taskId !== undefined)
        taskTimes.set(event.taskId, { at: event.at, node: nodeId, ...(index !== undefined ? { index } : {}) });
      if (attempt === 1 && index === undefined) state.startedAt = event.at;
    } else if (event.type === "TimerCreated" && tags?.backoffFor !== undefined && event.taskId !== undefined) {
      backoffOpen.set(event.taskId, event);
    } else if (event.type === "TimerFired" && event.taskId !== undefined) {
      backoffOpen.delete(event.taskId);
    } else if ((event.type === "TaskCompleted" || event.type === "TaskFailed") && event.taskId !== undefined) {
      const task = taskTimes.get(event.taskId);
      const state = task ? states[task.node] : undefined;
      if (state && task?.index === undefined) state.endedAt = event.at;
      if (event.type === "TaskFailed" && event.error) {
        taskErrors.set(event.taskId, { name: String(event.error.name ?? "Error"), message: String(event.error.message ?? "") });
      }
    }
  }
  for (const timer of backoffOpen.values()) {
    const nodeId = timer.tags?.nodeId;
    const state = typeof nodeId === "string" ? states[nodeId] : undefined;
    if (!state) continue;
    const index = timer.tags?.index;
    if (typeof index === "number" && state.items?.[index]) state.items[index].status = NodeStatus.Retrying;
    else {
      state.status = NodeStatus.Retrying;
      if (timer.fireAt) state.retryAt = timer.fireAt;
      const failed = typeof timer.tags?.backoffFor === "number" ? taskErrors.get(timer.tags.backoffFor) : undefined;
      if (failed) state.lastError = failed;
    }
    if (state.items) state.status = aggregate(Object.values(state.items).map((i) => i.status));
  }
}

/** The steps a restarted run took over from the run it was restarted from (the restart seed's outputs). */
function applyReused(states: NodeStates, events: readonly HistoryEvent[]): void {
  const seed = events.find((e) => e.type === "TaskScheduled" && e.name === RESTART_SEED_ACTIVITY);
  if (seed?.taskId === undefined) return;
  const done = events.find((e) => e.type === "TaskCompleted" && e.taskId === seed.taskId);
  const steps = (done?.result as { steps?: Record<string, unknown> } | undefined)?.steps;
  for (const nodeId of Object.keys(steps ?? {})) {
    const state = states[nodeId];
    if (!state || (state.status !== NodeStatus.Idle && state.status !== NodeStatus.Skipped) || state.runs > 0) continue;
    state.status = NodeStatus.Succeeded;
    state.reused = true;
  }
}

/** A map's per-item states are its body's: an item is done when its last body node is. */
function applyMapProgress(plan: Plan, states: NodeStates): void {
  for (const node of Object.values(plan.nodes)) {
    const state = states[node.id];
    if (node.node.type !== "map" || !state?.progress) continue;
    const body = Object.values(plan.nodes).filter((n) => n.scope === node.id);
    const items: Record<number, NodeItemState> = {};
    for (let i = 0; i < state.progress.total; i++) {
      const statuses = body.map((b) => states[b.id]?.items?.[i]?.status).filter((s): s is NodeStatus => s !== undefined);
      if (statuses.length === 0) continue;
      const ends = body.filter((b) => b.next.length === 0 && b.node.type !== "fail");
      const ended = ends.some((b) => states[b.id]?.items?.[i]?.status === NodeStatus.Succeeded);
      const failed = statuses.includes(NodeStatus.Failed) && !ended;
      items[i] = {
        status: ended ? NodeStatus.Succeeded : failed ? NodeStatus.Failed : aggregate(statuses),
        attempts: 0,
      };
    }
    const values = Object.values(items);
    state.items = items;
    state.progress = {
      total: state.progress.total,
      done: values.filter((v) => v.status === NodeStatus.Succeeded).length,
      failed: values.filter((v) => v.status === NodeStatus.Failed).length,
      running: values.filter((v) => ACTIVE.has(v.status)).length,
    };
  }
}

/** One status for several runs of a node: active beats failed beats done. */
function aggregate(statuses: readonly NodeStatus[]): NodeStatus {
  for (const status of [
    NodeStatus.Retrying,
    NodeStatus.Running,
    NodeStatus.Waiting,
    NodeStatus.Failed,
    NodeStatus.Cancelled,
    NodeStatus.Succeeded,
  ]) {
    if (statuses.includes(status)) return status;
  }
  return NodeStatus.Idle;
}
