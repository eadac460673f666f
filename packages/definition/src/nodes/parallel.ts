import { z } from "zod";
import { nodeTitle } from "../names.js";
import { NodeStatus } from "../node-observer.js";
import { NodeType } from "../node-types.js";
import { errorProblem, ProblemCode } from "../problem.js";
import { nodeBaseShape } from "../schema-parts.js";
import type { Fork } from "../tokens.js";
import type { NodeKind } from "./node-kind.js";

/** Runs every outgoing branch side by side; its join (join.ts) waits for them. */
export const parallelNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Parallel) });
export type ParallelNode = z.infer<typeof parallelNodeSchema>;

export const parallelKind: NodeKind<"parallel"> = {
  type: NodeType.Parallel,
  branching: true,
  checkBranches(node, outgoing, problems) {
    if (outgoing.length >= 2) return;
    problems.push(
      errorProblem(
        ProblemCode.UnmatchedParallel,
        `${nodeTitle(node)} has ${outgoing.length === 0 ? "no branches" : "only one branch"}; draw an edge for each of two or more branches to run side by side`,
        { nodeId: node.id },
      ),
    );
  },
  async run(runtime, token, plan) {
    runtime.setStep(token.scope, plan.id, token.last);
    runtime.observe(plan.id, token.scope, NodeStatus.Succeeded);
    const fork: Fork = { id: runtime.nextId(), parallelId: plan.id, branches: plan.next.length, arrived: new Map(), done: false };
    runtime.retire(token);
    plan.next.forEach((target, branch) => {
      runtime.spawn(target, token.last, [...token.frames, { fork, branch }], token.scope);
    });
  },
};
