import type { EventFilter, InstanceStatus, WorkflowDefinition } from "@weft/protocol";

/**
 * The client's types are the wire contract's (`@weft/protocol`, inferred from the zod
 * schemas the server validates with and documents), plus the few shapes that exist
 * only on this side: a listing query with lists instead of comma-separated text.
 */
export type {
  ActivityInfo,
  Approval,
  BatchStartItem,
  BatchStarted,
  BatchStartResult,
  EventFilter,
  EventRaisedResult,
  EventsRaised,
  FailureDetails,
  Health,
  HistoryEvent,
  HistoryQuery,
  InstanceDetail,
  InstancePage,
  InstanceStatus,
  InstanceSummary,
  JsonSchema,
  OutboxMessage,
  OutboxQuery,
  PendingActivity,
  PendingEvent,
  PendingTimer,
  DefinitionProblem as Problem,
  Published,
  PublishedDefinition,
  RestartPoints,
  RetryNowTarget,
  SavedDraft,
  StartedInstance,
  StartOptions,
  WorkflowDefinition,
  WorkflowDetail,
  WorkflowDraft,
  WorkflowSummary,
  WorkflowVersionInfo,
} from "@weft/protocol";
export { TERMINAL_STATUSES, isTerminalStatus } from "@weft/protocol";

/** The instances one event goes to: up to 1,000 ids, or a filter. */
export type EventTargets = { instanceIds: readonly string[] } | { filter: EventFilter };

export interface InstanceListQuery {
  status?: InstanceStatus | readonly InstanceStatus[];
  workflow?: string;
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

/** What `saveDraft` accepts: a definition, or a half-finished draft. */
export type DraftInput = WorkflowDefinition | Record<string, unknown>;
