import type { Tags } from "../core/history.js";

/** What an activity sees besides its input. */
export interface ActivityContext {
  readonly instanceId: string;
  readonly executionId: string;
  readonly taskId: number;
  /** 1-based; the same number the history records on this attempt's TaskScheduled. */
  readonly attempt: number;
  readonly name: string;
  readonly tags: Tags | undefined;
  /**
   * Stable across redeliveries of this attempt (a worker crash re-runs it with the
   * same key): `<instanceId>:<executionId>:<taskId>`. Pass it to APIs that
   * deduplicate (payments, email).
   */
  readonly idempotencyKey: string;
  /** Fires on the attempt's timeout, on worker shutdown, or when the lease is lost. */
  readonly signal: AbortSignal;
  /** Tells the worker the activity is alive; extends its lease. */
  heartbeat(details?: unknown): void;
}

// biome-ignore lint/suspicious/noExplicitAny: inputs are typed by each activity
export type ActivityFunction<TInput = any, TOutput = unknown> = (
  input: TInput,
  context: ActivityContext,
) => TOutput | Promise<TOutput>;
