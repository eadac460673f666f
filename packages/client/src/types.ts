import type { Problem, WorkflowDefinition } from "@weft/definition";

export type { Problem, WorkflowDefinition };

/** An instance's status, as the API reports it. */
export type InstanceStatus = "pending" | "running" | "suspended" | "completed" | "failed" | "terminated";

export const TERMINAL_STATUSES: readonly InstanceStatus[] = ["completed", "failed", "terminated"];

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface Health {
  status: "ok";
  store: "sqlite" | "postgres";
  version: string;
}

/** A catalog entry from `GET /api/activities`; the schemas are JSON Schema. */
export interface ActivityInfo {
  name: string;
  title: string;
  description: string;
  category: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** Where it runs: a built-in, the project's weft.config, or a remote worker over HTTP. */
  source?: "built-in" | "project" | "remote";
}

/** The parts of a JSON Schema the UI reads; anything else passes through. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  [key: string]: unknown;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  latestVersion: number | null;
  updatedAt: string;
  trigger: WorkflowDefinition["trigger"] | { type: string };
  /** "code": a code-first orchestrator from weft.config (no drawing, never a version; it starts as it is). */
  kind?: "drawn" | "code";
}

export interface WorkflowVersionInfo {
  version: number;
  publishedAt: string;
}

export interface WorkflowDetail {
  id: string;
  /** "code": a code-first orchestrator; its `draft` is then null. */
  kind?: "drawn" | "code";
  name?: string;
  draft: WorkflowDefinition;
  latestVersion: number | null;
  versions: WorkflowVersionInfo[];
}

export interface SavedDraft {
  id: string;
  draft: WorkflowDefinition;
  problems: Problem[];
}

export interface Published {
  id: string;
  version: number;
}

export type PublishedDefinition = WorkflowDefinition & { version: number };

export interface StartOptions {
  input?: unknown;
  instanceId?: string;
  version?: number;
}

export interface StartedInstance {
  instanceId: string;
  workflowId: string;
  version: number;
  links: { self: string; history: string; stream: string };
}

export interface InstanceSummary {
  instanceId: string;
  workflowId: string;
  version: number | null;
  status: InstanceStatus;
  customStatus: unknown;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface FailureDetails {
  name: string;
  message: string;
  [key: string]: unknown;
}

export interface PendingEvent {
  name: string;
  nodeId: string | null;
  since: string;
  timeoutAt: string | null;
  approval: unknown;
}

export interface PendingTimer {
  nodeId: string | null;
  fireAt: string;
}

export interface PendingActivity {
  taskId: number;
  name: string;
  nodeId: string | null;
  attempt: number;
  startedAt: string;
}

export interface InstanceDetail extends InstanceSummary {
  input: unknown;
  output: unknown;
  error: FailureDetails | null;
  parentInstanceId: string | null;
  pending: { events: PendingEvent[]; timers: PendingTimer[]; activities: PendingActivity[] };
}

export interface InstanceListQuery {
  status?: InstanceStatus | readonly InstanceStatus[];
  workflow?: string;
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface InstancePage {
  items: InstanceSummary[];
  nextCursor: string | null;
}

/** One history event; `type` is one of the engine's event kinds (ExecutionStarted, TaskScheduled …). */
export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  taskId?: number;
  attempt?: number;
  name?: string;
  input?: unknown;
  result?: unknown;
  error?: FailureDetails;
  fireAt?: string;
  tags?: Record<string, unknown>;
}

/** Which backing-off step `retryNow` fires: a node (and a map item), or every one. */
export interface RetryNowTarget {
  nodeId?: string;
  index?: number;
}

/** `GET /api/instances/:id/restart-points`: the nodes of `version` a restart may begin at. */
export interface RestartPoints {
  version: number;
  nodeIds: string[];
}

export interface HistoryQuery {
  after?: number;
  limit?: number;
}

export interface Approval {
  instanceId: string;
  workflowId: string;
  nodeId: string | null;
  event: string;
  title: string;
  choices: string[];
  since: string;
  timeoutAt: string | null;
}

export interface OutboxMessage {
  id: number;
  instanceId?: string;
  [key: string]: unknown;
}

export interface OutboxQuery {
  limit?: number;
  before?: number;
  instance?: string;
}
