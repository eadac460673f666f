/** The node types of a workflow definition (docs/workflow-definition.schema.json), as written in the JSON `type` field. */
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

/**
 * The word messages use for each node type: what a person sees on the canvas, not the JSON
 * ("wait", not "waitForEvent"). Kept beside the type names rather than in each kind's module,
 * because every message names nodes and the kind modules write messages themselves.
 */
export const NODE_TYPE_WORDS: Readonly<Record<NodeType, string>> = {
  start: "start",
  activity: "activity",
  parallel: "parallel",
  join: "join",
  map: "map",
  waitForEvent: "wait",
  delay: "delay",
  choice: "choice",
  subWorkflow: "sub-workflow",
  transform: "transform",
  setStatus: "set-status",
  end: "end",
  fail: "fail",
};

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

export function isNodeType(value: unknown): value is NodeType {
  return typeof value === "string" && (NODE_TYPES as readonly string[]).includes(value);
}

export function isEdgeKind(value: unknown): value is EdgeKind {
  return typeof value === "string" && (EDGE_KINDS as readonly string[]).includes(value);
}
