import type { z } from "zod";
import type {
  acceptedSchema,
  approvalSchema,
  historyEventSchema,
  historyQuery,
  instanceDetailSchema,
  instancePageSchema,
  instanceSummarySchema,
  pendingActivitySchema,
  pendingEventSchema,
  pendingTimerSchema,
  restartPointsSchema,
  retryNowBody,
  startBody,
  startedSchema,
} from "./instances.js";
import type { batchEventBody, batchRaisedSchema, batchStartBody, batchStartedSchema } from "./batch.js";
import type {
  problemListSchema,
  publishedDefinitionSchema,
  publishedSchema,
  savedDraftSchema,
  workflowDetailSchema,
  workflowDraftSchema,
  workflowSummarySchema,
  workflowVersionInfoSchema,
} from "./workflows.js";
import type { activityInfoSchema, healthSchema, outboxMessageSchema, outboxQuery } from "./service.js";
import type { definitionProblemSchema } from "./problem.js";
import type { polledTasksSchema, remoteActivitySchema, remoteTaskSchema } from "./workers.js";

/**
 * The Weft HTTP API's wire contract: the server validates requests and writes its
 * OpenAPI document with these schemas, and the client's types are inferred from them,
 * so the three cannot drift. Browser-safe: zod and the engine's and definition's
 * constants only.
 */

export * from "./ids.js";
export * from "./failure.js";
export * from "./problem.js";
export * from "./instances.js";
export * from "./batch.js";
export * from "./workflows.js";
export * from "./service.js";
export * from "./workers.js";
export * from "./streams.js";
export { restartTags, subWorkflowTag, taggedSubWorkflowVersion, taggedVersion, VERSION_TAG, versionTag } from "@weft/definition";
export type { InstanceStatus, EventType } from "@weft/engine";
export type { WorkflowDefinition } from "@weft/definition";

// What a client sends (z.input: before defaults and coercion) and gets back (z.output).
export type StartOptions = z.input<typeof startBody>;
export type RetryNowTarget = z.input<typeof retryNowBody>;
export type BatchStartRequest = z.input<typeof batchStartBody>;
export type BatchStartItem = BatchStartRequest["items"][number];
export type BatchEventRequest = z.input<typeof batchEventBody>;
export type EventFilter = NonNullable<BatchEventRequest["filter"]>;
export type HistoryQuery = z.input<typeof historyQuery>;
export type OutboxQuery = z.input<typeof outboxQuery>;

export type Accepted = z.infer<typeof acceptedSchema>;
export type InstanceSummary = z.infer<typeof instanceSummarySchema>;
export type InstancePage = z.infer<typeof instancePageSchema>;
export type InstanceDetail = z.infer<typeof instanceDetailSchema>;
export type HistoryEvent = z.infer<typeof historyEventSchema>;
export type PendingEvent = z.infer<typeof pendingEventSchema>;
export type PendingTimer = z.infer<typeof pendingTimerSchema>;
export type PendingActivity = z.infer<typeof pendingActivitySchema>;
export type Approval = z.infer<typeof approvalSchema>;
export type StartedInstance = z.infer<typeof startedSchema>;
export type RestartPoints = z.infer<typeof restartPointsSchema>;
export type BatchStarted = z.infer<typeof batchStartedSchema>;
export type BatchStartResult = BatchStarted["results"][number];
export type EventsRaised = z.infer<typeof batchRaisedSchema>;
export type EventRaisedResult = EventsRaised["results"][number];
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;
export type WorkflowVersionInfo = z.infer<typeof workflowVersionInfoSchema>;
export type WorkflowDraft = z.infer<typeof workflowDraftSchema>;
export type WorkflowDetail = z.infer<typeof workflowDetailSchema>;
export type SavedDraft = z.infer<typeof savedDraftSchema>;
export type Published = z.infer<typeof publishedSchema>;
export type PublishedDefinition = z.infer<typeof publishedDefinitionSchema>;
export type ProblemList = z.infer<typeof problemListSchema>;
export type DefinitionProblem = z.infer<typeof definitionProblemSchema>;
export type Health = z.infer<typeof healthSchema>;
export type ActivityInfo = z.infer<typeof activityInfoSchema>;
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
export type RemoteTask = z.infer<typeof remoteTaskSchema>;
export type RemoteActivity = z.infer<typeof remoteActivitySchema>;
export type PolledTasks = z.infer<typeof polledTasksSchema>;
