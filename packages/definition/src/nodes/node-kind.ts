import type { OrchestrationContext, Tags, Task } from "@weft/engine";
import type { EvaluateExpressionOptions, ExpressionContext } from "../expressions.js";
import type { GraphEdge, GraphNode, WorkflowGraph } from "../graph.js";
import type { InterpreterOptions } from "../interpreter.js";
import type { NodeStatus } from "../node-observer.js";
import type { NodeType } from "../node-types.js";
import type { PlanNode } from "../plan.js";
import type { Problem } from "../problem.js";
import type { NodeOfType, WorkflowEdge } from "../schema.js";
import type { ExpressionField } from "../settings-rules.js";
import type { KnownNames } from "../setting-checks.js";
import type { Frame, Scope, Token } from "../tokens.js";

/**
 * Everything the package knows about one node kind besides its schema (which its module
 * exports on its own, for the definition's union): its edge rules, its settings checks,
 * its compile step and its interpreter step. The registry (`registry.ts`) holds one per
 * `NodeType`; the checks, the compiler and the interpreter look a kind up there instead
 * of switching on the type. Every hook is optional except `run`: a kind without one
 * behaves like a plain node (one `next` edge, nothing to check, compiled as drawn).
 */
export interface NodeKind<T extends NodeType = NodeType> {
  readonly type: T;
  /** May leave by an `error` edge when it fails. */
  readonly errorEdge?: boolean;
  /** May leave by a `timeout` edge when its wait times out. */
  readonly timeoutEdge?: boolean;
  /** May have any number of outgoing `next` edges (otherwise at most one). */
  readonly branching?: boolean;
  /** Finishes the instance, so takes no outgoing edge; says how, for the message ("ends the instance"). */
  readonly ends?: string;
  /** What to write when a required setting is missing, by field (a schema problem's hint). */
  readonly missingHints?: Readonly<Record<string, string>>;

  /** The expression-valued settings of a raw node of this kind, as `{field, source}` pairs. */
  expressionFields?(raw: Record<string, unknown>): ExpressionField[];
  /** Rules over several settings, or over a setting and the catalog; runs on the raw JSON. */
  checkSettings?(node: GraphNode, known: KnownNames, problems: Problem[]): void;
  /** How many outgoing edges it needs, beyond the general counts (a parallel needs two). */
  checkBranches?(node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void;
  /** Checks the conditions and default flags of its outgoing edges; kinds without it take none. */
  checkConditions?(graph: WorkflowGraph, node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void;

  /** Files an outgoing `next` edge into the plan; without it the edge's target joins `next`. */
  planNextEdge?(plan: PlanNode, edge: WorkflowEdge): void;
  /** Completes its plan node once every node and edge is in the plan (a map finds its body's entry). */
  completePlan?(plan: PlanNode, nodes: Readonly<Record<string, PlanNode>>): void;

  /** One step of a token standing on a node of this kind; a throw fails the node. */
  run(runtime: NodeRuntime, token: Token, plan: PlanNode, node: NodeOfType<T>): Promise<void>;
}

/** What the interpreter offers a node kind's step: the run's data and the moves of its tokens. */
export interface NodeRuntime {
  readonly ctx: OrchestrationContext;
  /** The instance's input. */
  readonly input: unknown;
  /** The run's `vars`, shared by every scope. */
  readonly vars: Record<string, unknown>;
  readonly options: InterpreterOptions;

  /** A fresh id for a token, a fork or a map run, in the order the run asks for them. */
  nextId(): number;
  spawn(node: string, last: unknown, frames: Frame[], scope: Scope): Token;
  /** A token that stands on `node` having run it (a join's continuation): not queued; move it on yourself. */
  continueFrom(node: string, last: unknown, frames: Frame[], scope: Scope): Token;
  moveTo(token: Token, target: string, last: unknown): void;
  wait(token: Token, task: Task<unknown>, onSettled: (task: Task<unknown>) => Promise<void>): void;
  retire(token: Token): void;
  cancel(predicate: (token: Token) => boolean): void;

  /** A node's output is recorded and its token follows the next edge — or, without one, ends its path. */
  succeed(token: Token, plan: PlanNode, output: unknown): void;
  /** A node failed: its error edge if it has one, else the enclosing map fails, else the instance. */
  nodeFailed(token: Token, plan: PlanNode, error: unknown): Promise<void>;
  /** The token's path ends with `output`: it finishes its map item, or else the instance. */
  endPath(token: Token, output: unknown): void;

  setStep(scope: Scope, nodeId: string, output: unknown): void;
  observe(nodeId: string, scope: Scope, status: NodeStatus, detail?: Record<string, unknown>): void;
  eval(expression: string, token: Token): Promise<unknown>;
  context(token: Token): Promise<ExpressionContext>;
  evalOptions(): EvaluateExpressionOptions;
  tags(plan: PlanNode, token: Token): Tags;
}
