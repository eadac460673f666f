import type { XYPosition } from "@xyflow/react";
import { kindOf } from "../nodes/registry";
import { MAP_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./geometry";
import { handleOfKind, type WeftEdge, type WeftNode } from "./mapping";
import type { DesignerState, NewNodeOptions } from "./store";
import type { SliceContext } from "./store-history";
import { patched, uniqueEdgeId, uniqueNodeId } from "./store-ids";

export type EditsSlice = Pick<DesignerState, "addNode" | "updateNode" | "updateEdge" | "updateMeta">;

/** To the right of the node it follows, below any sibling already there. */
function positionAfter(nodes: readonly WeftNode[], after: WeftNode, parentId: string | undefined): XYPosition {
  const x = after.position.x + NODE_WIDTH + 80;
  let y = after.position.y;
  while (
    nodes.some((n) => n.parentId === parentId && Math.abs(n.position.x - x) < NODE_WIDTH && Math.abs(n.position.y - y) < NODE_HEIGHT)
  ) {
    y += NODE_HEIGHT + 40;
  }
  return { x, y };
}

/** A new node of a type, selected, with the kind's defaults and the keys its JSON will list. */
function newNode(state: DesignerState, type: string, opts: NewNodeOptions): { node: WeftNode; after: WeftNode | undefined } {
  const settings: Record<string, unknown> = { ...kindOf(type).defaults, ...opts.settings };
  const activityName = typeof settings.activity === "string" ? settings.activity : undefined;
  const base = type === "activity" && activityName ? (activityName.split(".").pop() ?? type) : type;
  const id = uniqueNodeId(base, new Set(state.nodes.map((n) => n.id)));
  const label = typeof settings.label === "string" ? settings.label : undefined;
  delete settings.label;
  const after = opts.after ? state.nodes.find((n) => n.id === opts.after) : undefined;
  const parentId = opts.parentId ?? after?.parentId;
  let position = opts.position ?? (after ? positionAfter(state.nodes, after, parentId) : undefined);
  position ??= parentId ? { x: MAP_PADDING.side, y: MAP_PADDING.top } : { x: 0, y: 0 };
  const keys = ["id", "type", ...(label ? ["label"] : []), ...(parentId ? ["parentId"] : []), "position", ...Object.keys(settings)];
  const node: WeftNode = {
    id,
    type,
    position,
    selected: true,
    data: { settings: label ? { label, ...settings } : settings, keys },
    ...(parentId ? { parentId } : {}),
  };
  return { node, after };
}

/** Adding nodes and editing the settings of nodes, edges and the workflow itself (the inspector's edits). */
export function createEditsSlice({ get, edit }: SliceContext): EditsSlice {
  return {
    addNode(type, opts = {}) {
      const state = get();
      const { node, after } = newNode(state, type, opts);
      const nodes = [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      let edges = state.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
      if (after && kindOf(after.type ?? "").outputs.length > 0) {
        const edgeIds = new Set(edges.map((e) => e.id));
        const link: WeftEdge = {
          id: uniqueEdgeId(after.id, node.id, edgeIds),
          source: after.id,
          target: node.id,
          sourceHandle: "next",
          type: "weft",
          data: { settings: {}, keys: ["id", "source", "target"] },
        };
        edges = [...edges, link];
      }
      edit({ nodes, edges });
      return node.id;
    },

    updateNode(id, patch, coalesceKey) {
      const nodes = get().nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, settings: patched(n.data.settings, patch) } } : n));
      edit({ nodes }, coalesceKey ? `node:${id}:${coalesceKey}` : undefined);
    },

    updateEdge(id, patch, coalesceKey) {
      const edges = get().edges.map((e) => {
        if (e.id !== id) return e;
        const data = e.data ?? { settings: {}, keys: ["id", "source", "target"] };
        const settings = patched(data.settings, patch);
        return { ...e, sourceHandle: handleOfKind(settings.kind), data: { ...data, settings } };
      });
      edit({ edges }, coalesceKey ? `edge:${id}:${coalesceKey}` : undefined);
    },

    updateMeta(fields, coalesceKey) {
      edit({ meta: patched(get().meta, fields) }, coalesceKey ? `meta:${coalesceKey}` : undefined);
    },
  };
}
