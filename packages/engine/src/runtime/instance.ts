import type { FailureDetails, Tags } from "../core/history.js";

export const InstanceStatus = {
  Pending: "pending",
  Running: "running",
  Suspended: "suspended",
  Completed: "completed",
  Failed: "failed",
  Terminated: "terminated",
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

export const INSTANCE_STATUSES: readonly InstanceStatus[] = Object.values(InstanceStatus);

export function isTerminal(status: InstanceStatus): boolean {
  return status === "completed" || status === "failed" || status === "terminated";
}

/** A wait the orchestrator is blocked on (pending.events in the HTTP API). */
export interface PendingWait {
  name: string;
  since: string;
  timeoutAt?: string;
  tags?: Tags;
}

/** What the store keeps about one instance. Times are ISO 8601 UTC strings. */
export interface InstanceRecord {
  instanceId: string;
  /** Orchestrator name. */
  name: string;
  /** New on continue-as-new and on reuse of the id. */
  executionId: string;
  status: InstanceStatus;
  input: unknown;
  output?: unknown;
  error?: FailureDetails;
  customStatus?: unknown;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  parentInstanceId?: string;
  parentTaskId?: number;
  /** Labels given at start (the server puts workflow version here); filterable by name+value. */
  tags: Record<string, string>;
  /** Seq of the last history event (0 when there is none yet). */
  lastSeq: number;
  /** Waits the orchestrator is blocked on, as of its last turn. */
  pendingWaits: PendingWait[];
}

export type InstanceSummary = Pick<
  InstanceRecord,
  "instanceId" | "name" | "status" | "customStatus" | "createdAt" | "updatedAt" | "completedAt" | "tags"
>;
