import { z } from "zod";
import { NodeStatus } from "../node-observer.js";
import { JoinMode, NodeType } from "../node-types.js";
import { nodeBaseShape } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Closes a parallel: waits for all its branches (mode "all") or takes the first (mode "any"). */
export const joinNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Join),
  mode: z.enum([JoinMode.All, JoinMode.Any], { error: 'must be "all" or "any"' }).optional(),
});
export type JoinNode = z.infer<typeof joinNodeSchema>;

export const joinKind: NodeKind<"join"> = {
  type: NodeType.Join,
  async run(runtime, token, plan, node) {
    const frame = token.frames.at(-1);
    runtime.retire(token);
    if (!frame || frame.fork.done) return;
    const { fork } = frame;
    fork.arrived.set(frame.branch, token.last);
    const all = (node.mode ?? "all") === "all";
    if (all && fork.arrived.size < fork.branches) {
      runtime.observe(plan.id, token.scope, NodeStatus.Waiting);
      return;
    }
    fork.done = true;
    const output = all ? Array.from({ length: fork.branches }, (_, i) => fork.arrived.get(i)) : token.last;
    if (!all) runtime.cancel((t) => t.frames.some((f) => f.fork === fork));
    // The continuation token stands on the join itself: it has run, so count it once.
    const next = runtime.continueFrom(plan.id, output, token.frames.slice(0, -1), token.scope);
    runtime.succeed(next, plan, output);
  },
};
