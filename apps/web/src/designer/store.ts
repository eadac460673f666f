import type { WorkflowDefinition } from "@weft/definition";
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from "@xyflow/react";
import { createStore, type StoreApi } from "zustand/vanilla";
import {
  definitionToFlow,
  flowToDefinition,
  handleOfKind,
  type DocumentMeta,
  type FlowGraph,
  type WeftEdge,
  type WeftNode,
} from "./mapping";
import { kindOf, MAP_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./node-kinds";

/** One undo step: the document as it was. Node objects are immutable, so this is cheap. */
export interface Snapshot {
  meta: DocumentMeta;
  nodes: WeftNode[];
  edges: WeftEdge[];
}

export interface NewNodeOptions {
  position?: XYPosition;
  /** Settings beyond the type's defaults (an activity's name …). */
  settings?: Record<string, unknown>;
  /** Connect it after this node, and place it to its right. */
  after?: string;
  /** Put it inside this map. */
  parentId?: string;
}

export interface DesignerState extends Snapshot {
  workflowId: string;
  readOnly: boolean;
  past: Snapshot[];
  future: Snapshot[];
  /** Bumped on every edit that changes the document (not on selection). Autosave and validation follow it. */
  revision: number;
  clipboard: { nodes: WeftNode[]; edges: WeftEdge[] } | null;

  load(definition: WorkflowDefinition | Record<string, unknown>): void;
  toDefinition(): WorkflowDefinition;
  onNodesChange(changes: NodeChange<WeftNode>[]): void;
  onEdgesChange(changes: EdgeChange<WeftEdge>[]): void;
  onConnect(connection: Connection): void;
  /** Called when a node drag starts: the positions before it are one undo step. */
  beginDrag(): void;
  addNode(type: string, options?: NewNodeOptions): string;
  updateNode(id: string, settings: Record<string, unknown>, coalesceKey?: string): void;
  updateEdge(id: string, settings: Record<string, unknown>, coalesceKey?: string): void;
  updateMeta(fields: Record<string, unknown>, coalesceKey?: string): void;
  setPositions(positions: ReadonlyMap<string, XYPosition>): void;
  /** Moves a node into a map's body (or out of it, with no parent); part of the drag's undo step. */
  reparent(id: string, parentId: string | undefined, position: XYPosition): void;
  select(target: { nodeId?: string; edgeId?: string } | null): void;
  deleteSelection(): void;
  copySelection(): void;
  paste(): void;
  undo(): void;
  redo(): void;
}

export type DesignerStore = StoreApi<DesignerState>;

const HISTORY_LIMIT = 200;
/** Keystrokes in one field within this window are one undo step. */
const COALESCE_MS = 1200;

/** Creates a designer store for one workflow (one per canvas: the compare view has two). */
export function createDesignerStore(
  definition: WorkflowDefinition | Record<string, unknown>,
  options: { readOnly?: boolean; now?: () => number } = {},
): DesignerStore {
  const now = options.now ?? (() => Date.now());
  let lastCoalesce: { key: string; at: number } | undefined;
  const initial = definitionToFlow(definition);

  return createStore<DesignerState>()((set, get) => {
    const snapshot = (): Snapshot => {
      const { meta, nodes, edges } = get();
      return { meta, nodes, edges };
    };
    /** Records the current document as an undo step (unless it continues the last coalesced edit). */
    const record = (coalesceKey?: string) => {
      const t = now();
      if (coalesceKey && lastCoalesce && lastCoalesce.key === coalesceKey && t - lastCoalesce.at < COALESCE_MS) {
        lastCoalesce.at = t;
        return;
      }
      lastCoalesce = coalesceKey ? { key: coalesceKey, at: t } : undefined;
      set((s) => ({ past: [...s.past, snapshot()].slice(-HISTORY_LIMIT), future: [] }));
    };
    const edit = (change: Partial<Snapshot>, coalesceKey?: string) => {
      if (get().readOnly) return;
      record(coalesceKey);
      set((s) => ({ ...change, revision: s.revision + 1 }));
    };
    const uniqueNodeId = (base: string, taken: Set<string>) => {
      const root = base.replace(/[^A-Za-z0-9_-]+/g, "") || "node";
      if (!taken.has(root)) return root;
      for (let i = 2; ; i++) if (!taken.has(`${root}${i}`)) return `${root}${i}`;
    };
    const uniqueEdgeId = (source: string, target: string, taken: Set<string>) => uniqueNodeId(`${source}-${target}`, taken);

    return {
      workflowId: String((initial.meta as { id?: unknown }).id ?? ""),
      readOnly: options.readOnly ?? false,
      meta: initial.meta,
      nodes: initial.nodes,
      edges: initial.edges,
      past: [],
      future: [],
      revision: 0,
      clipboard: null,

      load(def) {
        const graph = definitionToFlow(def);
        set((s) => ({ ...graph, past: [], future: [], revision: s.revision + 1 }));
      },

      toDefinition() {
        const { meta, nodes, edges } = get();
        return flowToDefinition({ meta, nodes, edges } as FlowGraph);
      },

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

      beginDrag() {
        if (!get().readOnly) record();
      },

      addNode(type, opts = {}) {
        const state = get();
        const kind = kindOf(type);
        const taken = new Set(state.nodes.map((n) => n.id));
        const settings: Record<string, unknown> = { ...kind.defaults, ...opts.settings };
        const activityName = typeof settings.activity === "string" ? settings.activity : undefined;
        const base = type === "activity" && activityName ? (activityName.split(".").pop() ?? type) : type;
        const id = uniqueNodeId(base, taken);
        const label = typeof settings.label === "string" ? settings.label : undefined;
        delete settings.label;
        const after = opts.after ? state.nodes.find((n) => n.id === opts.after) : undefined;
        const parentId = opts.parentId ?? after?.parentId;
        let position = opts.position;
        if (!position && after) {
          // To the right of the node it follows, below any sibling already there.
          const x = after.position.x + NODE_WIDTH + 80;
          let y = after.position.y;
          while (
            state.nodes.some(
              (n) => n.parentId === parentId && Math.abs(n.position.x - x) < NODE_WIDTH && Math.abs(n.position.y - y) < NODE_HEIGHT,
            )
          ) {
            y += NODE_HEIGHT + 40;
          }
          position = { x, y };
        }
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
        const nodes = [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
        let edges = state.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
        if (after && kindOf(after.type ?? "").outputs.length > 0) {
          const edgeIds = new Set(edges.map((e) => e.id));
          edges = [
            ...edges,
            {
              id: uniqueEdgeId(after.id, id, edgeIds),
              source: after.id,
              target: id,
              sourceHandle: "next",
              type: "weft",
              data: { settings: {}, keys: ["id", "source", "target"] },
            },
          ];
        }
        edit({ nodes, edges });
        return id;
      },

      updateNode(id, patch, coalesceKey) {
        const state = get();
        const nodes = state.nodes.map((n) => {
          if (n.id !== id) return n;
          const settings = { ...n.data.settings };
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined) delete settings[key];
            else settings[key] = value;
          }
          return { ...n, data: { ...n.data, settings } };
        });
        edit({ nodes }, coalesceKey ? `node:${id}:${coalesceKey}` : undefined);
      },

      updateEdge(id, patch, coalesceKey) {
        const state = get();
        const edges = state.edges.map((e) => {
          if (e.id !== id) return e;
          const data = e.data ?? { settings: {}, keys: ["id", "source", "target"] };
          const settings = { ...data.settings };
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined) delete settings[key];
            else settings[key] = value;
          }
          return { ...e, sourceHandle: handleOfKind(settings.kind), data: { ...data, settings } };
        });
        edit({ edges }, coalesceKey ? `edge:${id}:${coalesceKey}` : undefined);
      },

      updateMeta(fields, coalesceKey) {
        const meta = { ...get().meta };
        for (const [key, value] of Object.entries(fields)) {
          if (value === undefined) delete meta[key];
          else meta[key] = value;
        }
        edit({ meta }, coalesceKey ? `meta:${coalesceKey}` : undefined);
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
        const gone = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
        // A map takes its body with it.
        let grew = true;
        while (grew) {
          grew = false;
          for (const n of state.nodes) if (n.parentId && gone.has(n.parentId) && !gone.has(n.id)) (gone.add(n.id), (grew = true));
        }
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
        const taken = new Set(state.nodes.map((n) => n.id));
        const renamed = new Map<string, string>();
        for (const n of clip.nodes) {
          const id = uniqueNodeId(n.id, taken);
          taken.add(id);
          renamed.set(n.id, id);
        }
        const pasted: WeftNode[] = clip.nodes.map((n) => {
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
        const pastedEdges: WeftEdge[] = clip.edges.map((e) => {
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
        edit({
          nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted],
          edges: [...state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pastedEdges],
        });
        // Pasting twice puts the second copy further along.
        set({ clipboard: { nodes: pasted, edges: pastedEdges } });
      },

      undo() {
        const { past, readOnly } = get();
        const previous = past[past.length - 1];
        if (!previous || readOnly) return;
        lastCoalesce = undefined;
        set((s) => ({ ...previous, past: s.past.slice(0, -1), future: [snapshot(), ...s.future], revision: s.revision + 1 }));
      },

      redo() {
        const { future, readOnly } = get();
        const next = future[0];
        if (!next || readOnly) return;
        lastCoalesce = undefined;
        set((s) => ({ ...next, future: s.future.slice(1), past: [...s.past, snapshot()], revision: s.revision + 1 }));
      },
    };
  });
}
