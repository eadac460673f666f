export { createWeftClient } from "./client.js";
export { ApiError, isApiError } from "./api-error.js";
export { TERMINAL_STATUSES, isTerminalStatus } from "./types.js";

export type { WeftClient, WeftClientOptions, EventSourceConstructor } from "./client.js";
export type { SubscribeInstanceOptions, InstanceSubscription, SubscribeInstancesOptions, InstancesSubscription } from "./streams.js";
export type {
  ActivityInfo,
  Approval,
  BatchStartItem,
  BatchStarted,
  BatchStartResult,
  EventFilter,
  EventRaisedResult,
  EventsRaised,
  EventTargets,
  FailureDetails,
  Health,
  HistoryEvent,
  HistoryQuery,
  InstanceDetail,
  InstanceListQuery,
  InstancePage,
  InstanceStatus,
  InstanceSummary,
  JsonSchema,
  OutboxMessage,
  OutboxQuery,
  PendingActivity,
  PendingEvent,
  PendingTimer,
  Problem,
  Published,
  PublishedDefinition,
  RestartPoints,
  RetryNowTarget,
  SavedDraft,
  StartedInstance,
  StartOptions,
  WorkflowDefinition,
  WorkflowDetail,
  WorkflowSummary,
  WorkflowVersionInfo,
} from "./types.js";
