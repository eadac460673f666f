// The process an isolated activity runs in (see isolation.ts): it loads the project's
// config, runs the one activity its parent sends, reports the outcome, and exits when
// the parent lets go. If the activity kills this process, only this process is lost.
import { toActivityFunctions } from "@weft/activities";
import { type ActivityFunction, type ActivityLogger, toFailureDetails } from "@weft/engine";
import type { ChildMessage, ParentMessage } from "./isolation.js";
import { loadProjectConfig, uniqueActivities } from "./project-config.js";

/** Sends `message`; false when it cannot be serialised (a BigInt, a cycle) or the parent is gone. */
function send(message: ChildMessage): boolean {
  if (!process.connected) return false;
  try {
    process.send?.(message);
    return true;
  } catch {
    return false;
  }
}

const [file, mode] = process.argv.slice(2);
if (!file || !process.send) {
  process.stderr.write("isolated-child: run by the worker (isolation.ts), with the config file as its argument.\n");
  process.exit(2);
}

let functions: Record<string, ActivityFunction> = {};
try {
  const project = await loadProjectConfig(file, { once: mode === "once" });
  functions = toActivityFunctions(uniqueActivities(project).map((a) => a.definition));
  send({ type: "ready" });
} catch (error) {
  send({ type: "load-failed", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

const abort = new AbortController();
process.on("message", (message: ParentMessage) => {
  if (message.type === "cancel") abort.abort(Object.assign(new Error(message.reason.message), { name: message.reason.name }));
  else void run(message);
});
// The parent let go (the run is over) or is gone: nothing more will be asked.
process.on("disconnect", () => process.exit(0));

async function run({ name, input, context }: Extract<ParentMessage, { type: "run" }>): Promise<void> {
  const log = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) send({ type: "log", level, message });
    else if (!send({ type: "log", level, message, fields: plainFields(fields) }))
      send({ type: "log", level, message, fields: { fields: "[not JSON]" } });
  };
  const logger: ActivityLogger = { info: log("info"), warn: log("warn"), error: log("error") };
  let outcome: ChildMessage;
  try {
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (!fn)
      throw Object.assign(new Error(`No activity named '${name}' in the project config.`), {
        name: "UnknownActivityError",
        nonRetryable: true,
      });
    const result = await fn(input, {
      ...context,
      signal: abort.signal,
      heartbeat: (details?: unknown) => {
        if (details === undefined || !send({ type: "heartbeat", details })) send({ type: "heartbeat" });
      },
      log: logger,
    });
    outcome = { type: "done", result };
  } catch (error) {
    outcome = { type: "failed", error: toFailureDetails(error) };
  }
  if (send(outcome)) return;
  // Not serialisable: say so rather than die (a death would count towards giving the activity up as poison).
  if (outcome.type === "done") {
    send({
      type: "failed",
      error: { name: "TypeError", message: `Activity '${name}' returned a value that is not JSON (a BigInt, a cycle).` },
    });
  } else {
    const { name: errorName, message, stack, nonRetryable } = outcome.error;
    send({ type: "failed", error: { name: errorName, message, ...(stack ? { stack } : {}), ...(nonRetryable ? { nonRetryable } : {}) } });
  }
}

/** Log fields as the worker's logger would show them: errors as name, message and stack, not `{}`. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    plain[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return plain;
}
