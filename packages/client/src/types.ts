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

/** One instance of a batch start (`workflows.startMany`). */
export interface BatchStartItem {
  input?: unknown;
  /** Default: a random UUID (the result carries it). */
  instanceId?: string;
}

/** What happened to one item of a batch: started, or why not. */
export interface BatchStartResult {
  instanceId: string;
  /** "exists": the id belongs to an instance that is not finished; "error": the server failed on this item. */
  status: "started" | "exists" | "error";
  error?: string;
}

export interface BatchStarted {
  workflowId: string;
  /** null for a code-first orchestrator. */
  version: number | null;
  /** One per item, in the request's order. */
  results: BatchStartResult[];
}

/** Which instances `instances.raiseEventOnMany` chooses by filter: one page of the listing per request. */
export interface EventFilter {
  workflow: string;
  /** Only instances of this published version. */
  version?: number;
  /** Default: pending, running and suspended (an event cannot reach a finished instance). */
  status?: readonly ("pending" | "running" | "suspended")[];
  /** Default true: only instances waiting for this event right now. */
  waiting?: boolean;
  /** Instances of the listing one request goes through (default and at most 1,000). */
  limit?: number;
  /** The previous answer's nextCursor. */
  cursor?: string;
}

/** The instances one event goes to: up to 1,000 ids, or a filter. */
export type EventTargets = { instanceIds: readonly string[] } | { filter: EventFilter };

export interface EventRaisedResult {
  instanceId: string;
  /** "finished": the instance ended before the event came; "error": the server failed on this instance. */
  status: "raised" | "not-found" | "finished" | "error";
  error?: string;
}

export interface EventsRaised {
  event: string;
  /** One per instance id in the request's order; with a filter, one per matching instance. */
  results: EventRaisedResult[];
  /** With a filter: send it as `filter.cursor` to go on; null once the listing is done. */
  nextCursor?: string | null;
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
