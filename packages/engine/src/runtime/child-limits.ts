import type { FailureDetails } from "../core/history.js";

/**
 * The limits on what one instance may start below it. Without them a workflow that calls
 * itself (directly, or through others) starts instances until memory runs out; see
 * ARCHITECTURE.md, "Limits". A child refused by a limit is never created: the parent's
 * step fails with one of these failures, so its retry policy and error handling apply.
 */
export interface ChildLimits {
  /** Levels of sub-orchestrations below a root instance (a root is depth 0). */
  maxSubOrchestrationDepth: number;
  /** Sub-orchestrations of one instance running at once (started, result not yet back). */
  maxOpenChildren: number;
  /** Sub-orchestrations one execution may start in all (continue-as-new starts a new count). */
  maxChildrenPerExecution: number;
}

/** Every limit failure carries these details, so tools can tell which limit it was. */
export interface LimitDetails {
  limit: keyof ChildLimits;
  value: number;
}

/** The failure names of the child limits (recognised by name, as every recorded failure is). */
export const CHILD_LIMIT_ERRORS: Record<keyof ChildLimits, string> = {
  maxSubOrchestrationDepth: "SubOrchestrationDepthExceeded",
  maxOpenChildren: "OpenChildrenLimitExceeded",
  maxChildrenPerExecution: "ChildrenLimitExceeded",
};

/** A depth tag as written by the engine; anything else (absent, junk, negative) counts as a root. */
export function depthFromTag(value: string | undefined): number {
  const depth = Number(value);
  return Number.isSafeInteger(depth) && depth > 0 ? depth : 0;
}

export interface ChildRequest {
  instanceId: string;
  /** The child orchestrator's name and its task id in the parent. */
  name: string;
  taskId: number;
  /** The parent's depth. */
  depth: number;
  /** The parent's sub-orchestrations before this one: running now, and started this execution. */
  open: number;
  started: number;
}

/** Why `request` may not start its child, or undefined when it may. */
export function childLimitFailure(request: ChildRequest, limits: ChildLimits): FailureDetails | undefined {
  const step = `Sub-orchestration '${request.name}' (task ${request.taskId} of instance '${request.instanceId}')`;
  if (request.depth + 1 > limits.maxSubOrchestrationDepth) {
    return failure(
      "maxSubOrchestrationDepth",
      limits,
      `${step} would run ${request.depth + 1} levels below its root instance; the limit is ${limits.maxSubOrchestrationDepth} (maxSubOrchestrationDepth; WEFT_MAX_SUBWORKFLOW_DEPTH on the server). A workflow that calls itself, directly or through other workflows, never stops: give the recursion an end, or raise the limit if this nesting is intended.`,
      true,
    );
  }
  if (request.started + 1 > limits.maxChildrenPerExecution) {
    return failure(
      "maxChildrenPerExecution",
      limits,
      `${step} would be the ${ordinal(request.started + 1)} sub-orchestration this execution starts; the limit is ${limits.maxChildrenPerExecution} (maxChildrenPerExecution; WEFT_MAX_CHILDREN_PER_EXECUTION on the server). Split the work over several instances, use continue-as-new for long loops (it starts a new count), or raise the limit.`,
      true,
    );
  }
  if (request.open + 1 > limits.maxOpenChildren) {
    // Retryable: once some children have finished there is room again, so a retry policy helps.
    return failure(
      "maxOpenChildren",
      limits,
      `${step} would be the ${ordinal(request.open + 1)} sub-orchestration of this instance running at once; the limit is ${limits.maxOpenChildren} (maxOpenChildren; WEFT_MAX_OPEN_CHILDREN on the server). Run fewer at once (a map's maxConcurrency), give the step a retry policy, or raise the limit.`,
      false,
    );
  }
  return undefined;
}

function failure(limit: keyof ChildLimits, limits: ChildLimits, message: string, nonRetryable: boolean): FailureDetails {
  const details: LimitDetails = { limit, value: limits[limit] };
  return { name: CHILD_LIMIT_ERRORS[limit], message, details, ...(nonRetryable ? { nonRetryable: true } : {}) };
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n.toLocaleString("en-US")}${suffix}`;
}
