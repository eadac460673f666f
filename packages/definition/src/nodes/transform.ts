import { z } from "zod";
import { isRecord } from "../graph.js";
import { NodeType } from "../node-types.js";
import { expression, nodeBaseShape, variableNameSchema } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Sets run variables (`vars.<name>`) from expressions; its output is what it set. */
export const transformNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Transform),
  assign: z
    .record(variableNameSchema, expression(), { error: 'must be an object of { "name": "expression" }' })
    .describe("Sets vars.<name> to each expression."),
});
export type TransformNode = z.infer<typeof transformNodeSchema>;

export const transformKind: NodeKind<"transform"> = {
  type: NodeType.Transform,
  missingHints: { assign: 'give the variables to set, e.g. { "total": "$sum(input.items.price)" }' },
  expressionFields: (raw) =>
    isRecord(raw.assign) ? Object.entries(raw.assign).map(([name, source]) => ({ field: `assign.${name}`, source })) : [],
  async run(runtime, token, plan, node) {
    const assigned: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(node.assign)) {
      const value = await runtime.eval(expression, token);
      assigned[name] = value;
      runtime.vars[name] = value;
    }
    runtime.succeed(token, plan, assigned);
  },
};
