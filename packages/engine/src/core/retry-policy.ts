/**
 * Orchestration-level retries: the wait between attempts is a durable timer and
 * every attempt is its own task in the history.
 */
export interface RetryPolicy {
  /** Counts the first attempt: 1 means no retry. */
  maxAttempts: number;
  /** Wait before the second attempt. Default 1000. */
  firstIntervalMs?: number;
  /** Each further wait is the previous one times this. Default 2. */
  backoffCoefficient?: number;
  /** Upper bound of one wait. Default: none. */
  maxIntervalMs?: number;
  /** No retry starts once this much time has passed since the first attempt. */
  totalTimeoutMs?: number;
}

export const DEFAULT_FIRST_INTERVAL_MS = 1000;
export const DEFAULT_BACKOFF_COEFFICIENT = 2;

/**
 * The wait after attempt `failedAttempt` (1-based) failed:
 * min(firstIntervalMs × backoffCoefficient^(failedAttempt−1), maxIntervalMs).
 *
 * @example retryDelayMs({ maxAttempts: 5, firstIntervalMs: 100 }, 3) // 400
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const first = policy.firstIntervalMs ?? DEFAULT_FIRST_INTERVAL_MS;
  const coefficient = policy.backoffCoefficient ?? DEFAULT_BACKOFF_COEFFICIENT;
  const delay = first * Math.pow(coefficient, failedAttempt - 1);
  const capped = policy.maxIntervalMs === undefined ? delay : Math.min(delay, policy.maxIntervalMs);
  return Math.max(0, Math.round(capped));
}

/** A reason the policy is unusable, or undefined when it is sane. */
export function retryPolicyProblem(policy: RetryPolicy): string | undefined {
  const { maxAttempts, firstIntervalMs, backoffCoefficient, maxIntervalMs, totalTimeoutMs } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) return "maxAttempts must be a whole number of at least 1";
  if (firstIntervalMs !== undefined && !(firstIntervalMs >= 0)) return "firstIntervalMs must be 0 or more";
  if (backoffCoefficient !== undefined && !(backoffCoefficient >= 1)) return "backoffCoefficient must be 1 or more";
  if (maxIntervalMs !== undefined && !(maxIntervalMs >= 0)) return "maxIntervalMs must be 0 or more";
  if (totalTimeoutMs !== undefined && !(totalTimeoutMs > 0)) return "totalTimeoutMs must be more than 0";
  return undefined;
}
