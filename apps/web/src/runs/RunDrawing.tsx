import type { NodeState, NodeStates, WorkflowDefinition } from "@weft/definition";
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext, useMemo, type ReactNode } from "react";
import { nodeIcon, nodeTitle, RUN_MAP_PADDING, RUN_NODE_HEIGHT, RUN_NODE_WIDTH } from "./node-look";
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
      {data.type !== "start" ? <Handle type="target" position={Position.Left} className="rhandle" isConnectable={false} /> : null}
      <div className="rnode-head">
        <span className="rnode-icon" aria-hidden="true">
          {nodeIcon(data.type)}
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
          <span className="rnode-progress" data-testid={`map-progress-${id}`} title={`${progress.done} done, ${progress.failed} failed, ${progress.running} running`}>
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
      {data.type !== "end" && data.type !== "fail" ? <Handle type="source" position={Position.Right} className="rhandle" isConnectable={false} /> : null}
    </div>
  );
});

const nodeTypes = { run: RunNodeView };

function subtitleOf(node: Record<string, unknown>): string {
  const type = String(node.type);
  if (type === "activity") return String(node.activity ?? "");
  if (type === "waitForEvent") return `event ${String(node.event ?? "")}`;
  if (type === "subWorkflow") return `${String(node.workflow ?? "")} @ ${String(node.version ?? "latest")}`;
  if (type === "map") return `≤ ${String(node.maxConcurrency ?? "∞")} at once`;
  return nodeTitle(type);
}

/** React Flow nodes for a definition: map groups sized around their body, parents first. */
export function toRunNodes(definition: WorkflowDefinition, states: NodeStates): RunNode[] {
  const raw = definition.nodes as unknown as Record<string, unknown>[];
  const children = new Map<string, Record<string, unknown>[]>();
  for (const node of raw) {
    if (typeof node.parentId === "string") children.set(node.parentId, [...(children.get(node.parentId) ?? []), node]);
  }
  const size = (node: Record<string, unknown>): { width: number; height: number } => {
    const body = children.get(String(node.id));
    if (node.type !== "map" || !body?.length) return { width: RUN_NODE_WIDTH, height: RUN_NODE_HEIGHT };
    let width = RUN_NODE_WIDTH;
    let height = RUN_NODE_HEIGHT;
    for (const child of body) {
      const p = (child.position ?? { x: 0, y: 0 }) as { x: number; y: number };
      const s = size(child);
      width = Math.max(width, p.x + s.width + RUN_MAP_PADDING.side);
      height = Math.max(height, p.y + s.height + RUN_MAP_PADDING.bottom);
    }
    return { width, height };
  };
  const nodes = raw.map((node): RunNode => {
    const id = String(node.id);
    const { width, height } = size(node);
    const retry = node.retry as { maxAttempts?: number } | undefined;
    const flowNode: RunNode = {
      id,
      type: "run",
      position: (node.position ?? { x: 0, y: 0 }) as { x: number; y: number },
      data: {
        type: String(node.type),
        label: typeof node.label === "string" && node.label ? node.label : nodeTitle(String(node.type)),
        subtitle: subtitleOf(node),
        ...(states[id] ? { state: states[id] } : {}),
        ...(retry?.maxAttempts ? { maxAttempts: retry.maxAttempts } : {}),
      },
      style: { width, height: node.type === "map" ? height : undefined },
      draggable: false,
      connectable: false,
    };
    if (typeof node.parentId === "string") {
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
    const e = edge as unknown as Record<string, unknown>;
    const source = states[edge.source];
    const target = states[edge.target];
    const sourceDone = source?.status === "succeeded" || source?.status === "failed";
    const targetStarted = Boolean(target && target.status !== "idle" && target.status !== "skipped");
    const active = !terminal && Boolean(target && ACTIVE_NODE_STATUSES.has(target.status)) && (sourceDone || source?.status === "waiting");
    const choiceTaken = source?.takenEdge !== undefined ? source.takenEdge === edge.id || (source.takenEdge === "default" && e.default === true) : undefined;
    const taken = choiceTaken ?? (sourceDone && targetStarted);
    const kind = typeof e.kind === "string" ? e.kind : "next";
    const className = ["redge", `redge-${kind}`, active ? "is-active" : taken ? "is-taken" : terminal || choiceTaken === false ? "is-not-taken" : ""].join(" ");
    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      animated: active,
      className,
      ...(typeof e.label === "string" ? { label: e.label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 4 } : {}),
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      data: { active, taken },
      focusable: false,
    };
  });
}

export function RunDrawing({ definition, states, terminal, extras }: { definition: WorkflowDefinition; states: NodeStates; terminal: boolean; extras?: NodeExtras }) {
  const nodes = useMemo(() => toRunNodes(definition, states), [definition, states]);
  const edges = useMemo(() => toRunEdges(definition, states, terminal), [definition, states, terminal]);
  return (
    <ExtrasContext.Provider value={extras}>
      <ReactFlowProvider>
        <div className="run-drawing" aria-label="The workflow drawing with each step's state" role="region">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            fitView
            fitViewOptions={{ padding: 0.12 }}
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} color="var(--canvas-dots)" />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      </ReactFlowProvider>
    </ExtrasContext.Provider>
  );
}
