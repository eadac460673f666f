import { z } from "zod";
import { NodeType } from "../node-types.js";
import { nodeBaseShape } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Where every run begins; its output is the instance's input. */
export const startNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Start) });
export type StartNode = z.infer<typeof startNodeSchema>;

export const startKind: NodeKind<"start"> = {
  type: NodeType.Start,
  async run(runtime, token, plan) {
    runtime.succeed(token, plan, runtime.input);
  },
};
