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
  /**
   * Fires on the attempt's timeout (reason: a `TimeoutError`), when the instance ends
   * while the activity runs — terminated, say — or the lease is lost (reason: an
   * `ActivityCancelledError`), and on worker shutdown.
   */
  readonly signal: AbortSignal;
  /**
   * Tells the worker the activity is alive: extends its lease at once, and learns
   * promptly whether the task is still wanted (if not, `signal` fires). `details`
   * (progress, say) go to the worker's `onHeartbeat` hook.
   */
  heartbeat(details?: unknown): void;
  /** A logger bound to this instance, task and activity. */
  readonly log: ActivityLogger;
}

/** What an activity logs through; the server binds it to a pino child logger. */
export interface ActivityLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger made on its first call: most activities never log, and binding one (a pino
 * child logger in the server) cost ~10 µs of every step.
 *
 * @example
 * const log = lazyActivityLogger(() => consoleActivityLogger(task)); // nothing made yet
 */
export function lazyActivityLogger(make: () => ActivityLogger): ActivityLogger {
  let logger: ActivityLogger | undefined;
  const get = (): ActivityLogger => {
    logger ??= make();
    return logger;
  };
  return {
    info: (message, fields) => get().info(message, fields),
    warn: (message, fields) => get().warn(message, fields),
    error: (message, fields) => get().error(message, fields),
  };
}

/** The task an {@link ActivityLogger} is made for. */
export interface ActivityTaskInfo {
  instanceId: string;
  taskId: number;
  name: string;
  attempt: number;
}

/**
 * The default activity logger: one console line per call, prefixed with the
 * instance, task and activity.
 *
 * @example
 * const log = consoleActivityLogger({ instanceId: "i-1", taskId: 3, name: "mail.send", attempt: 1 });
 * log.info("sent", { to: "ada@example.com" });
 */
export function consoleActivityLogger(task: ActivityTaskInfo): ActivityLogger {
  const prefix = `[${task.instanceId} #${task.taskId} ${task.name}]`;
  const line = (write: (...args: unknown[]) => void) => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) write(prefix, message);
    else write(prefix, message, fields);
  };
  return { info: line(console.info), warn: line(console.warn), error: line(console.error) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default input is any so that registries hold activities of every input type
export type ActivityFunction<TInput = any, TOutput = unknown> = (input: TInput, context: ActivityContext) => TOutput | Promise<TOutput>;
