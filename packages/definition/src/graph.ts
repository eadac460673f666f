import { capitalize, nodeRef, nodeTitle, quote } from "./names.js";
import { EdgeKind, isEdgeKind } from "./node-types.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";
import type { WorkflowEdge, WorkflowNode } from "./schema.js";

// The graph the rules walk. It is built from the raw JSON, not only from the nodes
// that fit the schema, so a node with one bad setting still takes part in the graph
// checks and every problem is reported in one pass.

export interface GraphNode {
  id: string;
  /** Position in `nodes`. */
  index: number;
  /** The raw `type`; '' when it is not text. Unknown types take part as plain nodes. */
  type: string;
  label: string | undefined;
  parentId: string | undefined;
  raw: Record<string, unknown>;
  /** The parsed node, when it fits the schema. */
  node: WorkflowNode | undefined;
  /** The map whose body holds this node (resolved by `resolveScopes`); undefined at top level. */
  scope: string | undefined;
}

export interface GraphEdge {
  id: string | undefined;
  /** Position in `edges`. */
  index: number;
  source: string;
  target: string;
  kind: EdgeKind;
  raw: Record<string, unknown>;
  edge: WorkflowEdge | undefined;
}

export interface WorkflowGraph {
  /** Nodes with a text id, first occurrence of each id only. */
  nodes: GraphNode[];
  nodeById: Map<string, GraphNode>;
  /** Edges whose two ends are distinct existing nodes. */
  edges: GraphEdge[];
  outgoing: Map<string, GraphEdge[]>;
  incoming: Map<string, GraphEdge[]>;
}

export interface GraphBuild {
  graph: WorkflowGraph;
  problems: Problem[];
}

/** Builds the graph and reports duplicate ids, dangling edges and self-edges. */
export function buildGraph(
  document: Record<string, unknown>,
  parsedNodes: ReadonlyArray<WorkflowNode | undefined>,
  parsedEdges: ReadonlyArray<WorkflowEdge | undefined>,
): GraphBuild {
  const problems: Problem[] = [];
  const graph: WorkflowGraph = { nodes: [], nodeById: new Map(), edges: [], outgoing: new Map(), incoming: new Map() };

  const rawNodes = Array.isArray(document.nodes) ? (document.nodes as unknown[]) : [];
  rawNodes.forEach((raw, index) => {
    if (!isRecord(raw) || typeof raw.id !== "string" || raw.id === "") return;
    const node: GraphNode = {
      id: raw.id,
      index,
      type: typeof raw.type === "string" ? raw.type : "",
      label: typeof raw.label === "string" ? raw.label : undefined,
      parentId: typeof raw.parentId === "string" ? raw.parentId : undefined,
      raw,
      node: parsedNodes[index],
      scope: undefined,
    };
    const first = graph.nodeById.get(node.id);
    if (first !== undefined) {
      problems.push(
        errorProblem(
          ProblemCode.DuplicateId,
          `${nodeTitle(node)} (node #${index + 1}) has the id ${quote(node.id)}, which ${nodeRef(first)} (node #${first.index + 1}) already has; give every node its own id`,
          { nodeId: node.id },
        ),
      );
      return;
    }
    graph.nodeById.set(node.id, node);
    graph.nodes.push(node);
    graph.outgoing.set(node.id, []);
    graph.incoming.set(node.id, []);
  });

  const rawEdges = Array.isArray(document.edges) ? (document.edges as unknown[]) : [];
  const edgeIds = new Set<string>();
  rawEdges.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
    const name = id !== undefined ? `Edge ${quote(id)}` : `Edge #${index + 1}`;
    if (id !== undefined) {
      if (edgeIds.has(id)) {
        problems.push(
          errorProblem(
            ProblemCode.DuplicateId,
            `${name} (edge #${index + 1}) has the same id as an earlier edge; give every edge its own id`,
            {
              edgeId: id,
            },
          ),
        );
      }
      edgeIds.add(id);
    }
    if (typeof raw.source !== "string" || typeof raw.target !== "string") return;
    const source = graph.nodeById.get(raw.source);
    const target = graph.nodeById.get(raw.target);
    if (source === undefined || target === undefined) {
      const missing = [
        source === undefined ? `leaves ${quote(raw.source)}` : undefined,
        target === undefined ? `goes to ${quote(raw.target)}` : undefined,
      ].filter((part) => part !== undefined);
      const which = source === undefined && target === undefined ? "neither is a node" : "which is not a node";
      problems.push(
        errorProblem(ProblemCode.DanglingEdge, `${name} ${missing.join(" and ")}, ${which}; connect it to a node or delete it`, {
          edgeId: id,
        }),
      );
      return;
    }
    if (source === target) {
      problems.push(
        errorProblem(
          ProblemCode.SelfEdge,
          `${name} leaves and enters ${nodeRef(source)}; a node cannot connect to itself (to repeat a step, loop back through a choice)`,
          { edgeId: id },
        ),
      );
      return;
    }
    const edge: GraphEdge = {
      id,
      index,
      source: source.id,
      target: target.id,
      kind: isEdgeKind(raw.kind) ? raw.kind : EdgeKind.Next,
      raw,
      edge: parsedEdges[index],
    };
    graph.edges.push(edge);
    (graph.outgoing.get(source.id) as GraphEdge[]).push(edge);
    (graph.incoming.get(target.id) as GraphEdge[]).push(edge);
  });

  return { graph, problems };
}

export function outgoingOf(graph: WorkflowGraph, nodeId: string): readonly GraphEdge[] {
  return graph.outgoing.get(nodeId) ?? [];
}

/** "edge 'e4'" or, for an edge without an id, "the edge from activity 'a' to end 'b'". */
export function edgeRef(graph: WorkflowGraph, edge: GraphEdge): string {
  if (edge.id !== undefined) return `edge ${quote(edge.id)}`;
  const source = graph.nodeById.get(edge.source);
  const target = graph.nodeById.get(edge.target);
  return `the edge from ${source !== undefined ? nodeRef(source) : quote(edge.source)} to ${
    target !== undefined ? nodeRef(target) : quote(edge.target)
  }`;
}

/** "Edge 'e4'" — `edgeRef` for the start of a sentence. */
export function edgeTitle(graph: WorkflowGraph, edge: GraphEdge): string {
  return capitalize(edgeRef(graph, edge));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
