import { parseExpression } from "./expressions.js";
import { edgeTitle, type WorkflowGraph } from "./graph.js";
import { nodeTitle, quote } from "./names.js";
import { nodeKindOf } from "./nodes/registry.js";
import { errorProblem, ProblemCode, type Problem, type ProblemTarget } from "./problem.js";
import type { KnownNames } from "./setting-checks.js";

// Settings rules that need more than one field, or something besides the field: the
// expressions must parse, names must be in the catalog, and some settings go together.
// They read the raw JSON, so they also run on nodes that have another schema problem.
// Which fields are expressions, and the rules of one kind, are the kind's (nodes/<kind>.ts).

/** Names the server knows; a rule only runs when its list is given. */
export interface ValidationCatalog {
  activities?: readonly string[] | ReadonlySet<string>;
  workflows?: readonly string[] | ReadonlySet<string>;
  /** Activity name → the properties its input schema requires (`required`): an input written as an object must give them. */
  requiredInputs?: Readonly<Record<string, readonly string[]>>;
}

export interface ExpressionField {
  field: string;
  source: unknown;
}

/** The expression-valued settings of a raw node, as `{field, source}` pairs. */
export function nodeExpressionFields(raw: Record<string, unknown>): ExpressionField[] {
  return nodeKindOf(raw.type)?.expressionFields?.(raw) ?? [];
}

export function checkSettings(graph: WorkflowGraph, catalog: ValidationCatalog | undefined): Problem[] {
  const problems: Problem[] = [];
  const known: KnownNames = {
    activities: toSet(catalog?.activities),
    workflows: toSet(catalog?.workflows),
    requiredInputs: toRequiredInputs(catalog?.requiredInputs),
  };

  for (const node of graph.nodes) {
    const subject = nodeTitle(node);
    const target = { nodeId: node.id };
    for (const { field, source } of nodeExpressionFields(node.raw)) {
      checkExpression(subject, field, source, target, problems);
    }
    nodeKindOf(node.type)?.checkSettings?.(node, known, problems);
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

function toRequiredInputs(value: unknown): ReadonlyMap<string, readonly string[]> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const map = new Map<string, readonly string[]>();
  for (const [name, keys] of Object.entries(value)) {
    if (Array.isArray(keys))
      map.set(
        name,
        keys.filter((key): key is string => typeof key === "string"),
      );
  }
  return map;
}

function toSet(names: unknown): ReadonlySet<string> | undefined {
  if (names instanceof Set) return new Set([...names].filter((name): name is string => typeof name === "string"));
  if (Array.isArray(names)) return new Set(names.filter((name): name is string => typeof name === "string"));
  return undefined;
}
