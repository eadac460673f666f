import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ActivityContext, ActivityProcessDiedError, type ActivityFunction, type FailureDetails } from "@weft/engine";
import type { Logger } from "./logger.js";

/**
 * Runs one of the project's activities in a child process of its own, so an activity
 * that kills its process (a native crash, an out-of-memory kill, a `process.exit`)
 * takes only that process with it. The worker uses it for suspects: attempts claimed
 * before without a result (WorkerOptions.isolatedActivities). A poison activity then
 * kills its worker once, not once per claim, and the work beside it keeps running.
 *
 * Every run gets a fresh process, which loads the project config itself (as the worker
 * did) and exits after that one run. A process that runs one activity only can blame
 * its death on nothing else: not on an earlier activity that crashed it after
 * returning, nor on one still running after a cancel. Suspects are rare (they follow a
 * crash), so the start-up (a few hundred milliseconds) is a small price.
 */
export interface ActivityIsolationOptions {
  /** The project config (absolute path), and whether it was loaded `once` (see loadProjectConfig). */
  project: { file: string; once: boolean };
  logger: Logger;
  /** A cancelled activity (timeout, instance ended, lease lost) gets this long to stop before its process is killed. Default 5 s. */
  cancelGraceMs?: number;
  /** A process that has not loaded the project by then is killed, and suspects run in the worker until reset(). Default 30 s. */
  startTimeoutMs?: number;
}

/** Parent → isolated process. */
export type ParentMessage =
  { type: "run"; name: string; input: unknown; context: IsolatedContext } | { type: "cancel"; reason: { name: string; message: string } };

/** Isolated process → parent. */
export type ChildMessage =
  | { type: "ready" }
  | { type: "load-failed"; message: string }
  | { type: "done"; result?: unknown }
  | { type: "failed"; error: FailureDetails }
  | { type: "heartbeat"; details?: unknown }
  | { type: "log"; level: "info" | "warn" | "error"; message: string; fields?: Record<string, unknown> };

/** The serialisable part of an ActivityContext (the signal, heartbeat and log are rebuilt in the child). */
type IsolatedContext = Pick<ActivityContext, "instanceId" | "executionId" | "taskId" | "attempt" | "name" | "tags" | "idempotencyKey">;

export class ActivityIsolation {
  readonly #options: ActivityIsolationOptions;
  /** Processes alive now (close() kills them). */
  readonly #children = new Set<ChildProcess>();
  /** Why no process can load the project (a config error, a start that hangs): runs stay in the worker until reset(). */
  #broken: string | undefined;
  /** Bumped by reset(): a process started before it cannot mark the reloaded project broken. */
  #generation = 0;
  #closed = false;

  constructor(options: ActivityIsolationOptions) {
    this.#options = options;
  }

  /**
   * For each of `inProcess` (the project's activities), a function that runs it in a
   * process of its own, or in the worker when no process can run it (the config does not
   * load there, the process cannot be started).
   */
  functions(inProcess: Record<string, ActivityFunction>): Record<string, ActivityFunction> {
    const isolated: Record<string, ActivityFunction> = {};
    for (const [name, fn] of Object.entries(inProcess)) isolated[name] = (input, context) => this.run(name, input, context, fn);
    return isolated;
  }

  /** Runs activity `name` in a fresh process; rejects with ActivityProcessDiedError if the process dies before answering. */
  async run(name: string, input: unknown, context: ActivityContext, inProcess: ActivityFunction): Promise<unknown> {
    context.signal.throwIfAborted();
    const child = this.#closed || this.#broken ? undefined : await this.#start(context.signal);
    if (context.signal.aborted) {
      // Cancelled just as the process became ready: the activity never ran, and the process is not needed.
      child?.kill("SIGKILL");
      context.signal.throwIfAborted();
    }
    if (!child) return await inProcess(input, context);
    return await this.#runIn(child, name, input, context);
  }

  /** The ids of the isolated processes alive now. */
  processes(): number[] {
    return [...this.#children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** The project was reloaded (weft dev): try processes again (each run loads the project afresh anyway). */
  reset(): void {
    this.#generation += 1;
    this.#broken = undefined;
  }

  /** Kills the processes still running (the worker has given up on their runs by now). */
  close(): void {
    this.#closed = true;
    for (const child of this.#children) child.kill("SIGKILL");
  }

  /** A process that has loaded the project; undefined when none can (see #broken). Rejects if `signal` aborts first. */
  #start(signal: AbortSignal): Promise<ChildProcess | undefined> {
    const { file, once } = this.#options.project;
    const entry = childEntry();
    const generation = this.#generation;
    const child = fork(entry.path, [file, once ? "once" : "reload"], {
      execArgv: entry.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    // Always listened to: an unhandled 'error' event would take the worker down.
    child.on("error", (error) => this.#options.logger.warn({ err: error, pid: child.pid }, "isolated activity process error"));
    return new Promise((resolve, reject) => {
      const stopListening = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        child.off("message", onMessage);
        child.off("exit", onExit);
        child.off("error", onError);
      };
      const done = (result: ChildProcess | undefined, why?: string) => {
        stopListening();
        if (why) {
          if (generation === this.#generation && !this.#closed) this.#broken = why;
          this.#options.logger.warn(
            { config: file, reason: why },
            "the project cannot run in an isolated process; suspects run in the worker",
          );
          child.kill("SIGKILL");
        }
        resolve(result);
      };
      const onMessage = (message: ChildMessage) => {
        if (message.type === "ready") done(child);
        else if (message.type === "load-failed") done(undefined, message.message);
      };
      // Died before it loaded the project: no activity ran there; this run goes to the worker.
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        this.#options.logger.warn({ config: file, code, signal: exitSignal }, "an isolated activity process ended before it was ready");
        done(undefined);
      };
      const onError = () => done(undefined);
      const onAbort = () => {
        stopListening();
        child.kill("SIGKILL");
        reject(signal.reason);
      };
      const timer = setTimeout(
        () => done(undefined, `the process did not load the project within ${this.#options.startTimeoutMs ?? 30_000} ms`),
        this.#options.startTimeoutMs ?? 30_000,
      );
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.once("error", onError);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Sends the one run to `child` and answers with its outcome. */
  #runIn(child: ChildProcess, name: string, input: unknown, context: ActivityContext): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const settle = () => {
        settled = true;
        context.signal.removeEventListener("abort", onAbort);
        child.off("message", onMessage);
        child.off("exit", onExit);
        // Its one run is over: let it go (it exits once the channel closes), or finish it off after a cancel.
        if (child.connected) child.disconnect();
      };
      const onMessage = (message: ChildMessage) => {
        switch (message.type) {
          case "heartbeat":
            context.heartbeat(message.details);
            return;
          case "log":
            context.log[message.level](message.message, message.fields);
            return;
          case "done":
            clearTimeout(killTimer);
            settle();
            resolve(message.result);
            return;
          case "failed":
            clearTimeout(killTimer);
            settle();
            reject(fromFailureDetails(message.error));
            return;
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(killTimer);
        settle();
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new ActivityProcessDiedError(`its process (pid ${child.pid}) ended with ${how}`, { code, signal }));
      };
      const onAbort = () => {
        if (settled) return;
        // The worker no longer wants the result: answer now, let the activity stop, and kill
        // its process if it does not (nothing else runs there).
        settle();
        reject(context.signal.reason);
        const reason = context.signal.reason instanceof Error ? context.signal.reason : new Error(String(context.signal.reason));
        trySend(child, { type: "cancel", reason: { name: reason.name, message: reason.message } });
        killTimer = setTimeout(() => child.kill("SIGKILL"), this.#options.cancelGraceMs ?? 5000);
        killTimer.unref();
        child.once("exit", () => clearTimeout(killTimer));
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      context.signal.addEventListener("abort", onAbort, { once: true });
      const { instanceId, executionId, taskId, attempt, tags, idempotencyKey } = context;
      const sent = trySend(child, {
        type: "run",
        name,
        input,
        context: { instanceId, executionId, taskId, attempt, name, tags, idempotencyKey },
      });
      if (!sent) {
        // The input did not cross (not JSON, say): the activity never ran; the process is not needed.
        settle();
        child.kill("SIGKILL");
        reject(
          new Error(`The input of activity '${name}' could not be sent to its isolated process (it is not JSON, or the process is gone).`),
        );
      }
    });
  }
}

/** Sends `message`; false when it cannot be serialised or the channel is gone. */
function trySend(child: ChildProcess, message: ParentMessage): boolean {
  if (!child.connected) return false;
  try {
    child.send(message);
    return true;
  } catch {
    return false;
  }
}

/** The child's script: the built .js next to this module, or the .ts source through tsx (tests run the sources). */
function childEntry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./isolated-child.js", import.meta.url));
  // The worker's own Node flags, but not a debugger's: a second --inspect-brk would wait forever.
  if (existsSync(js)) return { path: js, execArgv: process.execArgv.filter((arg) => !arg.startsWith("--inspect")) };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { path: fileURLToPath(new URL("./isolated-child.ts", import.meta.url)), execArgv: ["--import", tsx] };
}

/** An error the activity threw in the child, as the worker would have caught it in process. */
function fromFailureDetails(details: FailureDetails): Error {
  const error = new Error(details.message);
  error.name = details.name;
  if (details.stack) error.stack = details.stack;
  return Object.assign(error, {
    ...(details.nonRetryable ? { nonRetryable: true } : {}),
    ...(details.details !== undefined ? { details: details.details } : {}),
    ...(details.cause ? { failure: details.cause } : {}),
  });
}
