import type { FailureDetails } from "./history.js";

/** The engine's base error: a string `code`, an explicit `name`, structured fields. */
export class EngineError extends Error {
  override name = "EngineError";
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class InstanceNotFoundError extends EngineError {
  override name = "InstanceNotFoundError";
  constructor(readonly instanceId: string) {
    super("instance-not-found", `No instance with id '${instanceId}' exists.`);
  }
}

export class InstanceExistsError extends EngineError {
  override name = "InstanceExistsError";
  constructor(
    readonly instanceId: string,
    readonly status: string,
  ) {
    super(
      "instance-exists",
      `Instance '${instanceId}' already exists and is ${status}; an id can be reused only once its instance is completed, failed or terminated.`,
    );
  }
}

export class WorkflowNotFoundError extends EngineError {
  override name = "WorkflowNotFoundError";
  constructor(readonly workflowId: string) {
    super("workflow-not-found", `No workflow with id '${workflowId}' exists.`);
  }
}

/** The instance's state forbids the operation (raise an event on a completed instance, purge a running one …). */
export class InstanceStateError extends EngineError {
  override name = "InstanceStateError";
  constructor(
    readonly instanceId: string,
    readonly status: string,
    action: string,
  ) {
    super("instance-state", `Cannot ${action} instance '${instanceId}': it is ${status}.`);
  }
}

/** Thrown by a store when a lease it was asked to honour is no longer held. */
export class LeaseLostError extends EngineError {
  override name = "LeaseLostError";
  constructor(message: string) {
    super("lease-lost", message);
  }
}

/**
 * The reason an activity's `signal` fires when its task is gone: the instance ended
 * (terminated, or completed while the activity ran) or the lease lapsed and another
 * worker has the task. The result is no longer wanted; stop work and return.
 */
export class ActivityCancelledError extends EngineError {
  override name = "ActivityCancelledError";
  constructor(
    readonly instanceId: string,
    readonly taskId: number,
    readonly reason: "instance-ended" | "lease-lost",
    message: string,
  ) {
    super("activity-cancelled", message);
  }
}

/** A store's driver failed; wraps the driver error as `cause`. */
export class StoreError extends EngineError {
  override name = "StoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("store", message, options);
  }
}

// ---- failures raised inside orchestrator code ---------------------------------

/** Thrown into the orchestrator when an activity failed after its retries. */
export class TaskFailedError extends Error {
  override name = "TaskFailedError";
  constructor(
    message: string,
    readonly taskId: number,
    readonly failure: FailureDetails,
  ) {
    super(message);
  }
}

/** Thrown into the orchestrator when a sub-orchestration failed. */
export class SubOrchestrationFailedError extends Error {
  override name = "SubOrchestrationFailedError";
  constructor(
    message: string,
    readonly taskId: number,
    readonly failure: FailureDetails,
  ) {
    super(message);
  }
}

/** Thrown into the orchestrator when waitForEvent's timeout passes first. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** The orchestrator's code no longer matches its recorded history. */
export class NonDeterminismError extends Error {
  override name = "NonDeterminismError";
}

/**
 * Thrown by an isolated activity function (WorkerOptions.isolatedActivities) when the
 * process it ran in died before reporting back: the activity most likely killed it (a
 * native crash, an out-of-memory kill). The worker counts it as a run without a result,
 * like a worker that died running the activity, and gives the attempt up as poison when
 * those runs reach the claim limit.
 */
export class ActivityProcessDiedError extends Error {
  override name = "ActivityProcessDiedError";
  constructor(
    message: string,
    readonly exit: { code: number | null; signal: string | null },
  ) {
    super(message);
  }
}

/** An activity throws this to stop retries. Recognised by name across boundaries. */
export class NonRetryableError extends Error {
  override name = "NonRetryableError";
  readonly nonRetryable = true;
}

/** Converts anything thrown into recordable failure data. */
export function toFailureDetails(error: unknown): FailureDetails {
  if (error instanceof Error) {
    const details: FailureDetails = { name: error.name || "Error", message: error.message };
    if (error.stack) details.stack = error.stack;
    const extra = error as Error & { nonRetryable?: unknown; failure?: FailureDetails; details?: unknown };
    if (extra.nonRetryable === true) details.nonRetryable = true;
    if (extra.failure) details.cause = extra.failure;
    if (extra.details !== undefined) details.details = extra.details;
    return details;
  }
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    const e = error as { name?: unknown; message: string };
    return { name: typeof e.name === "string" ? e.name : "Error", message: e.message };
  }
  return { name: "Error", message: typeof error === "string" ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
