import { analyzeFlow } from "./block-structure.js";
import { checkCycles } from "./cycles.js";
import { checkEdges } from "./edge-rules.js";
import { buildGraph } from "./graph.js";
import { resolveScopes } from "./map-scopes.js";
import { checkShape } from "./parse-definition.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";
import { checkSettings, type ValidationCatalog } from "./settings-rules.js";
import { checkSelfCalls } from "./sub-workflow-cycles.js";

/**
 * Checks a workflow definition against its JSON Schema and every node kind's rules (nodes/) and returns every problem found,
 * in one pass: the schema, then the graph (start, ids, edges, reachability, block
 * structure, loops, edges per node type), then settings (expressions, catalog names).
 * Unknown activities and workflows are only reported when the catalog lists them.
 * Never throws, whatever JSON it is given.
 *
 * @example
 * const problems = validate(definition, { activities: ['util.echo', 'notify.send'] });
 * if (hasErrors(problems)) return c.json({ problems }, 422);
 */
export function validate(definition: unknown, catalog?: ValidationCatalog): Problem[] {
  try {
    return runRules(definition, catalog);
  } catch (error) {
    // No rule is meant to throw; if one does, say so instead of taking the caller down.
    const reason = error instanceof Error ? error.message : String(error);
    return [errorProblem(ProblemCode.Schema, `The workflow definition could not be checked (${reason}); please report this`)];
  }
}

function runRules(definition: unknown, catalog: ValidationCatalog | undefined): Problem[] {
  const shape = checkShape(definition);
  const problems = [...shape.problems];
  if (shape.document === undefined) return problems;

  const { graph, problems: graphProblems } = buildGraph(shape.document, shape.nodes, shape.edges);
  problems.push(...graphProblems);
  const { scopes, problems: scopeProblems } = resolveScopes(graph);
  problems.push(...scopeProblems);
  problems.push(...analyzeFlow(graph, scopes).problems);
  problems.push(...checkCycles(graph, scopes));
  problems.push(...checkEdges(graph));
  problems.push(...checkSettings(graph, catalog));
  problems.push(...checkSelfCalls(definition));
  return problems;
}
