import { z } from "zod";
import { NodeStatus } from "../node-observer.js";
import { NodeType } from "../node-types.js";
import { expression, nodeBaseShape } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Completes the instance (or, inside a map's body, the item) with its output. */
export const endNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.End),
  output: expression().optional(),
});
export type EndNode = z.infer<typeof endNodeSchema>;

export const endKind: NodeKind<"end"> = {
  type: NodeType.End,
  ends: "ends the instance",
  expressionFields: (raw) => [{ field: "output", source: raw.output }],
  async run(runtime, token, plan, node) {
    const output = node.output === undefined ? token.last : await runtime.eval(node.output, token);
    runtime.setStep(token.scope, plan.id, output);
    runtime.observe(plan.id, token.scope, NodeStatus.Succeeded);
    runtime.endPath(token, output);
  },
};
