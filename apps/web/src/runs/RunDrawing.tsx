import type { NodeState, NodeStates, WorkflowDefinition } from "@weft/definition";
import {
  Background,
  BaseEdge,
  Controls,
  getSmoothStepPath,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type EdgeProps,
  type NodeChange,
  type NodeProps,
  type ReactFlowState,
} from "@xyflow/react";
import { createContext, memo, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { autoLayout } from "../designer/layout";
import { freeLane, lanePath } from "../designer/WeftEdgeView";
import { glyphOf, kindOf } from "../nodes/registry";
import { RUN_MAP_PADDING, RUN_NODE_HEIGHT, RUN_NODE_WIDTH } from "./run-geometry";
import { toRunEdges, toRunNodes, type RunNode } from "./run-graph";
import { boundsOf, fitZoom, MIN_READABLE_ZOOM, PAD, viewportFor } from "./run-viewport";
import { nodeStatusVar } from "./status";

/** Extra controls drawn under a node (approval buttons beside a waiting node, retry now). */
export type NodeExtras = (nodeId: string, state: NodeState | undefined) => ReactNode;

const ExtrasContext = createContext<NodeExtras | undefined>(undefined);
/** The step open in the inspector, drawn selected. */
const SelectedContext = createContext<string | undefined>(undefined);

function statusText(state: NodeState | undefined): string {
  if (!state || state.status === "idle") return "not started";
  if (state.reused) return "reused";
  return state.status;
}

const RunNodeView = memo(function RunNodeView({ id, data }: NodeProps<RunNode>) {
  const extras = useContext(ExtrasContext);
  const selected = useContext(SelectedContext) === id;
  const state = data.state;
  const status = state?.status ?? "idle";
  const max = state?.maxAttempts ?? data.maxAttempts;
  const attempts = state && state.attempts > 0 && (max ?? 1) > 1 ? `${state.attempts}/${max}` : undefined;
  const progress = state?.progress;
  const isMap = data.type === "map";
  const extra = extras?.(id, state);
  return (
    <div
      className={`rnode rnode-${data.type} ${isMap ? "rnode-map" : ""} ${selected ? "is-selected" : ""}`}
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
      {status === "retrying" && state?.lastError ? (
        <div className="rnode-error rnode-retry" title={`${state.lastError.name}: ${state.lastError.message}`}>
          {state.retryAt ? <RetryIn at={state.retryAt} /> : null}
          {state.lastError.message}
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
      viewport: { width: size.width - 2 * PAD, height: size.height - 2 * PAD },
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

const FOCUS_ORDER = ["failed", "retrying", "waiting", "running"];

/** "retry in 4 s — ", counting down (a node in backoff says when its next attempt starts). */
function RetryIn({ at }: { at: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((Date.parse(at) - now) / 1000));
  return <strong>retry in {seconds} s — </strong>;
}

export function RunDrawing({
  definition,
  states,
  terminal,
  extras,
  selected,
  onSelect,
}: {
  definition: WorkflowDefinition;
  states: NodeStates;
  terminal: boolean;
  extras?: NodeExtras;
  /** The step open in the inspector. */
  selected?: string | undefined;
  /** A click on a node (not on its buttons) opens it in the inspector. */
  onSelect?(nodeId: string): void;
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
      <SelectedContext.Provider value={selected}>
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
                // The wheel scrolls the page, as it does everywhere else on it (zooming here
                // made the drawing a speck on the way down the page); pinch and the buttons zoom.
                zoomOnScroll={false}
                preventScrolling={false}
                onNodeClick={(event, node) => {
                  if ((event.target as Element).closest(".rnode-extra")) return;
                  onSelect?.(node.id);
                }}
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
      </SelectedContext.Provider>
    </ExtrasContext.Provider>
  );
}
