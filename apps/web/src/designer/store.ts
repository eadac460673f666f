import type { WorkflowDefinition } from "@weft/definition";
import type { Connection, EdgeChange, NodeChange, XYPosition } from "@xyflow/react";
import { createStore, type StoreApi } from "zustand/vanilla";
import {
  definitionToFlow,
  flowToDefinition,
  type DocumentMeta,
  type FlowGraph,
  type OpenedDocument,
  type WeftEdge,
  type WeftNode,
} from "./mapping";
import { createCanvasSlice } from "./store-canvas";
import { createEditsSlice } from "./store-edits";
import { createHistory } from "./store-history";
import { createSelectionSlice } from "./store-selection";

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

  load(definition: OpenedDocument): void;
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

/**
 * Creates a designer store for one workflow (one per canvas: the compare view has two).
 * The actions come in slices by concern, all changing the document through the history's `edit`,
 * so that every change is one undo step and bumps the revision autosave and validation follow.
 */
export function createDesignerStore(definition: OpenedDocument, options: { readOnly?: boolean; now?: () => number } = {}): DesignerStore {
  const now = options.now ?? (() => Date.now());
  const initial = definitionToFlow(definition);

  return createStore<DesignerState>()((set, get) => {
    const history = createHistory(set, get, now);
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
      ...history.slice,
      ...createCanvasSlice(history.context),
      ...createEditsSlice(history.context),
      ...createSelectionSlice(history.context),
    };
  });
}
