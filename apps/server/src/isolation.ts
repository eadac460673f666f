import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ActivityContext, ActivityProcessDiedError, type ActivityFunction, type FailureDetails } from "@weft/engine";
import type { Logger } from "./logger.js";

/**
 * Runs the project's activities, one at a time, in a child process of their own, so an
 * activity that kills its process (a native crash, an out-of-memory kill, a
 * `process.exit`) takes only that process with it. The worker uses it for suspects:
 * attempts claimed before without a result (WorkerOptions.isolatedActivities). A poison
 * activity then kills its worker once, not once per claim, and the work beside it on
 * that worker keeps running.
 *
 * The process starts on the first run, loads the project config itself (as the worker
 * did), and stays for the next runs until it has been idle a while. One run at a time:
 * were two in one process, one's crash would be blamed on the other too.
 */
export interface ActivityIsolationOptions {
  /** The project config (absolute path), and whether it was loaded `once` (see loadProjectConfig). */
  project: { file: string; once: boolean };
  logger: Logger;
  /** A cancelled activity (timeout, instance ended, lease lost) gets this long to stop before its process is killed. Default 5 s. */
  cancelGraceMs?: number;
  /** An idle process exits after this long. Default 60 s. */
  idleMs?: number;
}

/** Parent → isolated process. */
export type ParentMessage =
  | { type: "run"; id: number; name: string; input: unknown; context: IsolatedContext }
  | { type: "cancel"; id: number; reason: { name: string; message: string } };

/** Isolated process → parent. */
export type ChildMessage =
  | { type: "ready" }
  | { type: "load-failed"; message: string }
  | { type: "done"; id: number; result?: unknown }
  | { type: "failed"; id: number; error: FailureDetails }
  | { type: "heartbeat"; id: number; details?: unknown }
  | { type: "log"; id: number; level: "info" | "warn" | "error"; message: string; fields?: Record<string, unknown> };

/** The serialisable part of an ActivityContext (the signal, heartbeat and log are rebuilt in the child). */
type IsolatedContext = Pick<ActivityContext, "instanceId" | "executionId" | "taskId" | "attempt" | "name" | "tags" | "idempotencyKey">;

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  context: ActivityContext;
  /** Frees the process for the next run. */
  release: () => void;
  killTimer?: ReturnType<typeof setTimeout>;
}

interface Child {
  process: ChildProcess;
  pending: Map<number, Pending>;
  /** Replaced (the project reloaded): exits once its run has ended. */
  retiring?: boolean;
}

export class ActivityIsolation {
  readonly #options: ActivityIsolationOptions;
  #child: Promise<Child | undefined> | undefined;
  /** Settles when the process is free for the next run. */
  #slot: Promise<void> = Promise.resolve();
  #nextId = 1;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why no process can load the project (a config error): runs stay in the worker until reset(). */
  #broken: string | undefined;
  #closed = false;

  constructor(options: ActivityIsolationOptions) {
    this.#options = options;
  }

  /**
   * For each of `inProcess` (the project's activities), a function that runs it in the
   * isolated process, or in the worker when no process can run it (the config does not
   * load there, the process cannot be started).
   */
  functions(inProcess: Record<string, ActivityFunction>): Record<string, ActivityFunction> {
    const isolated: Record<string, ActivityFunction> = {};
    for (const [name, fn] of Object.entries(inProcess)) isolated[name] = (input, context) => this.run(name, input, context, fn);
    return isolated;
  }

  /** Runs activity `name` in the isolated process; rejects with ActivityProcessDiedError if the process dies first. */
  async run(name: string, input: unknown, context: ActivityContext, inProcess: ActivityFunction): Promise<unknown> {
    const previous = this.#slot;
    let release!: () => void;
    this.#slot = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    clearTimeout(this.#idleTimer);
    let handedOver = false;
    try {
      context.signal.throwIfAborted();
      const child = await this.#ready();
      if (!child) return await inProcess(input, context);
      handedOver = true;
      return await this.#send(child, name, input, context, () => {
        release();
        this.#idleSoon();
      });
    } finally {
      if (!handedOver) release();
    }
  }

  /** The project was reloaded (weft dev): the next run starts a process that loads it afresh. */
  reset(): void {
    this.#broken = undefined;
    void this.#stopChild(false);
  }

  /** Stops the process; a run still in it is killed (the worker has given up on it by now). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    void this.#stopChild(true);
  }

  /** The running process, or a new one; undefined when none can run the project's activities. */
  async #ready(): Promise<Child | undefined> {
    if (this.#closed || this.#broken) return undefined;
    const starting = (this.#child ??= this.#start());
    const child = await starting;
    // Still the current process (not retired by a reset meanwhile) and alive: use it.
    if (child?.process.connected && this.#child === starting) return child;
    // It exited while idle (killed from outside, say), not the next activity's fault, or was retired: start another.
    if (this.#child === starting) this.#child = undefined;
    return this.#closed || this.#broken ? undefined : await (this.#child ??= this.#start());
  }

  #send(child: Child, name: string, input: unknown, context: ActivityContext, release: () => void): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, context, release };
      child.pending.set(id, pending);
      const { instanceId, executionId, taskId, attempt, tags, idempotencyKey } = context;
      child.process.send({ type: "run", id, name, input, context: { instanceId, executionId, taskId, attempt, name, tags, idempotencyKey } } satisfies ParentMessage);
      context.signal.addEventListener(
        "abort",
        () => {
          if (!child.pending.has(id)) return;
          // The worker no longer wants the result: answer it now, let the activity stop, and
          // kill the process if it does not (it is disposable; the next run starts another).
          reject(context.signal.reason);
          const reason = context.signal.reason instanceof Error ? context.signal.reason : new Error(String(context.signal.reason));
          if (child.process.connected) child.process.send({ type: "cancel", id, reason: { name: reason.name, message: reason.message } } satisfies ParentMessage);
          pending.killTimer = setTimeout(() => child.process.kill("SIGKILL"), this.#options.cancelGraceMs ?? 5000);
        },
        { once: true },
      );
    });
  }

  #start(): Promise<Child | undefined> {
    const { file, once } = this.#options.project;
    const entry = childEntry();
    const child: Child = {
      process: fork(entry.path, [file, once ? "once" : "reload"], { execArgv: entry.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] }),
      pending: new Map(),
    };
    const started: Promise<Child | undefined> = new Promise((resolve) => {
      // Also a send on a channel that just closed: the exit handler deals with what was running.
      child.process.on("error", (error) => {
        this.#options.logger.warn({ err: error }, "isolated activity process error");
        resolve(undefined);
      });
      child.process.on("message", (message: ChildMessage) => {
        if (message.type === "ready") resolve(child);
        else if (message.type === "load-failed") {
          this.#broken = message.message;
          this.#options.logger.warn({ config: file, reason: message.message }, "the project config does not load in an isolated process; suspects run in the worker");
          resolve(undefined);
        } else this.#receive(child, message);
      });
      child.process.once("exit", (code, signal) => {
        if (this.#child === started) this.#child = undefined;
        resolve(undefined);
        this.#died(child, code, signal);
      });
    });
    return started;
  }

  #receive(child: Child, message: Exclude<ChildMessage, { type: "ready" | "load-failed" }>): void {
    const pending = child.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case "heartbeat":
        pending.context.heartbeat(message.details);
        return;
      case "log":
        pending.context.log[message.level](message.message, message.fields);
        return;
      case "done":
        this.#settle(child, message.id, pending);
        pending.resolve(message.result);
        return;
      case "failed":
        this.#settle(child, message.id, pending);
        pending.reject(fromFailureDetails(message.error));
        return;
    }
  }

  #settle(child: Child, id: number, pending: Pending): void {
    clearTimeout(pending.killTimer);
    child.pending.delete(id);
    if (child.retiring && child.pending.size === 0 && child.process.connected) child.process.disconnect();
    pending.release();
  }

  /** The process exited: whatever it was running died with it. */
  #died(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    for (const [id, pending] of child.pending) {
      this.#settle(child, id, pending);
      pending.reject(new ActivityProcessDiedError(`its process (pid ${child.process.pid}) ended with ${how}`, { code, signal }));
    }
  }

  /** Stops the process once it has been idle a while (it holds a Node heap and the project's modules). */
  #idleSoon(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.#stopChild(false), this.#options.idleMs ?? 60_000);
    this.#idleTimer.unref();
  }

  /** `kill`: now, with whatever runs there; else once its run (if any) has ended. */
  async #stopChild(kill: boolean): Promise<void> {
    const starting = this.#child;
    this.#child = undefined;
    const child = await starting;
    if (!child || !child.process.connected) return;
    if (kill) child.process.kill("SIGKILL");
    else if (child.pending.size === 0) child.process.disconnect();
    else child.retiring = true;
  }
}

/** The child's script: the built .js next to this module, or the .ts source through tsx (tests run the sources). */
function childEntry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./isolated-child.js", import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: process.execArgv };
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
