import { edgeTitle, type GraphEdge, type GraphNode, type WorkflowGraph } from "./graph.js";
import { displayName, nodeRef, nodeTitle, quote } from "./names.js";
import { NodeType } from "./node-types.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";

// A map's body is a graph of its own: it runs once per item, starts at its one node
// without an incoming edge from inside, and ends the item where a path stops. So the
// canvas splits into scopes — the top level and one per map — and an edge may only
// join two nodes of the same scope. Rules that walk paths (reachability, block
// structure, cycles) walk each scope's own edges, the "flow" edges.

export interface Scopes {
  /** Nodes at the top level, in document order. */
  topLevel: GraphNode[];
  /** Each map's body, in document order (empty for a map with nothing inside). */
  bodies: Map<string, GraphNode[]>;
  /** Each map body's entry nodes: those without an incoming flow edge. One when valid. */
  entries: Map<string, GraphNode[]>;
  /** The top-level start nodes. One when valid. */
  starts: GraphNode[];
  /** Edges between two nodes of the same scope, by source. */
  flowOut: Map<string, GraphEdge[]>;
  /** Edges between two nodes of the same scope, by target. */
  flowIn: Map<string, GraphEdge[]>;
}

export interface ScopeResolution {
  scopes: Scopes;
  problems: Problem[];
}

/** Sets each node's `scope` and reports bad parentIds, start nodes and border crossings. */
export function resolveScopes(graph: WorkflowGraph): ScopeResolution {
  const problems: Problem[] = [];
  const parentOf = validParents(graph, problems);
  for (const node of graph.nodes) node.scope = parentOf.get(node.id);

  const scopes: Scopes = {
    topLevel: [],
    bodies: new Map(),
    entries: new Map(),
    starts: [],
    flowOut: new Map(),
    flowIn: new Map(),
  };
  for (const node of graph.nodes) {
    if (node.type === NodeType.Map) scopes.bodies.set(node.id, []);
    scopes.flowOut.set(node.id, []);
    scopes.flowIn.set(node.id, []);
  }
  for (const node of graph.nodes) {
    if (node.scope === undefined) scopes.topLevel.push(node);
    else scopes.bodies.get(node.scope)?.push(node);
  }

  checkStarts(graph, scopes, problems);

  for (const edge of graph.edges) {
    const source = graph.nodeById.get(edge.source) as GraphNode;
    const target = graph.nodeById.get(edge.target) as GraphNode;
    if (source.scope === target.scope) {
      scopes.flowOut.get(source.id)?.push(edge);
      scopes.flowIn.get(target.id)?.push(edge);
    } else {
      problems.push(crossingProblem(graph, edge, source, target));
    }
  }

  for (const [mapId, body] of scopes.bodies) {
    const map = graph.nodeById.get(mapId) as GraphNode;
    const entries = body.filter((node) => (scopes.flowIn.get(node.id) ?? []).length === 0);
    scopes.entries.set(mapId, entries);
    if (body.length === 0) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${nodeTitle(map)} has no nodes inside it; put the steps to run for each item inside the map`,
          { nodeId: mapId },
        ),
      );
    } else if (entries.length === 0) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `Every node inside ${nodeRef(map)} has an incoming edge from inside the map, so its body has no first step; the first step is the one node without an incoming edge`,
          { nodeId: mapId },
        ),
      );
    } else if (entries.length > 1) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${nodeTitle(map)} has ${entries.length} first steps (${listNames(entries)}); its body must start at exactly one node — connect the others after it`,
          { nodeId: mapId },
        ),
      );
    }
  }
  return { scopes, problems };
}

// The parent of each node whose parentId names a map, without loops of maps.
function validParents(graph: WorkflowGraph, problems: Problem[]): Map<string, string> {
  const parentOf = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.parentId === undefined) continue;
    const parent = graph.nodeById.get(node.parentId);
    if (parent === undefined) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${nodeTitle(node)}: parentId ${quote(node.parentId)} is not a node of this workflow; move the node into a map or clear its parentId`,
          { nodeId: node.id },
        ),
      );
    } else if (parent === node) {
      problems.push(
        errorProblem(ProblemCode.BadSetting, `${nodeTitle(node)} names itself as its parentId; a node cannot be inside itself`, {
          nodeId: node.id,
        }),
      );
    } else if (parent.type !== NodeType.Map) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${nodeTitle(node)} is placed inside ${nodeRef(parent)} (its parentId), but only a map can contain nodes`,
          { nodeId: node.id },
        ),
      );
    } else {
      parentOf.set(node.id, parent.id);
    }
  }

  // Maps inside each other in a ring would make a body no path can reach.
  const state = new Map<string, "walking" | "done">();
  for (const node of graph.nodes) {
    if (state.has(node.id)) continue;
    const path: string[] = [];
    let current: string | undefined = node.id;
    while (current !== undefined && !state.has(current)) {
      state.set(current, "walking");
      path.push(current);
      current = parentOf.get(current);
    }
    if (current !== undefined && state.get(current) === "walking") {
      const ring = path.slice(path.indexOf(current));
      const names = ring.map((id) => displayName(graph.nodeById.get(id) as GraphNode));
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `Maps ${names.join(", ")} are inside each other (through parentId), so none of them can run; take one of them out`,
          { nodeId: ring[0] },
        ),
      );
      for (const id of ring) parentOf.delete(id);
    }
    for (const id of path) state.set(id, "done");
  }
  return parentOf;
}

function checkStarts(graph: WorkflowGraph, scopes: Scopes, problems: Problem[]): void {
  for (const node of graph.nodes) {
    if (node.type !== NodeType.Start) continue;
    if (node.scope === undefined) {
      scopes.starts.push(node);
      continue;
    }
    const map = graph.nodeById.get(node.scope) as GraphNode;
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)} is inside ${nodeRef(map)}, but the start belongs at the top level; a map's body begins at its node without an incoming edge`,
        { nodeId: node.id },
      ),
    );
  }
  if (scopes.starts.length === 0) {
    problems.push(
      errorProblem(
        ProblemCode.NoStart,
        "The workflow has no start node; add one start where each run begins and connect it to the first step",
      ),
    );
  }
  for (const extra of scopes.starts.slice(1)) {
    problems.push(
      errorProblem(
        ProblemCode.MultipleStart,
        `${nodeTitle(extra)} is a second start (the first is ${displayName(scopes.starts[0] as GraphNode)}); a workflow has exactly one start — delete this one`,
        { nodeId: extra.id },
      ),
    );
  }
}

function crossingProblem(graph: WorkflowGraph, edge: GraphEdge, source: GraphNode, target: GraphNode): Problem {
  const title = edgeTitle(graph, edge);
  const mapOf = (node: GraphNode): GraphNode => graph.nodeById.get(node.scope as string) as GraphNode;
  let message: string;
  if (target.scope === source.id) {
    message = `${title} connects ${nodeRef(source)} to ${nodeRef(target)} inside its own body; the body starts by itself for every item, so delete this edge`;
  } else if (source.scope === target.id) {
    message = `${title} leads from ${nodeRef(source)} back to ${nodeRef(target)}, the map it is inside; a body node without an outgoing edge finishes the item, so delete this edge`;
  } else if (source.scope !== undefined && !isInside(graph, target, source.scope)) {
    message = `${title} leaves ${nodeRef(mapOf(source))} from ${nodeRef(source)} inside it to ${nodeRef(target)} outside it; a map's body only connects to nodes inside the map — connect the map node itself instead`;
  } else {
    message = `${title} enters ${nodeRef(mapOf(target))} from ${nodeRef(source)} outside it; a map's body only connects to nodes inside the map — connect ${nodeRef(source)} to the map node instead`;
  }
  return errorProblem(ProblemCode.CrossesBorder, message, { edgeId: edge.id });
}

function isInside(graph: WorkflowGraph, node: GraphNode, mapId: string): boolean {
  let scope = node.scope;
  for (let hops = 0; scope !== undefined && hops <= graph.nodes.length; hops++) {
    if (scope === mapId) return true;
    scope = graph.nodeById.get(scope)?.scope;
  }
  return false;
}

export function listNames(nodes: readonly GraphNode[], limit = 5): string {
  const names = nodes.slice(0, limit).map((node) => displayName(node));
  return nodes.length > limit ? `${names.join(", ")} and ${nodes.length - limit} more` : names.join(", ");
}
