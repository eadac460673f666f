import type { WeftEdge, WeftNode } from "./mapping";
import type { DesignerState } from "./store";
import type { SliceContext } from "./store-history";
import { uniqueEdgeId, uniqueNodeId } from "./store-ids";

export type SelectionSlice = Pick<DesignerState, "select" | "deleteSelection" | "copySelection" | "paste">;

/** Ids of the selected nodes and, since a map takes its body with it, everything inside them. */
function selectedWithBodies(nodes: readonly WeftNode[]): Set<string> {
  const picked = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (n.parentId && picked.has(n.parentId) && !picked.has(n.id)) {
        picked.add(n.id);
        grew = true;
      }
    }
  }
  return picked;
}

/** Copies of the clipboard with fresh ids, moved a little (bodies stay where they are in their map). */
function pastedCopies(state: DesignerState, clip: NonNullable<DesignerState["clipboard"]>): { nodes: WeftNode[]; edges: WeftEdge[] } {
  const taken = new Set(state.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = uniqueNodeId(n.id, taken);
    taken.add(id);
    renamed.set(n.id, id);
  }
  const nodes = clip.nodes.map((n) => {
    const parentId = n.parentId ? (renamed.get(n.parentId) ?? n.parentId) : undefined;
    const topLevelOfCopy = !n.parentId || !renamed.has(n.parentId);
    const copy: WeftNode = {
      ...n,
      id: renamed.get(n.id)!,
      selected: true,
      position: topLevelOfCopy ? { x: n.position.x + 40, y: n.position.y + 40 } : n.position,
      data: { ...n.data, settings: structuredClone(n.data.settings) },
    };
    delete copy.measured;
    if (parentId) copy.parentId = parentId;
    else delete copy.parentId;
    return copy;
  });
  const edgeIds = new Set(state.edges.map((e) => e.id));
  const edges = clip.edges.map((e): WeftEdge => {
    const source = renamed.get(e.source)!;
    const target = renamed.get(e.target)!;
    const id = uniqueEdgeId(source, target, edgeIds);
    edgeIds.add(id);
    return {
      ...e,
      id,
      source,
      target,
      selected: false,
      ...(e.data ? { data: { ...e.data, settings: structuredClone(e.data.settings) } } : {}),
    };
  });
  return { nodes, edges };
}

/** Selecting from outside the canvas (the problems panel), deleting, and copy and paste. */
export function createSelectionSlice({ set, get, edit }: SliceContext): SelectionSlice {
  return {
    select(target) {
      set((s) => ({
        nodes: s.nodes.map((n) => {
          const selected = n.id === target?.nodeId;
          return n.selected === selected ? n : { ...n, selected };
        }),
        edges: s.edges.map((e) => {
          const selected = e.id === target?.edgeId;
          return e.selected === selected ? e : { ...e, selected };
        }),
      }));
    },

    deleteSelection() {
      const state = get();
      const gone = selectedWithBodies(state.nodes);
      const edges = state.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
      if (gone.size === 0 && edges.length === state.edges.length) return;
      edit({ nodes: state.nodes.filter((n) => !gone.has(n.id)), edges });
    },

    copySelection() {
      const state = get();
      const picked = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
      for (const n of state.nodes) if (n.parentId && picked.has(n.parentId)) picked.add(n.id);
      if (picked.size === 0) return;
      set({
        clipboard: {
          nodes: state.nodes.filter((n) => picked.has(n.id)),
          edges: state.edges.filter((e) => picked.has(e.source) && picked.has(e.target)),
        },
      });
    },

    paste() {
      const state = get();
      const clip = state.clipboard;
      if (!clip || state.readOnly) return;
      const pasted = pastedCopies(state, clip);
      edit({
        nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
        edges: [...state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges],
      });
      // Pasting twice puts the second copy further along.
      set({ clipboard: pasted });
    },
  };
}
