import type { NodeState, NodeStates, WorkflowDefinition, WorkflowNode } from "@weft/definition";
import { MarkerType, type Edge, type Node } from "@xyflow/react";
import { kindOf, titleOf } from "../nodes/registry";
import { RUN_MAP_PADDING, RUN_NODE_HEIGHT, RUN_NODE_WIDTH } from "./run-geometry";
import { ACTIVE_NODE_STATUSES } from "./status";

/** A run's drawing as React Flow nodes and edges: each node with its state, each edge taken or not. */

export interface RunNodeData extends Record<string, unknown> {
  type: string;
  label: string;
  subtitle: string;
  state?: NodeState;
  maxAttempts?: number;
}

export type RunNode = Node<RunNodeData>;

function subtitleOf(node: WorkflowNode): string {
  const type = node.type;
  const kind = kindOf(type);
  // An unknown type keeps its own name rather than the activity kind's fallback.
  return kind.type === type && kind.runSubtitle ? kind.runSubtitle(node) : titleOf(type);
}

/** React Flow nodes for a definition: map groups sized around their body, parents first. */
export function toRunNodes(definition: WorkflowDefinition, states: NodeStates): RunNode[] {
  const children = new Map<string, WorkflowNode[]>();
  for (const node of definition.nodes) {
    if (node.parentId !== undefined) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node]);
  }
  const size = (node: WorkflowNode): { width: number; height: number } => {
    const body = children.get(node.id);
    if (node.type !== "map" || !body?.length) return { width: RUN_NODE_WIDTH, height: RUN_NODE_HEIGHT };
    let width = RUN_NODE_WIDTH;
    let height = RUN_NODE_HEIGHT;
    for (const child of body) {
      const p = child.position;
      const s = size(child);
      width = Math.max(width, p.x + s.width + RUN_MAP_PADDING.side);
      height = Math.max(height, p.y + s.height + RUN_MAP_PADDING.bottom);
    }
    return { width, height };
  };
  const nodes = definition.nodes.map((node): RunNode => {
    const id = node.id;
    const { width, height } = size(node);
    const retry = node.type === "activity" || node.type === "subWorkflow" ? node.retry : undefined;
    const flowNode: RunNode = {
      id,
      type: "run",
      position: node.position,
      data: {
        type: node.type,
        label: node.label || titleOf(node.type),
        subtitle: subtitleOf(node),
        ...(states[id] ? { state: states[id] } : {}),
        ...(retry?.maxAttempts ? { maxAttempts: retry.maxAttempts } : {}),
      },
      style: { width, height: node.type === "map" ? height : undefined },
      draggable: false,
      connectable: false,
    };
    if (node.parentId !== undefined) {
      flowNode.parentId = node.parentId;
      flowNode.extent = "parent";
    }
    return flowNode;
  });
  // Parents before children, as React Flow wants.
  return nodes.sort((a, b) => Number(Boolean(a.parentId)) - Number(Boolean(b.parentId)));
}

/**
 * Whether the source left by this kind of edge: a timeout edge when its wait timed out, an
 * error edge when it failed, a next edge when it succeeded otherwise. (Both edges of a wait
 * can lead to nodes that ran — the order's "not approved" step is also the rejection's — so
 * "the source is done and the target ran" alone drew an unfired timeout edge as taken.)
 */
function leftBy(kind: string, source: NodeState | undefined): boolean {
  if (!source) return false;
  if (kind === "timeout") return source.timedOut === true;
  if (kind === "error") return source.status === "failed";
  return source.status === "succeeded" && source.timedOut !== true;
}

/**
 * Edges coloured by what happened: taken, active (animated), not taken. Taken and active
 * edges come last, so they are drawn over the others where edges share a stretch (two
 * branches leaving one handle).
 */
export function toRunEdges(definition: WorkflowDefinition, states: NodeStates, terminal: boolean): Edge[] {
  const edges = definition.edges.map((edge) => {
    const source = states[edge.source];
    const target = states[edge.target];
    const kind = edge.kind ?? "next";
    const sourceDone = source?.status === "succeeded" || source?.status === "failed";
    const targetStarted = Boolean(target && target.status !== "idle" && target.status !== "skipped");
    const active =
      !terminal &&
      Boolean(target && ACTIVE_NODE_STATUSES.has(target.status)) &&
      ((sourceDone && leftBy(kind, source)) || source?.status === "waiting");
    const choiceTaken =
      source?.takenEdge !== undefined
        ? source.takenEdge === edge.id || (source.takenEdge === "default" && edge.default === true)
        : undefined;
    const taken = choiceTaken ?? (leftBy(kind, source) && targetStarted);
    const className = [
      "redge",
      `redge-${kind}`,
      active ? "is-active" : taken ? "is-taken" : terminal || choiceTaken === false ? "is-not-taken" : "",
    ].join(" ");
    return {
      id: edge.id,
      type: "run",
      source: edge.source,
      target: edge.target,
      animated: active,
      className,
      ...(edge.label !== undefined ? { label: edge.label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 4 } : {}),
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      data: { active, taken },
      focusable: false,
    };
  });
  const rank = (edge: Edge) => (edge.data?.active ? 2 : edge.data?.taken ? 1 : 0);
  return edges.sort((a, b) => rank(a) - rank(b));
}
