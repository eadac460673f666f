import type { NodeState, NodeStates, WorkflowDefinition, WorkflowNode } from "@weft/definition";
import {
  Background,
  BaseEdge,
  Controls,
  getSmoothStepPath,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
  type ReactFlowState,
} from "@xyflow/react";
import { createContext, memo, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { autoLayout } from "../designer/layout";
import { freeLane, lanePath } from "../designer/WeftEdgeView";
import { glyphOf, kindOf, titleOf } from "../nodes/registry";
import { RUN_MAP_PADDING, RUN_NODE_HEIGHT, RUN_NODE_WIDTH } from "./run-geometry";
import { ACTIVE_NODE_STATUSES, nodeStatusVar } from "./status";

interface RunNodeData extends Record<string, unknown> {
  type: string;
  label: string;
  subtitle: string;
  state?: NodeState;
  maxAttempts?: number;
}

type RunNode = Node<RunNodeData>;

/** Extra controls drawn under a node (approval buttons beside a waiting node, retry now). */
export type NodeExtras = (nodeId: string, state: NodeState | undefined) => ReactNode;

const ExtrasContext = createContext<NodeExtras | undefined>(undefined);

function statusText(state: NodeState | undefined): string {
  if (!state || state.status === "idle") return "not started";
  return state.status;
}

const RunNodeView = memo(function RunNodeView({ id, data }: NodeProps<RunNode>) {
  const extras = useContext(ExtrasContext);
  const state = data.state;
  const status = state?.status ?? "idle";
  const max = state?.maxAttempts ?? data.maxAttempts;
  const attempts = state && state.attempts > 0 && (max ?? 1) > 1 ? `${state.attempts}/${max}` : undefined;
  const progress = state?.progress;
  const isMap = data.type === "map";
  const extra = extras?.(id, state);
  return (
    <div
      className={`rnode rnode-${data.type} ${isMap ? "rnode-map" : ""}`}
      data-testid={`run-node-${id}`}
      data-status={status}
      aria-label={`${data.label}: ${statusText(state)}${attempts ? `, attempt ${attempts}` : ""}${progress ? `, ${progress.done} of ${progress.total} items done` : ""}`}
      style={{ ["--state" as string]: `var(${nodeStatusVar(status)})` }}
    >
      {kindOf(data.type).input ? <Handle type="target" position={Position.Left} className="rhandle" isConnectable={false} /> : null}
      <div className="rnode-head">
        <span className="rnode-icon" aria-hidden="true">
          {glyphOf(data.type)}
        </span>
        <div className="rnode-text">
          <div className="rnode-label" title={data.label}>
            {data.label}
          </div>
          <div className="rnode-sub" title={data.subtitle}>
            {data.subtitle}
          </div>
        </div>
      </div>
      <div className="rnode-foot">
        <span className="rnode-status">{statusText(state)}</span>
        {attempts ? (
          <span className="rnode-attempts" title={`Attempt ${attempts}`}>
            ↻ {attempts}
          </span>
        ) : null}
        {progress ? (
          <span
            className="rnode-progress"
            data-testid={`map-progress-${id}`}
            title={`${progress.done} done, ${progress.failed} failed, ${progress.running} running`}
          >
            {progress.done}/{progress.total}
            <span className="rnode-progress-bar" aria-hidden="true">
              <span style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : 0}%` }} />
            </span>
          </span>
        ) : null}
      </div>
      {state?.error && status === "failed" ? (
        <div className="rnode-error" title={state.error.message}>
          {state.error.message}
        </div>
      ) : null}
      {extra ? <div className="rnode-extra nodrag nopan">{extra}</div> : null}
      {kindOf(data.type).outputs.length > 0 ? (
        <Handle type="source" position={Position.Right} className="rhandle" isConnectable={false} />
      ) : null}
    </div>
  );
});

const nodeTypes = { run: RunNodeView };

/** A smooth-step edge; one that goes back left (a wrapped row) runs along a free lane, as in the designer. */
const RunEdgeView = memo(function RunEdgeView(props: EdgeProps) {
  const {
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    markerEnd,
    label,
    labelStyle,
    labelBgPadding,
    labelBgBorderRadius,
    labelShowBg,
    labelBgStyle,
  } = props;
  const backward = targetX < sourceX - 40 && sourcePosition === "right";
  const lane = useStore(
    useCallback(
      (state: ReactFlowState) => (backward ? freeLane(state, sourceX + 24, targetX - 24, sourceY, targetY) : null),
      [backward, sourceX, targetX, sourceY, targetY],
    ),
  );
  const [path, labelX, labelY] =
    lane !== null
      ? lanePath(sourceX, sourceY, targetX, targetY, lane)
      : getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10 });
  return (
    <BaseEdge
      path={path}
      labelX={labelX}
      labelY={labelY}
      {...(markerEnd ? { markerEnd } : {})}
      {...(label !== undefined ? { label, labelStyle, labelBgPadding, labelBgBorderRadius, labelShowBg, labelBgStyle } : {})}
    />
  );
});

const edgeTypes = { run: RunEdgeView };

/** Below this zoom the labels are unreadable: wrap the drawing into rows, or show part of it. */
export const MIN_READABLE_ZOOM = 0.8;
const PAD = 24;

function boundsOf(nodes: readonly RunNode[]): { x: number; y: number; width: number; height: number } {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    if (n.parentId) continue;
    const w = Number(n.style?.width ?? RUN_NODE_WIDTH);
    const h = Number(n.style?.height ?? RUN_NODE_HEIGHT);
    x1 = Math.min(x1, n.position.x);
    y1 = Math.min(y1, n.position.y);
    x2 = Math.max(x2, n.position.x + w);
    y2 = Math.max(y2, n.position.y + h);
  }
  return Number.isFinite(x1) ? { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } : { x: 0, y: 0, width: 1, height: 1 };
}

export const fitZoom = (b: { width: number; height: number }, size: { width: number; height: number }) =>
  Math.min((size.width - 2 * PAD) / b.width, (size.height - 2 * PAD) / b.height, 1);

/**
 * The definition as drawn, or, when it would only fit at an unreadable zoom (a long
 * pipeline), laid out again with the designer's wrapped auto-layout into rows that fit the
 * drawing's shape (the drawing as saved until that layout is ready). Undefined until the size is known.
 */
function useReadableDefinition(
  definition: WorkflowDefinition,
  size: { width: number; height: number } | undefined,
): WorkflowDefinition | undefined {
  const [wrapped, setWrapped] = useState<{ of: WorkflowDefinition; definition: WorkflowDefinition } | undefined>();
  const needsWrap = useMemo(() => {
    if (!size) return undefined;
    return fitZoom(boundsOf(toRunNodes(definition, {})), size) < MIN_READABLE_ZOOM;
  }, [definition, size]);
  useEffect(() => {
    if (!needsWrap || !size || wrapped?.of === definition) return;
    let cancelled = false;
    const runNodes = toRunNodes(definition, {});
    const layoutNodes = runNodes.map((n) => ({
      id: n.id,
      ...(n.parentId ? { parentId: n.parentId } : {}),
      measured: { width: RUN_NODE_WIDTH, height: RUN_NODE_HEIGHT },
    }));
    autoLayout(layoutNodes, definition.edges, {
      aspectRatio: (size.width - 2 * PAD) / (size.height - 2 * PAD),
      mapPadding: RUN_MAP_PADDING,
    })
      .then((positions) => {
        if (cancelled) return;
        const nodes = definition.nodes.map((n) => {
          const p = positions.get(n.id);
          return p ? { ...n, position: p } : n;
        });
        setWrapped({ of: definition, definition: { ...definition, nodes } });
      })
      .catch(() => {
        if (!cancelled) setWrapped({ of: definition, definition });
      });
    return () => {
      cancelled = true;
    };
  }, [needsWrap, size, definition, wrapped]);
  if (needsWrap === undefined) return undefined;
  // While the wrapped layout runs (ELK loads on first use), the drawing as saved: every node is there at once.
  if (!needsWrap) return definition;
  return wrapped?.of === definition ? wrapped.definition : definition;
}

/** Where a node is on the canvas (a map body's node is placed relative to its map). */
function absolute(nodes: readonly RunNode[], node: RunNode): { x: number; y: number } {
  const parent = node.parentId ? nodes.find((n) => n.id === node.parentId) : undefined;
  if (!parent) return node.position;
  const p = absolute(nodes, parent);
  return { x: p.x + node.position.x, y: p.y + node.position.y };
}

/**
 * The view: everything, when it fits at a readable zoom; otherwise the readable zoom,
 * centred on the step that matters (running, waiting, retrying or failed), or the start.
 */
export function viewportFor(
  nodes: readonly RunNode[],
  size: { width: number; height: number },
  focus: string | undefined,
): { x: number; y: number; zoom: number } {
  const b = boundsOf(nodes);
  const fit = fitZoom(b, size);
  if (fit >= MIN_READABLE_ZOOM) {
    return { x: (size.width - b.width * fit) / 2 - b.x * fit, y: (size.height - b.height * fit) / 2 - b.y * fit, zoom: fit };
  }
  const zoom = Math.max(MIN_READABLE_ZOOM, Math.min((size.height - 2 * PAD) / b.height, 1));
  const target = focus ? nodes.find((n) => n.id === focus) : undefined;
  const at = target ? absolute(nodes, target) : undefined;
  const span = (lo: number, hi: number, wanted: number) => Math.min(lo, Math.max(hi, wanted));
  const x = span(
    PAD - b.x * zoom,
    size.width - PAD - (b.x + b.width) * zoom,
    at ? size.width / 2 - (at.x + RUN_NODE_WIDTH / 2) * zoom : PAD - b.x * zoom,
  );
  const y =
    b.height * zoom <= size.height - 2 * PAD
      ? (size.height - b.height * zoom) / 2 - b.y * zoom
      : span(
          PAD - b.y * zoom,
          size.height - PAD - (b.y + b.height) * zoom,
          at ? size.height / 2 - (at.y + RUN_NODE_HEIGHT / 2) * zoom : PAD - b.y * zoom,
        );
  return { x, y, zoom };
}

/** Moves the view to the step that matters when it changes, until the user pans or zooms. */
function FollowFocus({
  focus,
  size,
  nodes,
}: {
  focus: string | undefined;
  size: { width: number; height: number };
  nodes: readonly RunNode[];
}) {
  const flow = useReactFlow();
  const moved = useRef(false);
  const first = useRef(focus);
  useEffect(() => {
    if (moved.current || focus === first.current) return;
    first.current = focus;
    void flow.setViewport(viewportFor(nodes, size, focus), { duration: 250 });
    // Only a change of focus moves the view; the nodes change with every state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, size, flow]);
  useEffect(() => {
    // A person's pan or zoom stops the view from following.
    const pane = document.querySelector(".run-drawing");
    const stop = (event: Event) => {
      if (event.isTrusted) moved.current = true;
    };
    pane?.addEventListener("wheel", stop, { passive: true });
    pane?.addEventListener("pointerdown", stop);
    return () => {
      pane?.removeEventListener("wheel", stop);
      pane?.removeEventListener("pointerdown", stop);
    };
  }, []);
  return null;
}

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

/** Edges coloured by what happened: taken, active (animated), not taken. */
export function toRunEdges(definition: WorkflowDefinition, states: NodeStates, terminal: boolean): Edge[] {
  return definition.edges.map((edge) => {
    const source = states[edge.source];
    const target = states[edge.target];
    const sourceDone = source?.status === "succeeded" || source?.status === "failed";
    const targetStarted = Boolean(target && target.status !== "idle" && target.status !== "skipped");
    const active = !terminal && Boolean(target && ACTIVE_NODE_STATUSES.has(target.status)) && (sourceDone || source?.status === "waiting");
    const choiceTaken =
      source?.takenEdge !== undefined
        ? source.takenEdge === edge.id || (source.takenEdge === "default" && edge.default === true)
        : undefined;
    const taken = choiceTaken ?? (sourceDone && targetStarted);
    const kind = edge.kind ?? "next";
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
}

const FOCUS_ORDER = ["failed", "retrying", "waiting", "running"];

export function RunDrawing({
  definition,
  states,
  terminal,
  extras,
}: {
  definition: WorkflowDefinition;
  states: NodeStates;
  terminal: boolean;
  extras?: NodeExtras;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | undefined>();
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // Measured once: the layout is chosen for the drawing's shape when the page opens.
    setSize({ width: el.clientWidth || 1200, height: el.clientHeight || 400 });
  }, []);
  const shown = useReadableDefinition(definition, size);
  // React Flow measures each node once and forgets the size when it is handed a new node
  // object without it: the nodes, rebuilt on every live update, carry their measured sizes
  // back in. Without this a quick run of updates could leave every node unmeasured, and so
  // hidden, for good (the drawing stayed blank in about one run in four).
  const [sizes, setSizes] = useState<ReadonlyMap<string, { width: number; height: number }>>(() => new Map());
  const onNodesChange = useCallback((changes: NodeChange<RunNode>[]) => {
    const measured = changes.flatMap((c) => (c.type === "dimensions" && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (measured.length === 0) return;
    setSizes((previous) => new Map([...previous, ...measured]));
  }, []);
  const nodes = useMemo(
    () =>
      shown
        ? toRunNodes(shown, states).map((node) => {
            const measured = sizes.get(node.id);
            return measured ? { ...node, measured } : node;
          })
        : [],
    [shown, states, sizes],
  );
  const edges = useMemo(() => (shown ? toRunEdges(shown, states, terminal) : []), [shown, states, terminal]);
  const focus = useMemo(() => {
    for (const status of FOCUS_ORDER) {
      const hit = Object.values(states).find((s) => s.status === status);
      if (hit) return hit.nodeId;
    }
    return undefined;
  }, [states]);
  // The first view of each layout (the saved one, then the wrapped one): a new layout remounts the flow.
  const [initial, setInitial] = useState<{ of: WorkflowDefinition; viewport: { x: number; y: number; zoom: number } } | undefined>();
  useEffect(() => {
    if (shown && initial?.of !== shown && size && nodes.length) setInitial({ of: shown, viewport: viewportFor(nodes, size, focus) });
  }, [initial, shown, size, nodes, focus]);
  const ready = shown && size && initial?.of === shown ? initial : undefined;
  return (
    <ExtrasContext.Provider value={extras}>
      <ReactFlowProvider>
        <div ref={box} className="run-drawing" aria-label="The workflow drawing with each step's state" role="region">
          {ready && size ? (
            <ReactFlow
              key={ready.of === definition ? "as-saved" : "wrapped"}
              nodes={nodes}
              onNodesChange={onNodesChange}
              edges={edges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              edgesFocusable={false}
              minZoom={0.1}
              defaultViewport={ready.viewport}
              proOptions={{ hideAttribution: true }}
            >
              <FollowFocus focus={focus} size={size} nodes={nodes} />
              <Background gap={20} color="var(--canvas-dots)" />
              <Controls showInteractive={false} />
            </ReactFlow>
          ) : (
            <p className="muted run-drawing-note">Laying out the drawing…</p>
          )}
        </div>
      </ReactFlowProvider>
    </ExtrasContext.Provider>
  );
}
