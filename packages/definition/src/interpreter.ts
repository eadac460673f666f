import {
  nextTurn,
  type OrchestrationContext,
  type Orchestrator,
  type RetryPolicy,
  type Tags,
  Task,
  toFailureDetails,
  turnIsSpent,
} from "@weft/engine";
import type { Plan, PlanNode } from "./compile.js";
import { evaluateExpression, type ExpressionContext } from "./expressions.js";
import { NodeStatus, type NodeObserver } from "./node-observer.js";

/** How often one node may run in one instance (per map item inside a map body). */
export const MAX_NODE_VISITS = 1000;

/** The most items one map node may run over (WEFT_MAX_MAP_ITEMS on the server). */
export const DEFAULT_MAX_MAP_ITEMS = 10_000;

/** Evaluation steps one expression may take (deterministic, unlike the time box). */
export const EXPRESSION_STEP_BUDGET = 200_000;

/** Tag key prefix under which a parent records the sub-workflow versions resolved at its start. */
export const SUB_WORKFLOW_TAG_PREFIX = "sub:";

/** Tags of an instance restarted from a step of an earlier one. */
export const RESTART_FROM_TAG = "restart:from";
export const RESTART_OF_TAG = "restart:of";
/** The system activity that loads what a restarted instance keeps (recorded in its history, so replay is exact). */
export const RESTART_SEED_ACTIVITY = "weft.restartSeed";

/** What a run had when a token entered a node: enough to start again from there. */
export interface RestartSeed {
  steps: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** The output the node received from the node before it. */
  last: unknown;
}

export interface InterpreterOptions {
  /** Told of every node state change (the live overlay; the node-state derivation). */
  observer?: NodeObserver;
  /** Told when a top-level token enters a node, with a snapshot of the run's data at that moment. */
  onEnter?: (nodeId: string, snapshot: () => RestartSeed) => void;
  /** Time box of one expression evaluation. */
  expressionTimeoutMs?: number;
  /** The most items one map node may run over; more fails the node with MapItemsExceeded. Default {@link DEFAULT_MAX_MAP_ITEMS}. */
  maxMapItems?: number;
  /**
   * Pause for the event loop after this many milliseconds of moving tokens without a pause
   * (default 5; 0 pauses after every step). It changes when a turn's work runs, never what it
   * decides: the history is the same.
   */
  yieldAfterMs?: number;
}

/** A failure the workflow itself raises (a `fail` node, a visit limit, a bad expression value). */
export class WorkflowError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The one orchestrator that runs every drawn workflow: it walks the plan with
 * tokens. A parallel starts a token per branch and its join waits for them; a
 * map starts one token per item, at most `maxConcurrency` at once; other nodes
 * pass their token on. Between two yields every token that can move does, so
 * the order of work — and of task ids — depends only on the history.
 *
 * @example
 * const worker = createWorker({ store, resolveOrchestrator: (name) => interpret(plans.get(name)) });
 */
export function interpret(plan: Plan, options: InterpreterOptions = {}): Orchestrator<unknown, unknown> {
  return async function* interpreter(ctx: OrchestrationContext, input: unknown) {
    const run = new Run(plan, ctx, input, options);
    return yield* run.execute();
  };
}

interface Scope {
  /** Outputs of the nodes run in this scope (a map item's body has its own). */
  steps: Record<string, unknown>;
  parent?: Scope;
  item?: unknown;
  index?: number;
  mapRun?: MapRun;
}

/** One activation of a parallel: its branches' arrivals at the join. */
interface Fork {
  id: number;
  parallelId: string;
  branches: number;
  arrived: Map<number, unknown>;
  done: boolean;
}

interface Frame {
  fork: Fork;
  branch: number;
}

interface Token {
  id: number;
  node: string;
  /** The previous node's output: the default input of the next node. */
  last: unknown;
  frames: Frame[];
  scope: Scope;
  alive: boolean;
  waiting?: Task<unknown>;
  onSettled?: (task: Task<unknown>) => Promise<void>;
  /** When it began its current wait, in the run's order of waits. */
  waitSeq?: number;
}

/**
 * What the run yields while its tokens wait: settled by the first of their waits to settle.
 * One listener per wait, registered once — not a `ctx.any` over every waiting token each
 * time the run waits, which costs a listener per token per turn: with 10,000 items in
 * flight that was quadratic, seconds of garbage collection.
 */
class WakeSignal extends Task<void> {
  fire(): void {
    this.settleWith(undefined);
  }
}

interface MapRun {
  id: number;
  node: PlanNode;
  parent: Token;
  items: unknown[];
  results: unknown[];
  nextIndex: number;
  running: number;
  finished: number;
  maxConcurrency: number;
  tokens: Set<Token>;
  over: boolean;
}

class Run {
  readonly #plan: Plan;
  readonly #ctx: OrchestrationContext;
  readonly #input: unknown;
  readonly #options: InterpreterOptions;
  readonly #root: Scope;
  readonly #vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly #visits = new Map<string, number>();
  #ready: Token[] = [];
  /** Tokens waiting on a task, in the order they began to wait. */
  readonly #waiting = new Set<Token>();
  /** Waiting tokens whose task has settled since the run last moved them on. */
  #settled: Token[] = [];
  /** What the run yields while it waits (undefined while it runs). */
  #wake: WakeSignal | undefined;
  #waitSeq = 0;
  #nextId = 1;
  #finished = false;
  #output: unknown;
  #failure: Error | undefined;

  constructor(plan: Plan, ctx: OrchestrationContext, input: unknown, options: InterpreterOptions) {
    this.#plan = plan;
    this.#ctx = ctx;
    this.#input = input;
    this.#options = options;
    this.#root = { steps: Object.create(null) as Record<string, unknown> };
  }

  async *execute(): AsyncGenerator<Task<unknown>, unknown, unknown> {
    const restartFrom = this.#ctx.tags[RESTART_FROM_TAG];
    if (restartFrom) {
      // Restarted from a step of an earlier instance: load what that run had there, then go on from the step.
      const seed = (yield this.#ctx.callActivity(
        RESTART_SEED_ACTIVITY,
        { instanceId: this.#ctx.tags[RESTART_OF_TAG], nodeId: restartFrom },
        { tags: { system: "restart" } },
      )) as RestartSeed;
      Object.assign(this.#root.steps, seed.steps);
      Object.assign(this.#vars, seed.vars);
      this.#spawn(restartFrom, seed.last, [], this.#root);
    } else {
      this.#spawn(this.#plan.start, this.#input, [], this.#root);
    }
    while (!this.#finished) {
      while (this.#ready.length > 0 && !this.#finished) {
        const token = this.#ready.shift() as Token;
        if (token.alive) await this.#step(token);
        await shareTurn(this.#options.yieldAfterMs);
      }
      if (this.#finished) break;
      if (this.#settled.length === 0) {
        if (this.#waiting.size === 0) {
          this.#fail(new WorkflowError("WorkflowStuck", "The workflow has nothing left to run or wait for, but it did not reach an end."));
          break;
        }
        const wake = new WakeSignal();
        this.#wake = wake;
        yield wake;
        this.#wake = undefined;
      }
      // Every wait that has settled by now moves on, in the order the waits began: the same on every replay.
      const settled = this.#settled.sort((a, b) => (a.waitSeq ?? 0) - (b.waitSeq ?? 0));
      this.#settled = [];
      for (const token of settled) this.#waiting.delete(token);
      for (const token of settled) {
        const task = token.waiting as Task<unknown>;
        const onSettled = token.onSettled;
        token.waiting = undefined;
        token.onSettled = undefined;
        if (onSettled) await onSettled(task);
        if (this.#finished) break;
        await shareTurn(this.#options.yieldAfterMs);
      }
    }
    if (this.#failure) throw this.#failure;
    return this.#output;
  }

  // ---- tokens --------------------------------------------------------------------

  #spawn(node: string, last: unknown, frames: Frame[], scope: Scope): Token {
    const token: Token = { id: this.#nextId++, node, last, frames, scope, alive: true };
    this.#ready.push(token);
    scope.mapRun?.tokens.add(token);
    return token;
  }

  #moveTo(token: Token, target: string, last: unknown): void {
    token.node = target;
    token.last = last;
    this.#ready.push(token);
  }

  #wait(token: Token, task: Task<unknown>, onSettled: (task: Task<unknown>) => Promise<void>): void {
    token.waiting = task;
    token.onSettled = onSettled;
    token.waitSeq = this.#waitSeq++;
    this.#waiting.add(token);
    task.whenDone(() => {
      // A token cancelled meanwhile, or one already waiting on something else, is not woken.
      if (!token.alive || token.waiting !== task) return;
      this.#settled.push(token);
      this.#wake?.fire();
    });
  }

  #retire(token: Token): void {
    token.alive = false;
    this.#waiting.delete(token);
    token.scope.mapRun?.tokens.delete(token);
  }

  #cancel(predicate: (token: Token) => boolean): void {
    for (const token of [...this.#ready, ...this.#waiting]) {
      if (!token.alive || !predicate(token)) continue;
      this.#retire(token);
      this.#observe(token.node, token.scope, NodeStatus.Cancelled);
    }
    this.#ready = this.#ready.filter((t) => t.alive);
  }

  // ---- one step of a token ---------------------------------------------------------

  async #step(token: Token): Promise<void> {
    const plan = this.#plan.nodes[token.node];
    if (!plan) {
      this.#fail(new WorkflowError("WorkflowError", `The workflow has no node '${token.node}'.`));
      return;
    }
    const visitKey = `${plan.id}\u0000${scopePath(token.scope)}`;
    const visits = (this.#visits.get(visitKey) ?? 0) + 1;
    this.#visits.set(visitKey, visits);
    if (visits > MAX_NODE_VISITS) {
      this.#fail(
        new WorkflowError(
          "VisitLimitExceeded",
          `Node '${nodeName(plan)}' ran more than ${MAX_NODE_VISITS} times in this instance; a loop probably never exits. Check the conditions of the choice that closes it.`,
        ),
      );
      return;
    }
    this.#observe(plan.id, token.scope, NodeStatus.Running);
    if (this.#options.onEnter && token.scope === this.#root && token.frames.length === 0) {
      this.#options.onEnter(plan.id, () => ({
        steps: structuredClone({ ...this.#root.steps }),
        vars: structuredClone({ ...this.#vars }),
        last: structuredClone(token.last),
      }));
    }
    try {
      await this.#run(token, plan);
    } catch (error) {
      await this.#nodeFailed(token, plan, error);
    }
  }

  async #run(token: Token, plan: PlanNode): Promise<void> {
    const node = plan.node;
    const ctx = this.#ctx;
    switch (node.type) {
      case "start":
        this.#succeed(token, plan, this.#input);
        return;
      case "activity": {
        const input = node.input === undefined ? token.last : await this.#eval(node.input, token);
        const task = ctx.callActivity(node.activity, input, {
          ...(node.retry ? { retry: node.retry as RetryPolicy } : {}),
          ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
          tags: this.#tags(plan, token),
        });
        this.#wait(token, task, async (done) => {
          if (done.isFailed) await this.#nodeFailed(token, plan, done.error);
          else this.#succeed(token, plan, done.result);
        });
        return;
      }
      case "subWorkflow": {
        const input = node.input === undefined ? token.last : await this.#eval(node.input, token);
        const version = this.#subWorkflowVersion(plan);
        const task = ctx.callSubOrchestrator(node.workflow, input, {
          ...(node.retry ? { retry: node.retry as RetryPolicy } : {}),
          tags: this.#tags(plan, token),
          instanceTags: { version: String(version) },
        });
        this.#wait(token, task, async (done) => {
          if (done.isFailed) await this.#nodeFailed(token, plan, done.error);
          else this.#succeed(token, plan, done.result);
        });
        return;
      }
      case "waitForEvent": {
        const tags: Tags = this.#tags(plan, token);
        if (node.approval) tags.approval = { title: node.approval.title, choices: node.approval.choices };
        const task = ctx.waitForEvent(node.event, {
          ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
          tags,
        });
        this.#observe(plan.id, token.scope, NodeStatus.Waiting);
        this.#wait(token, task, async (done) => {
          if (done.isCompleted) {
            this.#succeed(token, plan, done.result);
            return;
          }
          if (done.error?.name === "TimeoutError") {
            const output = { timedOut: true };
            this.#setStep(token.scope, plan.id, output);
            if (plan.timeoutTarget) {
              this.#observe(plan.id, token.scope, NodeStatus.Succeeded, { timedOut: true });
              this.#moveTo(token, plan.timeoutTarget, output);
              return;
            }
          }
          await this.#nodeFailed(token, plan, done.error);
        });
        return;
      }
      case "delay": {
        let timer: Task<void>;
        if (node.durationMs !== undefined) {
          timer = ctx.sleep(node.durationMs, { tags: this.#tags(plan, token) });
        } else {
          const until = await this.#eval(node.until ?? "null", token);
          const at = typeof until === "number" ? until : typeof until === "string" ? Date.parse(until) : Number.NaN;
          if (!Number.isFinite(at)) {
            throw new WorkflowError(
              "BadDelay",
              `Delay '${nodeName(plan)}': "until" gave ${JSON.stringify(until)}, not an ISO time such as "2026-12-01T09:00:00Z".`,
            );
          }
          timer = ctx.createTimer(new Date(at), { tags: this.#tags(plan, token) });
        }
        this.#observe(plan.id, token.scope, NodeStatus.Waiting);
        this.#wait(token, timer, async () => {
          this.#succeed(token, plan, { firedAt: ctx.now().toISOString() });
        });
        return;
      }
      case "parallel": {
        this.#setStep(token.scope, plan.id, token.last);
        this.#observe(plan.id, token.scope, NodeStatus.Succeeded);
        const fork: Fork = { id: this.#nextId++, parallelId: plan.id, branches: plan.next.length, arrived: new Map(), done: false };
        this.#retire(token);
        plan.next.forEach((target, branch) => {
          this.#spawn(target, token.last, [...token.frames, { fork, branch }], token.scope);
        });
        return;
      }
      case "join": {
        const frame = token.frames.at(-1);
        this.#retire(token);
        if (!frame || frame.fork.done) return;
        const { fork } = frame;
        fork.arrived.set(frame.branch, token.last);
        const all = (node.mode ?? "all") === "all";
        if (all && fork.arrived.size < fork.branches) {
          this.#observe(plan.id, token.scope, NodeStatus.Waiting);
          return;
        }
        fork.done = true;
        const output = all ? Array.from({ length: fork.branches }, (_, i) => fork.arrived.get(i)) : token.last;
        if (!all) this.#cancel((t) => t.frames.some((f) => f.fork === fork));
        const next = this.#spawn(plan.id, output, token.frames.slice(0, -1), token.scope);
        // The continuation token stands on the join itself: it has run, so count it once.
        this.#ready.pop();
        this.#succeed(next, plan, output);
        return;
      }
      case "map": {
        const items = await this.#eval(node.items, token);
        if (!Array.isArray(items)) {
          throw new WorkflowError("BadMapItems", `Map '${nodeName(plan)}': "items" must give an array, but gave ${describe(items)}.`);
        }
        const maxItems = this.#options.maxMapItems ?? DEFAULT_MAX_MAP_ITEMS;
        if (items.length > maxItems) {
          // Refused before anything is scheduled: a map this size would only fail later, on the
          // history limit, after holding the worker for seconds.
          throw new WorkflowError(
            "MapItemsExceeded",
            `Map '${nodeName(plan)}': "items" gave ${items.length.toLocaleString("en-US")} items; the limit is ${maxItems.toLocaleString("en-US")} (WEFT_MAX_MAP_ITEMS on the server). Split the list into batches (a map over batches, each a sub-workflow), or raise the limit.`,
          );
        }
        if (!plan.bodyEntry || items.length === 0) {
          this.#succeed(token, plan, []);
          return;
        }
        const run: MapRun = {
          id: this.#nextId++,
          node: plan,
          parent: token,
          items,
          results: new Array<unknown>(items.length),
          nextIndex: 0,
          running: 0,
          finished: 0,
          maxConcurrency: node.maxConcurrency ?? 10,
          tokens: new Set(),
          over: false,
        };
        this.#observe(plan.id, token.scope, NodeStatus.Running, { items: items.length });
        this.#launchItems(run);
        return;
      }
      case "choice": {
        const scope = await this.#context(token);
        for (const choice of plan.choices) {
          const matched = await evaluateExpression(choice.condition, scope, this.#evalOptions());
          if (matched === true || (matched !== false && matched !== null && matched !== undefined && matched !== 0 && matched !== "")) {
            this.#observe(plan.id, token.scope, NodeStatus.Succeeded, { edgeId: choice.edgeId });
            this.#moveTo(token, choice.target, token.last);
            return;
          }
        }
        if (plan.defaultTarget) {
          this.#observe(plan.id, token.scope, NodeStatus.Succeeded, { edgeId: "default" });
          this.#moveTo(token, plan.defaultTarget, token.last);
          return;
        }
        throw new WorkflowError(
          "NoChoiceMatched",
          `No condition of choice '${nodeName(plan)}' matched and it has no default edge. Add a default edge or a condition that covers this case.`,
        );
      }
      case "transform": {
        const assigned: Record<string, unknown> = {};
        for (const [name, expression] of Object.entries(node.assign)) {
          const value = await this.#eval(expression, token);
          assigned[name] = value;
          this.#vars[name] = value;
        }
        this.#succeed(token, plan, assigned);
        return;
      }
      case "setStatus": {
        const status = await this.#eval(node.status, token);
        ctx.setCustomStatus(status);
        this.#succeed(token, plan, status);
        return;
      }
      case "end": {
        const output = node.output === undefined ? token.last : await this.#eval(node.output, token);
        this.#setStep(token.scope, plan.id, output);
        this.#observe(plan.id, token.scope, NodeStatus.Succeeded);
        this.#retire(token);
        if (token.scope.mapRun) this.#itemDone(token.scope, output);
        else this.#finish(output);
        return;
      }
      case "fail": {
        const message = node.message === undefined ? `The workflow failed at '${nodeName(plan)}'.` : await this.#eval(node.message, token);
        throw new WorkflowError(node.error ?? "WorkflowFailed", typeof message === "string" ? message : JSON.stringify(message));
      }
    }
  }

  /** A node's output is recorded and its token follows the next edge — or, without one, ends its item or the instance. */
  #succeed(token: Token, plan: PlanNode, output: unknown): void {
    this.#setStep(token.scope, plan.id, output);
    this.#observe(plan.id, token.scope, NodeStatus.Succeeded);
    const next = plan.next[0];
    if (next !== undefined) {
      this.#moveTo(token, next, output);
      return;
    }
    this.#retire(token);
    if (token.scope.mapRun) this.#itemDone(token.scope, output);
    else this.#finish(output);
  }

  /** A node failed: its error edge if it has one, else the enclosing map fails, else the instance. */
  async #nodeFailed(token: Token, plan: PlanNode, error: unknown): Promise<void> {
    const failure = describeFailure(error);
    this.#observe(plan.id, token.scope, NodeStatus.Failed, { error: failure });
    if (plan.errorTarget) {
      const output = { error: failure };
      this.#setStep(token.scope, plan.id, output);
      this.#moveTo(token, plan.errorTarget, output);
      return;
    }
    this.#retire(token);
    const run = token.scope.mapRun;
    if (run && !run.over) {
      run.over = true;
      this.#cancel((t) => t.scope.mapRun === run || isInside(t.scope, run));
      await this.#nodeFailed(run.parent, run.node, error);
      return;
    }
    this.#fail(error instanceof Error ? error : new WorkflowError(failure.name, failure.message));
  }

  // ---- maps -----------------------------------------------------------------------

  #launchItems(run: MapRun): void {
    while (!run.over && run.running < run.maxConcurrency && run.nextIndex < run.items.length) {
      const index = run.nextIndex++;
      run.running += 1;
      const scope: Scope = {
        steps: Object.create(null) as Record<string, unknown>,
        parent: run.parent.scope,
        item: run.items[index],
        index,
        mapRun: run,
      };
      this.#spawn(run.node.bodyEntry as string, run.items[index], [], scope);
    }
  }

  #itemDone(scope: Scope, output: unknown): void {
    const run = scope.mapRun;
    if (!run || run.over) return;
    run.results[scope.index ?? 0] = output;
    run.running -= 1;
    run.finished += 1;
    if (run.finished === run.items.length) {
      run.over = true;
      this.#observe(run.node.id, run.parent.scope, NodeStatus.Running, { items: run.items.length, done: run.finished });
      this.#succeed(run.parent, run.node, run.results);
      return;
    }
    this.#launchItems(run);
  }

  // ---- the end ----------------------------------------------------------------------

  #finish(output: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#output = output;
    this.#cancel(() => true);
  }

  #fail(error: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#failure = error instanceof Error ? error : new WorkflowError("WorkflowError", String(error));
    this.#cancel(() => true);
  }

  // ---- data ---------------------------------------------------------------------------

  #setStep(scope: Scope, nodeId: string, output: unknown): void {
    scope.steps[nodeId] = output;
  }

  async #context(token: Token): Promise<ExpressionContext> {
    // The live objects, not copies: a step must not cost more as the instance's steps pile up
    // (a 1,000-step chain copied every earlier output into each evaluation). That is safe:
    // tokens step one at a time, JSONata does not change its input, and evaluateExpression
    // returns a fresh copy of its result, so nothing keeps a reference to these.
    let steps = token.scope.steps;
    if (token.scope.parent) {
      // Inside a map item (or nested scope): the enclosing scopes' steps, overlaid by the inner ones.
      const chain: Scope[] = [];
      for (let s: Scope | undefined = token.scope; s; s = s.parent) chain.unshift(s);
      steps = {};
      for (const s of chain) Object.assign(steps, s.steps);
    }
    const item = innermostItem(token.scope);
    const version = Number(this.#ctx.tags.version ?? this.#plan.version);
    return {
      input: this.#input,
      steps,
      vars: this.#vars,
      ...(item ? { item: item.item, index: item.index } : {}),
      instance: { id: this.#ctx.instanceId, workflowId: this.#plan.workflowId, version: Number.isFinite(version) ? version : 0 },
    };
  }

  async #eval(expression: string, token: Token): Promise<unknown> {
    return evaluateExpression(expression, await this.#context(token), this.#evalOptions());
  }

  #evalOptions() {
    return {
      now: () => this.#ctx.now().getTime(),
      random: () => this.#ctx.random(),
      // A budget of evaluation steps stops a runaway expression at the same point on every
      // replay; the wall-clock time box behind it is only the last resort.
      maxSteps: EXPRESSION_STEP_BUDGET,
      ...(this.#options.expressionTimeoutMs !== undefined ? { timeoutMs: this.#options.expressionTimeoutMs } : {}),
    };
  }

  #tags(plan: PlanNode, token: Token): Tags {
    const item = innermostItem(token.scope);
    return item ? { nodeId: plan.id, index: item.index ?? 0 } : { nodeId: plan.id };
  }

  #subWorkflowVersion(plan: PlanNode): number {
    const node = plan.node;
    if (node.type !== "subWorkflow") return 0;
    if (typeof node.version === "number") return node.version;
    const resolved = Number(this.#ctx.tags[`${SUB_WORKFLOW_TAG_PREFIX}${plan.id}`]);
    if (!Number.isInteger(resolved) || resolved < 1) {
      throw new WorkflowError(
        "UnresolvedSubWorkflow",
        `Sub-workflow '${nodeName(plan)}' asks for the latest version of '${node.workflow}', but no version was resolved when this instance started. Publish '${node.workflow}' and start the instance again.`,
      );
    }
    return resolved;
  }

  #observe(nodeId: string, scope: Scope, status: NodeStatus, detail?: Record<string, unknown>): void {
    const observer = this.#options.observer;
    if (!observer) return;
    const item = innermostItem(scope);
    observer({
      nodeId,
      status,
      at: this.#ctx.now().toISOString(),
      ...(item?.index !== undefined ? { index: item.index } : {}),
      ...(detail ? { detail } : {}),
    });
  }
}

function innermostItem(scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun) return s;
  return undefined;
}

function isInside(scope: Scope, run: MapRun): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun === run) return true;
  return false;
}

function scopePath(scope: Scope): string {
  const parts: string[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun) parts.unshift(`${s.mapRun.id}.${s.index ?? 0}`);
  return parts.join("/");
}

function nodeName(plan: PlanNode): string {
  return plan.node.label?.trim() || plan.id;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${typeof value} ${text.slice(0, 57)}…` : text;
}

/** The `{name, message}` a node's error edge sees: the activity's own failure, not the wrapper. */
function describeFailure(error: unknown): { name: string; message: string } {
  const details = toFailureDetails(error);
  const cause = details.cause;
  if ((details.name === "TaskFailedError" || details.name === "SubOrchestrationFailedError") && cause) {
    return { name: cause.name, message: cause.message };
  }
  return { name: details.name, message: details.message };
}

/**
 * Moving thousands of tokens in one turn (a map of the maximum size with a pass-only
 * body) would hold the event loop, and every request of the process with it; awaiting
 * a promise does not help (promise callbacks run before any I/O). Pauses share the
 * event loop's turns with expressions (event-loop-turns.ts). Only when the work pauses
 * depends on the clock, never what it decides.
 */
async function shareTurn(sliceMs?: number): Promise<void> {
  if (turnIsSpent(performance.now(), sliceMs)) await nextTurn();
}
