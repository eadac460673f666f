import { edgeTitle, outgoingOf, type GraphEdge, type GraphNode, type WorkflowGraph } from "./graph.js";
import { nodeRef, nodeTitle } from "./names.js";
import { BRANCHING_TYPES, EdgeKind, ERROR_EDGE_SOURCES, NodeType, TERMINAL_TYPES } from "./node-types.js";
import { errorProblem, ProblemCode, warningProblem, type Problem } from "./problem.js";

/** Outgoing edges by node type (DEFINITION.md rule 5) and the edges of choices. */
export function checkEdges(graph: WorkflowGraph): Problem[] {
  const problems: Problem[] = [];
  for (const node of graph.nodes) {
    const outgoing = outgoingOf(graph, node.id);
    checkKinds(graph, node, outgoing, problems);
    checkCounts(node, outgoing, problems);
    if (node.type === NodeType.Choice) checkChoice(graph, node, outgoing, problems);
    else checkNoConditions(graph, node, outgoing, problems);
  }
  return problems;
}

function checkKinds(graph: WorkflowGraph, node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void {
  for (const edge of outgoing) {
    const title = edgeTitle(graph, edge);
    if (edge.kind === EdgeKind.Error && !ERROR_EDGE_SOURCES.has(node.type)) {
      problems.push(
        errorProblem(
          ProblemCode.EdgeKindNotAllowed,
          `${title} is an error edge leaving ${nodeRef(node)}, but only activities, sub-workflows and maps can fail over to an error edge; make it a normal edge`,
          { edgeId: edge.id },
        ),
      );
    } else if (edge.kind === EdgeKind.Timeout && node.type !== NodeType.WaitForEvent) {
      problems.push(
        errorProblem(
          ProblemCode.EdgeKindNotAllowed,
          `${title} is a timeout edge leaving ${nodeRef(node)}, but only a wait for an event can time out; make it a normal edge`,
          { edgeId: edge.id },
        ),
      );
    } else if (edge.kind === EdgeKind.Timeout && node.raw.timeoutMs === undefined) {
      problems.push(
        errorProblem(
          ProblemCode.EdgeKindNotAllowed,
          `${title} is a timeout edge, but ${nodeRef(node)} has no timeoutMs, so it never times out; set a timeout or delete the edge`,
          { edgeId: edge.id },
        ),
      );
    }
  }
}

function checkCounts(node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void {
  const count = (kind: EdgeKind): number => outgoing.filter((edge) => edge.kind === kind).length;
  const next = count(EdgeKind.Next);
  const errors = count(EdgeKind.Error);
  const timeouts = count(EdgeKind.Timeout);
  const target = { nodeId: node.id };

  if (TERMINAL_TYPES.has(node.type)) {
    if (outgoing.length > 0) {
      problems.push(
        errorProblem(
          ProblemCode.TooManyEdges,
          `${nodeTitle(node)} ${node.type === NodeType.End ? "ends the instance" : "fails the instance"}, so it cannot have outgoing edges; delete ${outgoing.length === 1 ? "the edge" : `its ${outgoing.length} edges`}`,
          target,
        ),
      );
    }
    return;
  }
  if (node.type === NodeType.Parallel && outgoing.length < 2) {
    problems.push(
      errorProblem(
        ProblemCode.UnmatchedParallel,
        `${nodeTitle(node)} has ${outgoing.length === 0 ? "no branches" : "only one branch"}; draw an edge for each of two or more branches to run side by side`,
        target,
      ),
    );
  }
  if (next > 1 && !BRANCHING_TYPES.has(node.type)) {
    problems.push(
      errorProblem(
        ProblemCode.TooManyEdges,
        `${nodeTitle(node)} has ${next} outgoing edges; only a parallel (to run them all) or a choice (to pick one) can branch — put one after it`,
        target,
      ),
    );
  }
  if (errors > 1) {
    problems.push(
      errorProblem(
        ProblemCode.TooManyEdges,
        `${nodeTitle(node)} has ${errors} error edges; keep one (put a choice after it to tell errors apart)`,
        target,
      ),
    );
  }
  if (timeouts > 1) {
    problems.push(errorProblem(ProblemCode.TooManyEdges, `${nodeTitle(node)} has ${timeouts} timeout edges; keep one`, target));
  }
}

function checkChoice(graph: WorkflowGraph, node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void {
  if (outgoing.length === 0) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)} has no outgoing edges; draw one edge per outcome, each with a condition, and one default`,
        { nodeId: node.id },
      ),
    );
    return;
  }
  let defaults = 0;
  for (const edge of outgoing) {
    const hasCondition = typeof edge.raw.condition === "string" && edge.raw.condition.trim() !== "";
    const isDefault = edge.raw.default === true;
    if (isDefault) defaults++;
    if (edge.kind !== EdgeKind.Next) continue; // reported as a kind that is not allowed
    if (!hasCondition && !isDefault) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${edgeTitle(graph, edge)} leaves ${nodeRef(node)} without a condition; give it a condition (e.g. steps.approve.decision = "Approved") or make it the default`,
          { edgeId: edge.id },
        ),
      );
    } else if (hasCondition && isDefault) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${edgeTitle(graph, edge)} leaving ${nodeRef(node)} has a condition and is also the default; the default is taken when no condition holds, so remove one of the two`,
          { edgeId: edge.id },
        ),
      );
    }
  }
  if (defaults > 1) {
    problems.push(
      errorProblem(ProblemCode.BadSetting, `${nodeTitle(node)} has ${defaults} default edges; keep one default`, { nodeId: node.id }),
    );
  }
}

function checkNoConditions(graph: WorkflowGraph, node: GraphNode, outgoing: readonly GraphEdge[], problems: Problem[]): void {
  for (const edge of outgoing) {
    const hasCondition = typeof edge.raw.condition === "string" && edge.raw.condition.trim() !== "";
    if (!hasCondition && edge.raw.default !== true) continue;
    problems.push(
      warningProblem(
        ProblemCode.BadSetting,
        `${edgeTitle(graph, edge)} has ${hasCondition ? "a condition" : "the default flag"}, but it leaves ${nodeRef(node)}, not a choice, so it is ignored; remove it or put a choice before the edge`,
        { edgeId: edge.id },
      ),
    );
  }
}
