import { parseExpression } from "./expressions.js";
import { edgeTitle, isRecord, type GraphNode, type WorkflowGraph } from "./graph.js";
import { nodeTitle, quote } from "./names.js";
import { NodeType } from "./node-types.js";
import { errorProblem, ProblemCode, type Problem, type ProblemTarget } from "./problem.js";
import { closestMatch } from "./suggest.js";

// Settings rules that need more than one field, or something besides the field: the
// expressions must parse, names must be in the catalog, and some settings go together.
// They read the raw JSON, so they also run on nodes that have another schema problem.

const DEFAULT_FIRST_INTERVAL_MS = 1000;

/** Names the server knows; a rule only runs when its list is given. */
export interface ValidationCatalog {
  activities?: readonly string[] | ReadonlySet<string>;
  workflows?: readonly string[] | ReadonlySet<string>;
}

export interface ExpressionField {
  field: string;
  source: unknown;
}

/** The expression-valued settings of a raw node, as `{field, source}` pairs. */
export function nodeExpressionFields(raw: Record<string, unknown>): ExpressionField[] {
  switch (raw.type) {
    case NodeType.Activity:
    case NodeType.SubWorkflow:
      return [{ field: "input", source: raw.input }];
    case NodeType.Map:
      return [{ field: "items", source: raw.items }];
    case NodeType.Delay:
      return [{ field: "until", source: raw.until }];
    case NodeType.SetStatus:
      return [{ field: "status", source: raw.status }];
    case NodeType.End:
      return [{ field: "output", source: raw.output }];
    case NodeType.Fail:
      return [{ field: "message", source: raw.message }];
    case NodeType.Transform:
      return isRecord(raw.assign) ? Object.entries(raw.assign).map(([name, source]) => ({ field: `assign.${name}`, source })) : [];
    default:
      return [];
  }
}

export function checkSettings(graph: WorkflowGraph, catalog: ValidationCatalog | undefined): Problem[] {
  const problems: Problem[] = [];
  const activities = toSet(catalog?.activities);
  const workflows = toSet(catalog?.workflows);

  for (const node of graph.nodes) {
    const subject = nodeTitle(node);
    const target = { nodeId: node.id };
    for (const { field, source } of nodeExpressionFields(node.raw)) {
      checkExpression(subject, field, source, target, problems);
    }
    switch (node.type) {
      case NodeType.Delay:
        checkDelay(node, problems);
        break;
      case NodeType.WaitForEvent:
        checkApproval(node, problems);
        break;
      case NodeType.Activity:
        checkRetry(node, problems);
        if (activities !== undefined && typeof node.raw.activity === "string" && node.raw.activity.trim() !== "") {
          checkName(subject, node.raw.activity, activities, "activity", target, problems);
        }
        break;
      case NodeType.SubWorkflow:
        checkRetry(node, problems);
        if (workflows !== undefined && typeof node.raw.workflow === "string" && node.raw.workflow !== "") {
          checkName(subject, node.raw.workflow, workflows, "workflow", target, problems);
        }
        break;
      default:
        break;
    }
  }
  for (const edge of graph.edges) {
    checkExpression(edgeTitle(graph, edge), "condition", edge.raw.condition, { edgeId: edge.id }, problems);
  }
  return problems;
}

function checkExpression(subject: string, field: string, source: unknown, target: ProblemTarget, problems: Problem[]): void {
  if (typeof source !== "string") return; // missing or not text: a schema problem
  if (source.trim() === "") {
    problems.push(errorProblem(ProblemCode.BadExpression, `${subject}: ${field} is empty; write an expression or clear the field`, target));
    return;
  }
  const parsed = parseExpression(source);
  if (parsed.ok) return;
  problems.push(
    errorProblem(
      ProblemCode.BadExpression,
      `${subject}: ${field} is not a valid expression: ${parsed.error.message} (at position ${parsed.error.position}${
        parsed.error.token !== undefined ? `, near ${quote(parsed.error.token)}` : ""
      })`,
      target,
    ),
  );
}

function checkDelay(node: GraphNode, problems: Problem[]): void {
  const hasDuration = node.raw.durationMs !== undefined;
  const hasUntil = node.raw.until !== undefined;
  if (hasDuration === hasUntil) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        hasDuration
          ? `${nodeTitle(node)} has both durationMs and until; keep one of them`
          : `${nodeTitle(node)} needs durationMs (how long to wait) or until (an expression giving the time to wait until)`,
        { nodeId: node.id },
      ),
    );
  }
}

function checkApproval(node: GraphNode, problems: Problem[]): void {
  const approval = node.raw.approval;
  if (!isRecord(approval) || !Array.isArray(approval.choices)) return;
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const choice of approval.choices) {
    if (typeof choice !== "string") continue;
    if (seen.has(choice)) repeated.add(choice);
    seen.add(choice);
  }
  if (repeated.size > 0) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)}: approval.choices lists ${[...repeated].map(quote).join(", ")} more than once; each choice is one button, so give every choice its own name`,
        { nodeId: node.id },
      ),
    );
  }
}

function checkRetry(node: GraphNode, problems: Problem[]): void {
  const retry = node.raw.retry;
  if (!isRecord(retry) || typeof retry.maxIntervalMs !== "number") return;
  const explicitFirst = typeof retry.firstIntervalMs === "number";
  const first = explicitFirst ? (retry.firstIntervalMs as number) : DEFAULT_FIRST_INTERVAL_MS;
  if (retry.maxIntervalMs < first) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)}: retry.maxIntervalMs (${retry.maxIntervalMs}) is shorter than the first interval (${first} ms${
          explicitFirst ? "" : ", the default"
        }); raise maxIntervalMs or lower firstIntervalMs`,
        { nodeId: node.id },
      ),
    );
  }
}

function checkName(
  subject: string,
  name: string,
  known: ReadonlySet<string>,
  what: "activity" | "workflow",
  target: ProblemTarget,
  problems: Problem[],
): void {
  if (known.has(name)) return;
  const suggestion = closestMatch(name, known);
  const hint =
    suggestion !== undefined
      ? `. Did you mean ${quote(suggestion)}?`
      : what === "activity"
        ? "; pick an activity from the catalog"
        : "; pick a workflow that exists";
  problems.push(
    what === "activity"
      ? errorProblem(ProblemCode.UnknownActivity, `${subject} calls ${quote(name)}, which is not in the catalog${hint}`, target)
      : errorProblem(ProblemCode.UnknownWorkflow, `${subject} calls workflow ${quote(name)}, which does not exist${hint}`, target),
  );
}

function toSet(names: unknown): ReadonlySet<string> | undefined {
  if (names instanceof Set) return new Set([...names].filter((name): name is string => typeof name === "string"));
  if (Array.isArray(names)) return new Set(names.filter((name): name is string => typeof name === "string"));
  return undefined;
}
