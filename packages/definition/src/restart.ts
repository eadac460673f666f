import { type HistoryEvent, ReplayExecutor } from "@weft/engine";
import type { Plan } from "./compile.js";
import { interpret, type RestartSeed } from "./interpreter.js";

/**
 * The nodes a run can be restarted from: top-level nodes outside every parallel
 * block and map body, where one token carries the whole run (so the data it had
 * there is the run's whole state).
 */
export function restartPoints(plan: Plan): string[] {
  const depth = new Map<string, number>();
  const queue: [string, number][] = [[plan.start, 0]];
  while (queue.length > 0) {
    const [id, level] = queue.shift() as [string, number];
    if (depth.has(id)) continue;
    depth.set(id, level);
    const node = plan.nodes[id];
    if (!node) continue;
    const type = node.node.type;
    const after = type === "parallel" ? level + 1 : type === "join" ? level - 1 : level;
    const targets = [...node.next, ...node.choices.map((c) => c.target), node.defaultTarget, node.errorTarget, node.timeoutTarget];
    for (const target of targets) if (target && !depth.has(target)) queue.push([target, after]);
  }
  return [...depth.entries()]
    .filter(([id, level]) => level === 0 && plan.nodes[id]?.node.type !== "join" && !plan.nodes[id]?.scope)
    .map(([id]) => id);
}

export interface RestartSeedOptions {
  instanceId: string;
  tags?: Record<string, string>;
}

/**
 * What the run recorded in `history` had when it first entered `nodeId` — the
 * outputs of the steps before it, the variables, and the node's input — found by
 * replaying the history; undefined if the run never got there.
 */
export async function captureRestartSeed(
  plan: Plan,
  history: readonly HistoryEvent[],
  nodeId: string,
  options: RestartSeedOptions,
): Promise<RestartSeed | undefined> {
  let seed: RestartSeed | undefined;
  const started = history.find((e) => e.type === "ExecutionStarted");
  const executor = new ReplayExecutor({
    instanceId: options.instanceId,
    executionId: started?.executionId ?? "observed",
    name: plan.workflowId,
    orchestrator: interpret(plan, {
      onEnter: (entered, snapshot) => {
        if (entered === nodeId && !seed) seed = snapshot();
      },
    }),
    tags: options.tags ?? {},
  });
  await executor.apply(history, true);
  return seed;
}
