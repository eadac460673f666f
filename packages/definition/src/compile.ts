import { NODE_KINDS } from "./nodes/registry.js";
import { parseDefinition } from "./parse-definition.js";
import type { Plan, PlanNode } from "./plan.js";
import type { Problem } from "./problem.js";
import type { WorkflowDefinition } from "./schema.js";
import type { ValidationCatalog } from "./settings-rules.js";
import { validate } from "./validate.js";

export { outgoingTargets } from "./plan.js";
export type { Plan, PlanNode } from "./plan.js";

/** A definition that cannot be compiled; `problems` says why, node by node. */
export class DefinitionError extends Error {
  override name = "DefinitionError";
  readonly code = "invalid-definition";
  constructor(readonly problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `The workflow definition has ${errors.length} error${errors.length === 1 ? "" : "s"}: ${errors
        .slice(0, 3)
        .map((p) => p.message)
        .join(" ")}${errors.length > 3 ? " …" : ""}`,
    );
  }
}

export interface CompileOptions {
  version?: number;
  /** Also check activity and workflow names against the server's catalog. */
  catalog?: ValidationCatalog;
  /**
   * The definition is a published version: it was validated when it was published, so it
   * is only parsed. Rules added by a later release (a sub-workflow calling its own
   * workflow, a regular expression the linear-time engine cannot run) must not make a
   * version with instances in flight unrunnable; a node that hits such a thing fails at
   * run time with the same message instead.
   */
  published?: boolean;
}

/**
 * Validates and compiles a definition into a plan; throws a `DefinitionError`
 * listing every error when it is not valid.
 *
 * @example const plan = compile(JSON.parse(readFileSync("examples/order-processing.json", "utf8")));
 */
export function compile(definition: unknown, options: CompileOptions = {}): Plan {
  if (!options.published) {
    const problems = validate(definition, options.catalog);
    if (problems.some((p) => p.severity === "error")) throw new DefinitionError(problems);
  }
  const parsed = parseDefinition(definition);
  if (!parsed.ok) throw new DefinitionError(parsed.problems);
  return buildPlan(parsed.definition, options.version ?? 0);
}

function buildPlan(definition: WorkflowDefinition, version: number): Plan {
  const nodes: Record<string, PlanNode> = Object.create(null) as Record<string, PlanNode>;
  for (const node of definition.nodes) {
    nodes[node.id] = {
      id: node.id,
      node,
      next: [],
      choices: [],
      ...(node.parentId ? { scope: node.parentId } : {}),
    };
  }
  for (const edge of definition.edges) {
    const source = nodes[edge.source];
    if (!source || !nodes[edge.target]) continue;
    const kind = edge.kind ?? "next";
    if (kind === "error") source.errorTarget = edge.target;
    else if (kind === "timeout") source.timeoutTarget = edge.target;
    else {
      const sourceKind = NODE_KINDS[source.node.type];
      if (sourceKind.planNextEdge) sourceKind.planNextEdge(source, edge);
      else source.next.push(edge.target);
    }
  }
  for (const plan of Object.values(nodes)) NODE_KINDS[plan.node.type].completePlan?.(plan, nodes);
  const start = definition.nodes.find((n) => n.type === "start" && !n.parentId);
  return {
    workflowId: definition.id,
    name: definition.name,
    version,
    start: start?.id ?? "",
    nodes,
  };
}
