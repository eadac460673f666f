/**
 * What one instance may grow to, and the check a turn passes before anything of it is
 * performed (the payloads it would record, the history it would reach).
 */
import type { Action } from "../core/actions.js";
import type { Completion } from "../core/executor.js";
import type { FailureDetails } from "../core/history.js";
import type { ChildLimits } from "./child-limits.js";

/**
 * What one instance may grow to. Past a payload or history limit the instance fails
 * with a stated reason; a sub-orchestration past a child limit is not created and its
 * step fails instead (see child-limits.ts).
 */
export interface Limits extends ChildLimits {
  /** The largest input, output, event payload or custom status, as JSON. Default 256 KiB. */
  maxPayloadBytes: number;
  /** The most history events one execution may have. Default 50,000 (use continueAsNew for long loops). */
  maxHistoryEvents: number;
}

/**
 * The instance tag that says how many sub-orchestration levels below its root an
 * instance runs (a root has none: depth 0). Set by the engine on every child it creates.
 */
export const DEPTH_TAG = "weft.depth";

/**
 * Defaults no sane workflow reaches but that stop a runaway fast: ten levels of
 * sub-workflows is already unusual design (a self-call is stopped after ten instances);
 * 1,000 children at once is the benchmark's fan-out; 5,000 children per execution is
 * about what the history limit allows anyway (each child costs at least two events and a turn).
 */
export const DEFAULT_LIMITS: Limits = {
  maxPayloadBytes: 256 * 1024,
  maxHistoryEvents: 50_000,
  maxSubOrchestrationDepth: 10,
  maxOpenChildren: 1_000,
  maxChildrenPerExecution: 5_000,
};

/**
 * A failure when a turn would take the instance past a limit (nothing of the turn is then
 * performed): `lastSeq` is the instance's history so far, `actions` and `completion` the
 * turn's.
 */
export function overLimit(
  instanceId: string,
  lastSeq: number,
  actions: readonly Action[],
  completion: Completion | undefined,
  configured: Partial<Limits> | undefined,
): FailureDetails | undefined {
  const limits = { ...DEFAULT_LIMITS, ...configured };
  const eventsAfter = lastSeq + actions.length + 1;
  if (eventsAfter > limits.maxHistoryEvents) {
    return {
      name: "HistoryLimitExceeded",
      message: `Instance '${instanceId}' would pass ${limits.maxHistoryEvents} history events; split the work into sub-workflows or use continue-as-new for long loops.`,
      nonRetryable: true,
    };
  }
  const payloads: [string, unknown][] = actions.map((action) => {
    switch (action.kind) {
      case "ScheduleTask":
        return [`the input of activity '${action.name}' (task ${action.id})`, action.input];
      case "CreateSubOrchestration":
        return [`the input of sub-orchestration '${action.name}' (task ${action.id})`, action.input];
      case "SendEvent":
        return [`the payload of event '${action.name}' sent to '${action.instanceId}'`, action.input];
      case "SetCustomStatus":
        return ["the custom status", action.status];
      default:
        return ["", undefined];
    }
  });
  if (completion?.kind === "completed") payloads.push(["the output", completion.output]);
  if (completion?.kind === "continuedAsNew") payloads.push(["the continue-as-new input", completion.input]);
  for (const [what, value] of payloads) {
    const bytes = jsonBytes(value);
    if (bytes > limits.maxPayloadBytes) {
      return {
        name: "PayloadTooLargeError",
        message: `${what[0]?.toUpperCase()}${what.slice(1)} is ${Math.ceil(bytes / 1024)} KiB; the limit is ${Math.floor(limits.maxPayloadBytes / 1024)} KiB. Pass a reference (a URL, a key) instead of the data.`,
        nonRetryable: true,
      };
    }
  }
  return undefined;
}

/** Size of a value as UTF-8 JSON (0 for undefined). */
export function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  const text = JSON.stringify(value) ?? "";
  // Most payloads are ASCII: only count bytes exactly when the length says it matters.
  return text.length * 3 < 64 * 1024 ? text.length : new TextEncoder().encode(text).length;
}
