import { z } from "zod";
import { NodeType } from "../node-types.js";
import { expression, nodeBaseShape } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Sets the instance's custom status (what the runs list shows) from an expression. */
export const setStatusNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.SetStatus),
  status: expression(),
});
export type SetStatusNode = z.infer<typeof setStatusNodeSchema>;

export const setStatusKind: NodeKind<"setStatus"> = {
  type: NodeType.SetStatus,
  missingHints: { status: 'write an expression for the status, e.g. "Waiting for approval"' },
  expressionFields: (raw) => [{ field: "status", source: raw.status }],
  async run(runtime, token, plan, node) {
    const status = await runtime.eval(node.status, token);
    runtime.ctx.setCustomStatus(status);
    runtime.succeed(token, plan, status);
  },
};
