import { edgeTitle, outgoingOf, type GraphEdge, type GraphNode, type WorkflowGraph } from "./graph.js";
import { nodeRef, nodeTitle } from "./names.js";
import { EdgeKind } from "./node-types.js";
import type { NodeKind } from "./nodes/node-kind.js";
import { nodeKindOf } from "./nodes/registry.js";
import { errorProblem, ProblemCode, warningProblem, type Problem } from "./problem.js";

/** Outgoing edges by node type; each kind says which edges it takes (nodes/registry.ts). */
export function checkEdges(graph: WorkflowGraph): Problem[] {
  const problems: Problem[] = [];
  for (const node of graph.nodes) {
    const outgoing = outgoingOf(graph, node.id);
    const kind = nodeKindOf(node.type);
    checkKinds(graph, node, kind, outgoing, problems);
    checkCounts(node, kind, outgoing, problems);
    if (kind?.checkConditions) kind.checkConditions(graph, node, outgoing, problems);
    else checkNoConditions(graph, node, outgoing, problems);
  }
  return problems;
}

function checkKinds(
  graph: WorkflowGraph,
  node: GraphNode,
  kind: NodeKind | undefined,
  outgoing: readonly GraphEdge[],
  problems: Problem[],
): void {
  for (const edge of outgoing) {
    const title = edgeTitle(graph, edge);
    if (edge.kind === EdgeKind.Error && !kind?.errorEdge) {
      problems.push(
        errorProblem(
          ProblemCode.EdgeKindNotAllowed,
          `${title} is an error edge leaving ${nodeRef(node)}, but only activities, sub-workflows and maps can fail over to an error edge; make it a normal edge`,
          { edgeId: edge.id },
        ),
      );
    } else if (edge.kind === EdgeKind.Timeout && !kind?.timeoutEdge) {
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

function checkCounts(node: GraphNode, kind: NodeKind | undefined, outgoing: readonly GraphEdge[], problems: Problem[]): void {
  const count = (edgeKind: EdgeKind): number => outgoing.filter((edge) => edge.kind === edgeKind).length;
  const next = count(EdgeKind.Next);
  const errors = count(EdgeKind.Error);
  const timeouts = count(EdgeKind.Timeout);
  const target = { nodeId: node.id };

  if (kind?.ends !== undefined) {
    if (outgoing.length > 0) {
      problems.push(
        errorProblem(
          ProblemCode.TooManyEdges,
          `${nodeTitle(node)} ${kind.ends}, so it cannot have outgoing edges; delete ${outgoing.length === 1 ? "the edge" : `its ${outgoing.length} edges`}`,
          target,
        ),
      );
    }
    return;
  }
  kind?.checkBranches?.(node, outgoing, problems);
  if (next > 1 && !kind?.branching) {
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
