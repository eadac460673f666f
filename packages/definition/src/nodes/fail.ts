import { z } from "zod";
import { NodeType } from "../node-types.js";
import { expression, nodeBaseShape, text } from "../schema-parts.js";
import { nodeName, WorkflowError } from "../workflow-error.js";
import type { NodeKind } from "./node-kind.js";

/** Fails the instance (or the enclosing map) with an error code and a message. */
export const failNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Fail),
  error: text('must be a non-empty error code, e.g. "OrderRejected"').optional(),
  message: expression().optional(),
});
export type FailNode = z.infer<typeof failNodeSchema>;

export const failKind: NodeKind<"fail"> = {
  type: NodeType.Fail,
  ends: "fails the instance",
  expressionFields: (raw) => [{ field: "message", source: raw.message }],
  async run(runtime, token, plan, node) {
    const message = node.message === undefined ? `The workflow failed at '${nodeName(plan)}'.` : await runtime.eval(node.message, token);
    throw new WorkflowError(node.error ?? "WorkflowFailed", typeof message === "string" ? message : JSON.stringify(message));
  },
};
