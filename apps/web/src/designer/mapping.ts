import type { WorkflowDefinition } from "@weft/definition";
import type { WorkflowDraft } from "@weft/client";
import type { Edge, Node } from "@xyflow/react";
import { MAP_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./geometry";

/**
 * A definition node's settings are top-level properties beside `type`; React Flow wants
 * them under `data`. `settings` holds every property but id, type, position and parentId
 * (unknown ones too), and `keys` the original key order, so that the mapping back gives
 * the same document.
 */
export interface WeftNodeData extends Record<string, unknown> {
  settings: Record<string, unknown>;
  keys: readonly string[];
}

export interface WeftEdgeData extends Record<string, unknown> {
  settings: Record<string, unknown>;
  keys: readonly string[];
}

export type WeftNode = Node<WeftNodeData>;
export type WeftEdge = Edge<WeftEdgeData>;

/** The document's own fields (id, name, trigger, inputSchema, unknown ones …), in order. */
export type DocumentMeta = Record<string, unknown>;

const NODE_OWN = new Set(["id", "type", "position", "parentId"]);
const EDGE_OWN = new Set(["id", "source", "target"]);

export type EdgeHandle = "next" | "error" | "timeout";

export function handleOfKind(kind: unknown): EdgeHandle {
  return kind === "error" || kind === "timeout" ? kind : "next";
}

export function toFlowNode(raw: Record<string, unknown>): WeftNode {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!NODE_OWN.has(key)) settings[key] = value;
  const position = (raw.position ?? { x: 0, y: 0 }) as { x: number; y: number };
  const node: WeftNode = {
    id: String(raw.id),
    type: String(raw.type),
    position,
    data: { settings, keys: Object.keys(raw) },
  };
  if (typeof raw.parentId === "string") node.parentId = raw.parentId;
  return node;
}

export function fromFlowNode(node: WeftNode): Record<string, unknown> {
  const own: Record<string, unknown> = { id: node.id, type: node.type, position: node.position, parentId: node.parentId };
  return ordered(node.data.keys, own, node.data.settings, ["id", "type", "position", "parentId"]);
}

export function toFlowEdge(raw: Record<string, unknown>): WeftEdge {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!EDGE_OWN.has(key)) settings[key] = value;
  return {
    id: String(raw.id),
    source: String(raw.source),
    target: String(raw.target),
    sourceHandle: handleOfKind(raw.kind),
    type: "weft",
    data: { settings, keys: Object.keys(raw) },
  };
}

export function fromFlowEdge(edge: WeftEdge): Record<string, unknown> {
  const data = edge.data ?? { settings: {}, keys: [] };
  return ordered(data.keys, { id: edge.id, source: edge.source, target: edge.target }, data.settings, ["id", "source", "target"]);
}

/** Rebuilds an object in its original key order; new keys go after, undefined values are left out. */
function ordered(keys: readonly string[], own: Record<string, unknown>, settings: Record<string, unknown>, ownOrder: readonly string[]) {
  const out: Record<string, unknown> = {};
  const put = (key: string) => {
    if (key in out) return;
    const value = key in own ? own[key] : settings[key];
    if (value !== undefined) out[key] = value;
  };
  for (const key of keys) put(key);
  for (const key of ownOrder) put(key);
  for (const key of Object.keys(settings)) put(key);
  return out;
}

/** React Flow needs a parent before its children; keep the document's order otherwise. */
function parentsFirst(nodes: WeftNode[]): WeftNode[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const outOfOrder = nodes.some((n, i) => n.parentId !== undefined && (index.get(n.parentId) ?? -1) > i);
  if (!outOfOrder) return nodes;
  const placed = new Set<string>();
  const result: WeftNode[] = [];
  const visit = (node: WeftNode, depth: number) => {
    if (placed.has(node.id) || depth > 50) return;
    const parent = node.parentId ? nodes.find((n) => n.id === node.parentId) : undefined;
    if (parent) visit(parent, depth + 1);
    placed.add(node.id);
    result.push(node);
  };
  for (const node of nodes) visit(node, 0);
  return result;
}

export interface FlowGraph {
  meta: DocumentMeta;
  nodes: WeftNode[];
  edges: WeftEdge[];
}

/** A document the designer opens: a draft (its nodes may be half done), or a published definition. */
export type OpenedDocument = WorkflowDraft | WorkflowDefinition | Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function definitionToFlow(definition: OpenedDocument): FlowGraph {
  const meta: DocumentMeta = {};
  for (const [key, value] of Object.entries(definition)) if (key !== "nodes" && key !== "edges" && key !== "version") meta[key] = value;
  // A node or edge that is not even an object cannot be drawn; validation names the document's problems.
  const rawNodes = Array.isArray(definition.nodes) ? definition.nodes.filter(isRecord) : [];
  const rawEdges = Array.isArray(definition.edges) ? definition.edges.filter(isRecord) : [];
  meta.__keys = Object.keys(definition).filter((k) => k !== "version");
  return { meta, nodes: parentsFirst(rawNodes.map(toFlowNode)), edges: rawEdges.map(toFlowEdge) };
}

export function flowToDefinition(graph: FlowGraph): WorkflowDefinition {
  const { __keys, ...fields } = graph.meta as DocumentMeta & { __keys?: string[] };
  const out: Record<string, unknown> = {};
  const parts: Record<string, unknown> = { ...fields, nodes: graph.nodes.map(fromFlowNode), edges: graph.edges.map(fromFlowEdge) };
  for (const key of [...(__keys ?? []), "id", "name", ...Object.keys(fields), "nodes", "edges"]) {
    if (!(key in out) && parts[key] !== undefined) out[key] = parts[key];
  }
  return out as unknown as WorkflowDefinition;
}

/** The size a map group needs to hold its body (children positions are relative to it). */
export function mapSize(map: WeftNode, nodes: readonly WeftNode[]): { width: number; height: number } {
  let right = 0;
  let bottom = 0;
  for (const child of nodes) {
    if (child.parentId !== map.id) continue;
    const w = child.measured?.width ?? NODE_WIDTH;
    const h = child.measured?.height ?? NODE_HEIGHT;
    right = Math.max(right, child.position.x + w);
    bottom = Math.max(bottom, child.position.y + h);
  }
  return {
    width: Math.max(NODE_WIDTH + 2 * MAP_PADDING.side, right + MAP_PADDING.side),
    height: Math.max(150, bottom + MAP_PADDING.bottom),
  };
}

/** Gives every map node the size of its body; other nodes pass through unchanged. */
export function sizeMaps(nodes: WeftNode[]): WeftNode[] {
  if (!nodes.some((n) => n.type === "map")) return nodes;
  return nodes.map((node) => {
    if (node.type !== "map") return node;
    const { width, height } = mapSize(node, nodes);
    if (node.width === width && node.height === height) return node;
    return { ...node, width, height };
  });
}
