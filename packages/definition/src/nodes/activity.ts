import type { RetryPolicy as EngineRetryPolicy } from "@weft/engine";
import { z } from "zod";
import { NodeType } from "../node-types.js";
import { durationMs, expression, nodeBaseShape, retryPolicySchema, text } from "../schema-parts.js";
import { checkRequiredInputs } from "../input-checks.js";
import { checkName, checkRetry } from "../setting-checks.js";
import type { NodeKind } from "./node-kind.js";

/** Calls an activity from the catalog, with retries and a time limit per attempt. */
export const activityNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Activity),
  activity: text('must name an activity from the catalog, e.g. "util.echo"').describe("Catalog name of the activity."),
  input: expression().optional().describe("Expression giving the activity's input (default: the previous node's output)."),
  retry: retryPolicySchema.optional(),
  timeoutMs: durationMs().optional().describe("Time allowed for each attempt."),
});
export type ActivityNode = z.infer<typeof activityNodeSchema>;

export const activityKind: NodeKind<"activity"> = {
  type: NodeType.Activity,
  errorEdge: true,
  missingHints: { activity: 'pick the activity to run from the catalog, e.g. "util.echo"' },
  expressionFields: (raw) => [{ field: "input", source: raw.input }],
  checkSettings(node, known, problems) {
    checkRetry(node, problems);
    checkRequiredInputs(node, known, problems);
    if (known.activities !== undefined && typeof node.raw.activity === "string" && node.raw.activity.trim() !== "") {
      checkName(node, node.raw.activity, known.activities, "activity", problems);
    }
  },
  async run(runtime, token, plan, node) {
    const input = node.input === undefined ? token.last : await runtime.eval(node.input, token);
    const task = runtime.ctx.callActivity(node.activity, input, {
      ...(node.retry ? { retry: node.retry as EngineRetryPolicy } : {}),
      ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
      tags: runtime.tags(plan, token),
    });
    runtime.wait(token, task, async (done) => {
      if (done.isFailed) await runtime.nodeFailed(token, plan, done.error);
      else runtime.succeed(token, plan, done.result);
    });
  },
};
