// The process an isolated activity runs in (see isolation.ts): it loads the project's
// config once, then runs the activities its parent sends, one at a time, and reports
// each outcome. If an activity kills this process, only this process is lost.
import { toActivityFunctions } from "@weft/activities";
import { type ActivityFunction, type ActivityLogger, toFailureDetails } from "@weft/engine";
import type { ChildMessage, ParentMessage } from "./isolation.js";
import { loadProjectConfig, uniqueActivities } from "./project-config.js";

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

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

const running = new Map<number, AbortController>();

process.on("message", (message: ParentMessage) => {
  if (message.type === "cancel") {
    running.get(message.id)?.abort(Object.assign(new Error(message.reason.message), { name: message.reason.name }));
    return;
  }
  void run(message);
});
// The parent gone (it died or closed the channel): nothing more will be asked.
process.on("disconnect", () => process.exit(0));

async function run(request: Extract<ParentMessage, { type: "run" }>): Promise<void> {
  const { id, name, input, context } = request;
  const abort = new AbortController();
  running.set(id, abort);
  const log = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) =>
    send({ type: "log", id, level, message, ...(fields === undefined ? {} : { fields }) });
  const logger: ActivityLogger = { info: log("info"), warn: log("warn"), error: log("error") };
  try {
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (!fn) throw Object.assign(new Error(`No activity named '${name}' in the project config.`), { name: "UnknownActivityError", nonRetryable: true });
    const result = await fn(input, {
      ...context,
      signal: abort.signal,
      heartbeat: (details?: unknown) => send({ type: "heartbeat", id, ...(details === undefined ? {} : { details }) }),
      log: logger,
    });
    send({ type: "done", id, result });
  } catch (error) {
    send({ type: "failed", id, error: toFailureDetails(error) });
  } finally {
    running.delete(id);
  }
}
