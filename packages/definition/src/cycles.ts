import type { GraphNode, WorkflowGraph } from "./graph.js";
import type { Scopes } from "./map-scopes.js";
import { displayName } from "./names.js";
import { NodeType } from "./node-types.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";

/**
 * A loop must pass through a choice, which is where it can be left. Any loop left once
 * the choices are taken out of the graph is a loop without a way out: each strongly
 * connected group of two or more nodes in that graph is reported once.
 */
export function checkCycles(graph: WorkflowGraph, scopes: Scopes): Problem[] {
  const problems: Problem[] = [];
  for (const component of loopsWithoutChoice(graph, scopes)) {
    const ordered = [...component].sort((a, b) => a.index - b.index);
    const shown = ordered.slice(0, 6).map((node) => displayName(node));
    const names = ordered.length > 6 ? `${shown.join(", ")} and ${ordered.length - 6} more` : shown.join(", ");
    problems.push(
      errorProblem(
        ProblemCode.CycleWithoutChoice,
        `Nodes ${names} form a loop without a choice, so nothing decides when to leave it; put a choice in the loop with one edge that exits`,
        { nodeId: (ordered[0] as GraphNode).id },
      ),
    );
  }
  return problems;
}

// Tarjan's strongly connected components, iterative so that 10,000 nodes in a chain
// do not overflow the stack.
function loopsWithoutChoice(graph: WorkflowGraph, scopes: Scopes): GraphNode[][] {
  const successors = (node: GraphNode): GraphNode[] =>
    (scopes.flowOut.get(node.id) ?? [])
      .map((edge) => graph.nodeById.get(edge.target) as GraphNode)
      .filter((target) => target.type !== NodeType.Choice);

  const indexOf = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: GraphNode[] = [];
  const components: GraphNode[][] = [];
  let counter = 0;

  for (const root of graph.nodes) {
    if (root.type === NodeType.Choice || indexOf.has(root.id)) continue;
    const work: Array<{ node: GraphNode; next: GraphNode[]; position: number }> = [];
    const open = (node: GraphNode): void => {
      indexOf.set(node.id, counter);
      lowLink.set(node.id, counter);
      counter++;
      stack.push(node);
      onStack.add(node.id);
      work.push({ node, next: successors(node), position: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as (typeof work)[number];
      if (frame.position < frame.next.length) {
        const target = frame.next[frame.position++] as GraphNode;
        if (!indexOf.has(target.id)) {
          open(target);
        } else if (onStack.has(target.id)) {
          lowLink.set(frame.node.id, Math.min(lowLink.get(frame.node.id) as number, indexOf.get(target.id) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) {
        lowLink.set(parent.node.id, Math.min(lowLink.get(parent.node.id) as number, lowLink.get(frame.node.id) as number));
      }
      if (lowLink.get(frame.node.id) === indexOf.get(frame.node.id)) {
        const component: GraphNode[] = [];
        let member: GraphNode;
        do {
          member = stack.pop() as GraphNode;
          onStack.delete(member.id);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components;
}
