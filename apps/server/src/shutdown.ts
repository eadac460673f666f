import type { Logger } from "./logger.js";

export interface ShutdownOptions {
  logger: Logger;
  /** How long the graceful stop may take before the process exits anyway. */
  timeoutMs: number;
  /** The graceful stop: stop taking work, let running work finish, close the store. */
  stop: () => Promise<void>;
  /** Default: process.exit. */
  exit?: (code: number) => void;
  /** Default: the process's SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
}

/**
 * Stops the process on SIGTERM or SIGINT within a bounded time: the first signal starts a
 * graceful stop and a deadline; if the stop is not done by then, or a second signal comes,
 * the process exits at once.
 *
 * Exiting in the middle of anything is safe, because it is what a crash does and the engine
 * is built to survive crashes: a turn commits in one transaction or not at all (SQLite's
 * commit is one synchronous call that an exit cannot split; PostgreSQL rolls back a
 * transaction whose connection went away), so no half turn is ever recorded; leases that
 * were held lapse (SQLite clears them when the next process opens the file) and the work is
 * claimed again; activities still running run again elsewhere (they are at-least-once).
 * Waiting is only a courtesy to activities in flight, so it must never hold a deploy hostage.
 */
export function stopOnSignals(options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? (["SIGTERM", "SIGINT"] as const);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.warn({ signal }, "second signal: exiting now");
      exit(130);
      return;
    }
    stopping = true;
    options.logger.info({ signal, timeoutMs: options.timeoutMs }, "stopping");
    const deadline = setTimeout(() => {
      options.logger.error(
        { timeoutMs: options.timeoutMs },
        "did not stop in time (WEFT_SHUTDOWN_TIMEOUT_MS): exiting now; unfinished work resumes on the next start",
      );
      exit(1);
    }, options.timeoutMs);
    // The deadline alone must not keep an otherwise finished process alive.
    deadline.unref();
    options.stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.logger.error({ err: error }, "stopping failed: exiting now");
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
