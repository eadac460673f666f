/**
 * The context an orchestrator function receives (`ctx`): a thin face over its executor,
 * which records every call as an action and replays it from history.
 */
import type { OrchestrationContext } from "./context.js";
import { guidFrom } from "./deterministic.js";
import type { ExecutorInit, ReplayExecutor } from "./executor.js";
import { WhenAllTask, WhenAnyTask } from "./tasks.js";

export function createContext(executor: ReplayExecutor, init: ExecutorInit): OrchestrationContext {
  const tags = Object.freeze({ ...(init.tags ?? {}) });
  return {
    instanceId: init.instanceId,
    executionId: init.executionId,
    name: init.name,
    parentInstanceId: init.parentInstanceId,
    tags,
    get isReplaying() {
      return executor.isReplaying;
    },
    now: () => new Date(executor.currentTime),
    newGuid: () => guidFrom(() => executor.nextRandom()),
    random: () => executor.nextRandom(),
    callActivity: (name, input, options) => executor.callActivity(name, input, options),
    callSubOrchestrator: (name, input, options) => executor.callSubOrchestrator(name, input, options),
    createTimer: (fireAt, options) => executor.createTimer(fireAt.getTime(), options),
    sleep: (delayMs, options) => executor.createTimer(executor.currentTime + delayMs, options),
    waitForEvent: (name, options) => executor.waitForEvent(name, options),
    all: (tasks) => new WhenAllTask(tasks),
    any: (tasks) => {
      if (tasks.length === 0) throw new TypeError("ctx.any() needs at least one task.");
      return new WhenAnyTask(tasks);
    },
    continueAsNew: (input) => executor.requestContinueAsNew(input),
    setCustomStatus: (status) => executor.setCustomStatus(status),
    sendEvent: (instanceId, name, payload) => {
      executor.schedule((id) => ({ kind: "SendEvent" as const, id, instanceId, name, input: payload }));
    },
  };
}
