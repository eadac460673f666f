export { EventType, EVENT_TYPES, toIso } from "./core/history.js";
export type { FailureDetails, HistoryEvent, JsonValue, NewHistoryEvent, Tags } from "./core/history.js";
export { Task, AtomicTask, EventTask, WhenAllTask, WhenAnyTask } from "./core/tasks.js";
export type {
  ActivityOptions,
  OrchestrationContext,
  AnyOrchestrator,
  Orchestrator,
  SubOrchestratorOptions,
  TimerOptions,
  WaitForEventOptions,
  YieldResult,
} from "./core/context.js";
export { ReplayExecutor } from "./core/executor.js";
export type { Completion, ExecutorInit, ExecutorStats, OpenWait, SubOrchestrationCounts } from "./core/executor.js";
export { retryDelayMs, retryPolicyProblem, DEFAULT_BACKOFF_COEFFICIENT, DEFAULT_FIRST_INTERVAL_MS } from "./core/retry-policy.js";
export type { RetryPolicy } from "./core/retry-policy.js";
export type { Action, ActionKind } from "./core/actions.js";
export { systemClock, randomIdGenerator } from "./runtime/clock.js";
export { timeOrderedId, timeOrderedIds } from "./runtime/time-ordered-ids.js";
export type { Clock, IdGenerator } from "./runtime/clock.js";
export { createRandom, guidFrom } from "./core/deterministic.js";
export {
  ActivityCancelledError,
  ActivityProcessDiedError,
  EngineError,
  InstanceExistsError,
  InstanceNotFoundError,
  InstanceStateError,
  LeaseLostError,
  NonDeterminismError,
  NonRetryableError,
  StoreError,
  SubOrchestrationFailedError,
  TaskFailedError,
  TimeoutError,
  WorkflowNotFoundError,
  toFailureDetails,
} from "./core/errors.js";
export { idProblem, MAX_ID_LENGTH } from "./core/names.js";

export { InstanceStatus, INSTANCE_STATUSES, isTerminal } from "./runtime/instance.js";
export type { InstanceRecord, InstanceSummary, PendingWait } from "./runtime/instance.js";
export type {
  ActivityResult,
  ActivityWorkItem,
  ActivityClaimRequest,
  ClaimRequest,
  CreateOutcome,
  EnqueueResult,
  InboxMessage,
  InstancePage,
  InstanceQuery,
  InstanceUpdate,
  MessageToEnqueue,
  NewActivityTask,
  NewInstance,
  NewMessage,
  OrchestrationWorkItem,
  TaskHubStore,
  StoreNotification,
  TurnCommit,
  TurnOutcome,
} from "./runtime/store.js";
export { consoleActivityLogger } from "./runtime/activity.js";
export type { ActivityContext, ActivityFunction, ActivityLogger, ActivityTaskInfo } from "./runtime/activity.js";
export { createWorker, DEFAULT_ACTIVITY_CONCURRENCY } from "./runtime/worker.js";
export { currentTurn, nextTurn, TURN_SLICE_MS, turnIsSpent } from "./runtime/event-loop-turns.js";
export type { Worker, WorkerMetrics, WorkerOptions } from "./runtime/worker.js";
export { createClient } from "./runtime/client.js";
export type { ClientOptions, EngineClient, InstanceChange, StartOptions, SubscribeOptions } from "./runtime/client.js";
export { runTurn, DEFAULT_LIMITS, DEPTH_TAG, jsonBytes } from "./runtime/orchestration-turn.js";
export type { CachedExecutor, Limits, OrchestratorResolver, TurnEnvironment, TurnResult } from "./runtime/orchestration-turn.js";
