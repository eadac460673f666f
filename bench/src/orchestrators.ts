/** The orchestrators and activities of the scenarios, shared by scenario and worker processes. */
import type { ActivityFunction, OrchestrationContext, Orchestrator } from "@weft/engine";

function* sequential(ctx: OrchestrationContext, n: number) {
  for (let i = 0; i < n; i++) yield ctx.callActivity("noop", i);
  return n;
}

function* threeSteps(ctx: OrchestrationContext, input: number) {
  yield ctx.callActivity("noop", input);
  yield ctx.callActivity("noop", input);
  yield ctx.callActivity("noop", input);
  return input;
}

function* fanOutActivities(ctx: OrchestrationContext, n: number) {
  const results = (yield ctx.all(Array.from({ length: n }, (_, i) => ctx.callActivity("noop", i)))) as unknown[];
  return results.length;
}

function* child(ctx: OrchestrationContext, input: number) {
  yield ctx.callActivity("noop", input);
  return input;
}

function* fanOutChildren(ctx: OrchestrationContext, n: number) {
  const results = (yield ctx.all(Array.from({ length: n }, (_, i) => ctx.callSubOrchestrator("child", i)))) as unknown[];
  return results.length;
}

function* waiter(ctx: OrchestrationContext) {
  const payload: unknown = yield ctx.waitForEvent("go");
  return payload;
}

/** `n` steps, then wait for "go" (scenario 5: a long history to replay after a restart), then one more step. */
function* longThenWait(ctx: OrchestrationContext, n: number) {
  for (let i = 0; i < n; i++) yield ctx.callActivity("noop", i);
  yield ctx.waitForEvent("go");
  yield ctx.callActivity("noop", n);
  return n;
}

// Orchestrator<any, any>: each orchestrator types its own input.
export const orchestrators: Record<string, Orchestrator<any, any>> = {
  sequential,
  threeSteps,
  fanOutActivities,
  child,
  fanOutChildren,
  waiter,
  longThenWait,
};

export const activities: Record<string, ActivityFunction> = {
  noop: () => null,
};
