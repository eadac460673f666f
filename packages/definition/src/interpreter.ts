import { nextTurn, type OrchestrationContext, type Orchestrator, type Tags, Task, toFailureDetails, turnIsSpent } from "@weft/engine";
import { evaluateExpression, type EvaluateExpressionOptions, type ExpressionContext } from "./expressions.js";
import { NodeStatus, type NodeObserver } from "./node-observer.js";
import { itemDone } from "./nodes/map.js";
import type { NodeRuntime } from "./nodes/node-kind.js";
import { nodeKindOf } from "./nodes/registry.js";
import type { Plan, PlanNode } from "./plan.js";
import { innermostItem, isInside, scopePath, type Frame, type Scope, type Token } from "./tokens.js";
import { nodeName, WorkflowError } from "./workflow-error.js";

export { DEFAULT_MAX_MAP_ITEMS } from "./nodes/map.js";
export { SUB_WORKFLOW_TAG_PREFIX } from "./instance-tags.js";
import { RESTART_FROM_TAG, RESTART_OF_TAG, taggedVersion } from "./instance-tags.js";
export { WorkflowError } from "./workflow-error.js";

/** How often one node may run in one instance (per map item inside a map body). */
export const MAX_NODE_VISITS = 1000;

/** Evaluation steps one expression may take (deterministic, unlike the time box). */
export const EXPRESSION_STEP_BUDGET = 200_000;

/** Tags of an instance restarted from a step of an earlier one. */
export { RESTART_FROM_TAG, RESTART_OF_TAG } from "./instance-tags.js";
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

class Run implements NodeRuntime {
  readonly #plan: Plan;
  readonly ctx: OrchestrationContext;
  readonly input: unknown;
  readonly options: InterpreterOptions;
  readonly #root: Scope;
  readonly vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
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
    this.ctx = ctx;
    this.input = input;
    this.options = options;
    this.#root = { steps: Object.create(null) as Record<string, unknown> };
  }

  async *execute(): AsyncGenerator<Task<unknown>, unknown, unknown> {
    const restartFrom = this.ctx.tags[RESTART_FROM_TAG];
    if (restartFrom) {
      // Restarted from a step of an earlier instance: load what that run had there, then go on from the step.
      const seed = (yield this.ctx.callActivity(
        RESTART_SEED_ACTIVITY,
        { instanceId: this.ctx.tags[RESTART_OF_TAG], nodeId: restartFrom },
        { tags: { system: "restart" } },
      )) as RestartSeed;
      Object.assign(this.#root.steps, seed.steps);
      Object.assign(this.vars, seed.vars);
      this.spawn(restartFrom, seed.last, [], this.#root);
    } else {
      this.spawn(this.#plan.start, this.input, [], this.#root);
    }
    while (!this.#finished) {
      while (this.#ready.length > 0 && !this.#finished) {
        const token = this.#ready.shift() as Token;
        if (token.alive) await this.#step(token);
        await shareTurn(this.options.yieldAfterMs);
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
        await shareTurn(this.options.yieldAfterMs);
      }
    }
    if (this.#failure) throw this.#failure;
    return this.#output;
  }

  // ---- tokens --------------------------------------------------------------------

  nextId(): number {
    return this.#nextId++;
  }

  spawn(node: string, last: unknown, frames: Frame[], scope: Scope): Token {
    const token = this.continueFrom(node, last, frames, scope);
    this.#ready.push(token);
    return token;
  }

  continueFrom(node: string, last: unknown, frames: Frame[], scope: Scope): Token {
    const token: Token = { id: this.#nextId++, node, last, frames, scope, alive: true };
    scope.mapRun?.tokens.add(token);
    return token;
  }

  moveTo(token: Token, target: string, last: unknown): void {
    token.node = target;
    token.last = last;
    this.#ready.push(token);
  }

  wait(token: Token, task: Task<unknown>, onSettled: (task: Task<unknown>) => Promise<void>): void {
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

  retire(token: Token): void {
    token.alive = false;
    this.#waiting.delete(token);
    token.scope.mapRun?.tokens.delete(token);
  }

  cancel(predicate: (token: Token) => boolean): void {
    for (const token of [...this.#ready, ...this.#waiting]) {
      if (!token.alive || !predicate(token)) continue;
      this.retire(token);
      this.observe(token.node, token.scope, NodeStatus.Cancelled);
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
    this.observe(plan.id, token.scope, NodeStatus.Running);
    if (this.options.onEnter && token.scope === this.#root && token.frames.length === 0) {
      this.options.onEnter(plan.id, () => ({
        steps: structuredClone({ ...this.#root.steps }),
        vars: structuredClone({ ...this.vars }),
        last: structuredClone(token.last),
      }));
    }
    try {
      // A direct lookup by type: no per-step allocation, whatever the number of kinds.
      await nodeKindOf(plan.node.type)?.run(this, token, plan, plan.node);
    } catch (error) {
      await this.nodeFailed(token, plan, error);
    }
  }

  succeed(token: Token, plan: PlanNode, output: unknown): void {
    this.setStep(token.scope, plan.id, output);
    this.observe(plan.id, token.scope, NodeStatus.Succeeded);
    const next = plan.next[0];
    if (next !== undefined) {
      this.moveTo(token, next, output);
      return;
    }
    this.endPath(token, output);
  }

  endPath(token: Token, output: unknown): void {
    this.retire(token);
    if (token.scope.mapRun) itemDone(this, token.scope, output);
    else this.#finish(output);
  }

  async nodeFailed(token: Token, plan: PlanNode, error: unknown): Promise<void> {
    const failure = describeFailure(error);
    this.observe(plan.id, token.scope, NodeStatus.Failed, { error: failure });
    if (plan.errorTarget) {
      const output = { error: failure };
      this.setStep(token.scope, plan.id, output);
      this.moveTo(token, plan.errorTarget, output);
      return;
    }
    this.retire(token);
    const run = token.scope.mapRun;
    if (run && !run.over) {
      run.over = true;
      this.cancel((t) => t.scope.mapRun === run || isInside(t.scope, run));
      await this.nodeFailed(run.parent, run.node, error);
      return;
    }
    this.#fail(error instanceof Error ? error : new WorkflowError(failure.name, failure.message));
  }

  // ---- the end ----------------------------------------------------------------------

  #finish(output: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#output = output;
    this.cancel(() => true);
  }

  #fail(error: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#failure = error instanceof Error ? error : new WorkflowError("WorkflowError", String(error));
    this.cancel(() => true);
  }

  // ---- data ---------------------------------------------------------------------------

  setStep(scope: Scope, nodeId: string, output: unknown): void {
    scope.steps[nodeId] = output;
  }

  async context(token: Token): Promise<ExpressionContext> {
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
    const version = taggedVersion(this.ctx.tags) ?? this.#plan.version;
    return {
      input: this.input,
      steps,
      vars: this.vars,
      ...(item ? { item: item.item, index: item.index } : {}),
      instance: { id: this.ctx.instanceId, workflowId: this.#plan.workflowId, version: Number.isFinite(version) ? version : 0 },
    };
  }

  async eval(expression: string, token: Token): Promise<unknown> {
    return evaluateExpression(expression, await this.context(token), this.evalOptions());
  }

  evalOptions(): EvaluateExpressionOptions {
    return {
      now: () => this.ctx.now().getTime(),
      random: () => this.ctx.random(),
      // A budget of evaluation steps stops a runaway expression at the same point on every
      // replay; the wall-clock time box behind it is only the last resort.
      maxSteps: EXPRESSION_STEP_BUDGET,
      ...(this.options.expressionTimeoutMs !== undefined ? { timeoutMs: this.options.expressionTimeoutMs } : {}),
    };
  }

  tags(plan: PlanNode, token: Token): Tags {
    const item = innermostItem(token.scope);
    return item ? { nodeId: plan.id, index: item.index ?? 0 } : { nodeId: plan.id };
  }

  observe(nodeId: string, scope: Scope, status: NodeStatus, detail?: Record<string, unknown>): void {
    const observer = this.options.observer;
    if (!observer) return;
    const item = innermostItem(scope);
    observer({
      nodeId,
      status,
      at: this.ctx.now().toISOString(),
      ...(item?.index !== undefined ? { index: item.index } : {}),
      ...(detail ? { detail } : {}),
    });
  }
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
