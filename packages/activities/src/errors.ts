import { NonRetryableError } from "@weft/engine";

/** What went wrong, as a stable string a caller (or the UI) can switch on. */
export const ActivityErrorCode = {
  DuplicateActivity: "duplicate-activity",
  InvalidDefinition: "invalid-definition",
  InvalidOptions: "invalid-options",
  SimulatedFailure: "simulated-failure",
  HttpStatus: "http-status",
  HttpFailed: "http-failed",
} as const;
export type ActivityErrorCode = (typeof ActivityErrorCode)[keyof typeof ActivityErrorCode];

/**
 * The package's base error. Thrown plain, it is retryable: the engine retries an
 * activity failure unless the error carries `nonRetryable: true` (see {@link NonRetryableError}).
 */
export class ActivityError extends Error {
  override name = "ActivityError";
  readonly code: ActivityErrorCode;
  /** Recorded in the history's failure `details` by the engine's `toFailureDetails`. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ActivityErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

/** A demo step failed on purpose (its `failAttempts` or `failRate`), so a workflow's retries can be tried. */
export class SimulatedFailureError extends ActivityError {
  override name = "SimulatedFailureError";
  constructor(
    readonly activity: string,
    readonly failRate: number,
    what: string,
    /** Set when the attempt failed because it is one of the first `failAttempts`. */
    readonly failAttempts?: { attempt: number; of: number },
  ) {
    const why = failAttempts ? `attempt ${failAttempts.attempt} of the first ${failAttempts.of} set to fail` : `failRate ${failRate}`;
    super(ActivityErrorCode.SimulatedFailure, `${what} (simulated failure, ${why})`, {
      details: { activity, failRate, ...(failAttempts ? { failAttempts: failAttempts.of } : {}) },
    });
  }
}

/** A server answered 5xx: retryable, since such answers are usually transient. */
export class HttpStatusError extends ActivityError {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    statusText: string,
    bodyExcerpt: string,
  ) {
    super(
      ActivityErrorCode.HttpStatus,
      `Activity 'http.request': ${method} ${url} answered ${status}${statusText ? ` ${statusText}` : ""}; ` +
        "a server error is retried by the workflow's retry policy.",
      { details: { status, method, url, body: bodyExcerpt } },
    );
  }
}

/**
 * A NonRetryableError with structured `details`: retrying would fail the same way
 * (invalid input, a refused address, an oversize response).
 */
export function nonRetryable(message: string, details: Record<string, unknown>, cause?: unknown): NonRetryableError {
  const error = new NonRetryableError(message, cause === undefined ? undefined : { cause });
  return Object.assign(error, { details });
}
