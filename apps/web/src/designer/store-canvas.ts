import { applyEdgeChanges, applyNodeChanges } from "@xyflow/react";
import { handleOfKind, type WeftEdge, type WeftNode } from "./mapping";
import type { DesignerState } from "./store";
import type { SliceContext } from "./store-history";
import { uniqueEdgeId } from "./store-ids";

export type CanvasSlice = Pick<DesignerState, "onNodesChange" | "onEdgesChange" | "onConnect" | "setPositions" | "reparent">;

/** What React Flow does to the drawing: drags, removals, new connections, and moves into or out of a map. */
export function createCanvasSlice({ set, get, record, edit }: SliceContext): CanvasSlice {
  return {
    onNodesChange(changes) {
      const state = get();
      if (state.readOnly) {
        const allowed = changes.filter((c) => c.type === "select" || c.type === "dimensions");
        if (allowed.length) set({ nodes: applyNodeChanges(allowed, state.nodes) });
        return;
      }
      const removes = changes.some((c) => c.type === "remove");
      if (removes) record("remove");
      const dragEnded = changes.some((c) => c.type === "position" && c.dragging === false);
      const nodes = applyNodeChanges(changes, state.nodes);
      if (removes) {
        const ids = new Set(nodes.map((n) => n.id));
        const orphans = state.edges.filter((e) => !ids.has(e.source) || !ids.has(e.target));
        set((s) => ({
          nodes: nodes.filter((n) => !n.parentId || ids.has(n.parentId)),
          edges: orphans.length ? s.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) : s.edges,
          revision: s.revision + 1,
        }));
      } else set((s) => ({ nodes, revision: dragEnded ? s.revision + 1 : s.revision }));
    },

    onEdgesChange(changes) {
      const state = get();
      if (state.readOnly) {
        const allowed = changes.filter((c) => c.type === "select");
        if (allowed.length) set({ edges: applyEdgeChanges(allowed, state.edges) });
        return;
      }
      const removes = changes.some((c) => c.type === "remove");
      if (removes) record("remove");
      set((s) => ({ edges: applyEdgeChanges(changes, s.edges), revision: removes ? s.revision + 1 : s.revision }));
    },

    onConnect(connection) {
      const { source, target } = connection;
      if (!source || !target || source === target) return;
      const state = get();
      const kind = handleOfKind(connection.sourceHandle);
      const sourceNode = state.nodes.find((n) => n.id === source);
      const taken = new Set(state.edges.map((e) => e.id));
      const settings: Record<string, unknown> = {};
      if (kind !== "next") settings.kind = kind;
      if (sourceNode?.type === "choice" && kind === "next") {
        const siblings = state.edges.filter((e) => e.source === source);
        if (siblings.length === 0) settings.condition = "true";
      }
      const edge: WeftEdge = {
        id: uniqueEdgeId(source, target, taken),
        source,
        target,
        sourceHandle: kind,
        type: "weft",
        data: { settings, keys: ["id", "source", "target", ...Object.keys(settings)] },
      };
      edit({ edges: [...state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), { ...edge, selected: true }] });
    },

    setPositions(positions) {
      const state = get();
      edit({ nodes: state.nodes.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id)! } : n)) });
    },

    reparent(id, parentId, position) {
      const state = get();
      if (state.readOnly) return;
      const node = state.nodes.find((n) => n.id === id);
      if (!node || node.parentId === parentId || id === parentId) return;
      const moved: WeftNode = {
        ...node,
        position,
        data: { ...node.data, keys: node.data.keys.includes("parentId") || !parentId ? node.data.keys : [...node.data.keys, "parentId"] },
      };
      if (parentId) moved.parentId = parentId;
      else delete moved.parentId;
      // React Flow wants a parent before its children: put the node right after its new parent.
      const rest = state.nodes.filter((n) => n.id !== id);
      const at = parentId ? rest.findIndex((n) => n.id === parentId) + 1 : rest.length;
      set((s) => ({ nodes: [...rest.slice(0, at), moved, ...rest.slice(at)], revision: s.revision + 1 }));
    },
  };
}
