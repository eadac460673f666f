/**
 * The history model: the append-only, ordered log of an instance, the single
 * source of truth the replay executor rebuilds orchestrator state from.
 *
 * Events are plain JSON (they cross process, database and HTTP boundaries) and
 * named in the past tense; the actions an orchestrator takes are in
 * `actions.ts`, named in the imperative.
 */

export const EventType = {
  ExecutionStarted: "ExecutionStarted",
  OrchestratorStarted: "OrchestratorStarted",
  TaskScheduled: "TaskScheduled",
  TaskCompleted: "TaskCompleted",
  TaskFailed: "TaskFailed",
  TimerCreated: "TimerCreated",
  TimerFired: "TimerFired",
  EventRaised: "EventRaised",
  EventSent: "EventSent",
  SubOrchestrationCreated: "SubOrchestrationCreated",
  SubOrchestrationCompleted: "SubOrchestrationCompleted",
  SubOrchestrationFailed: "SubOrchestrationFailed",
  ExecutionSuspended: "ExecutionSuspended",
  ExecutionResumed: "ExecutionResumed",
  ExecutionTerminated: "ExecutionTerminated",
  ExecutionRewound: "ExecutionRewound",
  ContinuedAsNew: "ContinuedAsNew",
  ExecutionCompleted: "ExecutionCompleted",
  CustomStatusSet: "CustomStatusSet",
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Free-form JSON labels on scheduled work and waits; the definition interpreter
 * puts `nodeId` and `index` here (and an approval's title and choices on a wait),
 * which is how history is laid over the drawing.
 */
export type Tags = Record<string, JsonValue | undefined>;

/**
 * A failure recorded in history: plain data, recognised by `name`, never by
 * `instanceof` across a serialisation boundary.
 */
export interface FailureDetails {
  name: string;
  message: string;
  stack?: string;
  /** When true, no retry policy retries it. */
  nonRetryable?: boolean;
  details?: unknown;
  /** The failure that caused this one (an activity's error inside a TaskFailedError). */
  cause?: FailureDetails;
}

/**
 * One history event. A flat shape so it maps 1:1 onto the HTTP API's history
 * event; which optional fields are set depends on `type`:
 *
 * - ExecutionStarted: name, input, executionId, tags, instanceId (parent), taskId (parent's task)
 * - OrchestratorStarted: (at = the turn's deterministic "now")
 * - TaskScheduled: taskId, name, input, attempt, tags, timeoutMs
 * - TaskCompleted / TaskFailed: taskId, attempt, result | error, startedAt
 * - TimerCreated / TimerFired: taskId, fireAt, tags
 * - EventRaised: name, input
 * - EventSent: taskId, instanceId (target), name, input
 * - SubOrchestrationCreated: taskId, name, instanceId (child), input, tags
 * - SubOrchestrationCompleted / Failed: taskId, result | error
 * - ExecutionSuspended / Resumed / Terminated: reason
 * - ExecutionRewound: reason, rewound (seqs of events replay must now ignore)
 * - ContinuedAsNew: input, executionId (the new execution)
 * - ExecutionCompleted: status, result | error
 * - CustomStatusSet: taskId, result (the status value)
 */
export interface HistoryEvent {
  seq: number;
  type: EventType;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  taskId?: number;
  attempt?: number;
  name?: string;
  input?: unknown;
  result?: unknown;
  error?: FailureDetails;
  fireAt?: string;
  tags?: Tags;
  instanceId?: string;
  executionId?: string;
  status?: "completed" | "failed";
  reason?: string;
  timeoutMs?: number;
  startedAt?: string;
  rewound?: number[];
}

/** An event before the store gives it its sequence number (inbox messages carry these). */
export type NewHistoryEvent = Omit<HistoryEvent, "seq">;

let lastMs = Number.NaN;
let lastIso = "";

/**
 * Milliseconds since the epoch as an ISO 8601 string. The last conversion is
 * remembered: the events, timestamps and rows of one turn share their instant, and a
 * Date plus toISOString per use showed up in profiles of sequential steps.
 */
export function toIso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
