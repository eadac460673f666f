/** The node types of DEFINITION.md, as written in the JSON `type` field. */
export const NodeType = {
  Start: "start",
  Activity: "activity",
  Parallel: "parallel",
  Join: "join",
  Map: "map",
  WaitForEvent: "waitForEvent",
  Delay: "delay",
  Choice: "choice",
  SubWorkflow: "subWorkflow",
  Transform: "transform",
  SetStatus: "setStatus",
  End: "end",
  Fail: "fail",
} as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];

export const NODE_TYPES: readonly NodeType[] = Object.values(NodeType);

/** An edge's `kind`; an edge without one is a `next` edge. */
export const EdgeKind = {
  Next: "next",
  Error: "error",
  Timeout: "timeout",
} as const;
export type EdgeKind = (typeof EdgeKind)[keyof typeof EdgeKind];

export const EDGE_KINDS: readonly EdgeKind[] = Object.values(EdgeKind);

/** Join modes: wait for every branch, or continue with the first one to arrive. */
export const JoinMode = {
  All: "all",
  Any: "any",
} as const;
export type JoinMode = (typeof JoinMode)[keyof typeof JoinMode];

/** Node types that may have an outgoing `error` edge. */
export const ERROR_EDGE_SOURCES: ReadonlySet<string> = new Set<NodeType>([NodeType.Activity, NodeType.SubWorkflow, NodeType.Map]);

/** Node types that may have any number of outgoing `next` edges. */
export const BRANCHING_TYPES: ReadonlySet<string> = new Set<NodeType>([NodeType.Choice, NodeType.Parallel]);

/** Node types that finish the instance and so take no outgoing edge. */
export const TERMINAL_TYPES: ReadonlySet<string> = new Set<NodeType>([NodeType.End, NodeType.Fail]);

export function isNodeType(value: unknown): value is NodeType {
  return typeof value === "string" && (NODE_TYPES as readonly string[]).includes(value);
}

export function isEdgeKind(value: unknown): value is EdgeKind {
  return typeof value === "string" && (EDGE_KINDS as readonly string[]).includes(value);
}
