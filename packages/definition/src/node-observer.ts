/** The states a node can be in on the drawing of a run. */
export const NodeStatus = {
  Idle: "idle",
  Running: "running",
  Waiting: "waiting",
  Retrying: "retrying",
  Succeeded: "succeeded",
  Failed: "failed",
  Skipped: "skipped",
  Cancelled: "cancelled",
} as const;
export type NodeStatus = (typeof NodeStatus)[keyof typeof NodeStatus];

/** One change of one node's state (for a node inside a map body: of one item's run of it). */
export interface NodeTransition {
  nodeId: string;
  status: NodeStatus;
  /** The orchestration's time when it happened (ISO). */
  at: string;
  /** The map item, inside a map body. */
  index?: number;
  detail?: Record<string, unknown>;
}

export type NodeObserver = (transition: NodeTransition) => void;
