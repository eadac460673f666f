import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type EdgeTypes,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useMemo, useState, type DragEvent } from "react";
import { useTheme } from "../ui/theme";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { sizeMaps, type WeftEdge, type WeftNode } from "./mapping";
import { kindOf, NODE_KINDS } from "../nodes/registry";
import { FIT_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./geometry";
import { useCanvasDrop } from "./canvas-drop";
import { findMapAt } from "./map-drop";
import { WeftEdgeView } from "./WeftEdgeView";
import { WeftNodeView } from "./WeftNodeView";

const nodeTypes: NodeTypes = Object.fromEntries(Object.keys(NODE_KINDS).map((type) => [type, WeftNodeView]));
const edgeTypes: EdgeTypes = { weft: WeftEdgeView, default: WeftEdgeView };

const MARKER_COLOR = { next: "var(--edge)", error: "var(--edge-error)", timeout: "var(--edge-timeout)" } as const;
const withMarkers = new WeakMap<WeftEdge, WeftEdge>();
function markEdge(edge: WeftEdge): WeftEdge {
  let marked = withMarkers.get(edge);
  if (!marked) {
    const kind = edge.data?.settings.kind === "error" || edge.data?.settings.kind === "timeout" ? edge.data.settings.kind : "next";
    marked = { ...edge, type: "weft", markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: MARKER_COLOR[kind] } };
    withMarkers.set(edge, marked);
  }
  return marked;
}

export interface CanvasProps {
  label: string;
  /** An empty canvas says what to do. */
  emptyHint?: React.ReactNode;
  /** Side-by-side panes: no minimap, tighter fit. */
  compact?: boolean;
}

/** The React Flow canvas of one designer store. */
export function Canvas({ label, emptyHint, compact }: CanvasProps) {
  const store = useDesignerStore();
  const nodes = useDesigner((s) => s.nodes);
  const edges = useDesigner((s) => s.edges);
  const readOnly = useDesigner((s) => s.readOnly);
  const { theme } = useTheme();
  const flow = useReactFlow<WeftNode, WeftEdge>();
  // Fit the drawing when it opens; an empty canvas keeps zoom 1, so drops land where they are made.
  const [fitOnOpen] = useState(() => nodes.length > 0);

  const sizedNodes = useMemo(() => sizeMaps(nodes), [nodes]);
  const markedEdges = useMemo(() => edges.map(markEdge), [edges]);

  const { onDragOver, drop } = useCanvasDrop();
  const onDrop = useCallback((event: DragEvent) => void drop(event), [drop]);

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      {nodes.length > 0 ? (
        // The edges come first in the tab order; a keyboard user goes straight to the nodes
        // (then arrow keys move the selected node, Delete removes it, the inspector edits it).
        <button type="button" className="skip-link" onClick={focusFirstNode}>
          Skip to the nodes
        </button>
      ) : null}
      <ReactFlow<WeftNode, WeftEdge>
        aria-label={label}
        nodes={sizedNodes}
        edges={markedEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={store.getState().onNodesChange}
        onEdgesChange={store.getState().onEdgesChange}
        onConnect={store.getState().onConnect}
        onNodeDragStart={() => store.getState().beginDrag()}
        onNodeDragStop={(_, dragged) => {
          // Dropped inside a map: it joins the body; dragged out of its map: it leaves it.
          if (readOnly || dragged.type === "start" || dragged.type === "map") return;
          const internal = flow.getInternalNode(dragged.id);
          if (!internal) return;
          const abs = internal.internals.positionAbsolute;
          const center = {
            x: abs.x + (internal.measured.width ?? NODE_WIDTH) / 2,
            y: abs.y + (internal.measured.height ?? NODE_HEIGHT) / 2,
          };
          const map = findMapAt(
            flow,
            store.getState().nodes.filter((n) => n.id !== dragged.id),
            center,
          );
          if (map?.id === dragged.parentId) return;
          if (map) {
            const origin = flow.getInternalNode(map.id)?.internals.positionAbsolute ?? map.position;
            store.getState().reparent(dragged.id, map.id, { x: Math.round(abs.x - origin.x), y: Math.round(abs.y - origin.y) });
          } else if (dragged.parentId) {
            store.getState().reparent(dragged.id, undefined, { x: Math.round(abs.x), y: Math.round(abs.y) });
          }
        }}
        onSelectionDragStart={() => store.getState().beginDrag()}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
        snapToGrid
        snapGrid={[10, 10]}
        fitView={fitOnOpen}
        // A long single-row drawing would fit only at an unreadable zoom: open it readable
        // (centred) instead; Fit and Auto-layout show the whole of it.
        fitViewOptions={compact ? { padding: 0.06, maxZoom: 1.1 } : { padding: FIT_PADDING, maxZoom: 1.1, minZoom: 0.6 }}
        minZoom={0.1}
        maxZoom={2}
        colorMode={theme}
        onlyRenderVisibleElements={nodes.length > 150}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="var(--canvas-dots)" />
        {compact ? null : (
          <MiniMap
            pannable
            zoomable
            ariaLabel="Minimap"
            style={{ width: 170, height: 110 }}
            nodeColor={(n) => kindOf(n.type ?? "").color}
            nodeStrokeWidth={2}
          />
        )}
        <Controls aria-label="Zoom controls" showInteractive={!readOnly} fitViewOptions={{ padding: FIT_PADDING, duration: 300 }} />
      </ReactFlow>
      {nodes.length === 0 && emptyHint ? <div className="canvas-empty">{emptyHint}</div> : null}
    </div>
  );
}

function focusFirstNode(): void {
  document.querySelector<HTMLElement>(".canvas .react-flow__node")?.focus();
}
