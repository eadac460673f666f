import type { OrchestrationContext, RetryPolicy as EngineRetryPolicy } from "@weft/engine";
import { z } from "zod";
import { NodeType } from "../node-types.js";
import type { PlanNode } from "../plan.js";
import {
  expression,
  nodeBaseShape,
  retryPolicySchema,
  wholeNumberAtLeast,
  WORKFLOW_ID_PATTERN,
  WORKFLOW_ID_PHRASE,
} from "../schema-parts.js";
import { taggedSubWorkflowVersion, versionTag } from "../instance-tags.js";
import { checkName, checkRetry } from "../setting-checks.js";
import { nodeName, WorkflowError } from "../workflow-error.js";
import type { NodeKind } from "./node-kind.js";

/** Tag key prefix under which a parent records the sub-workflow versions resolved at its start. */
export { SUB_WORKFLOW_TAG_PREFIX } from "../instance-tags.js";

/** Runs another published workflow as a child instance and takes its output. */
export const subWorkflowNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.SubWorkflow),
  workflow: z.string({ error: WORKFLOW_ID_PHRASE }).regex(WORKFLOW_ID_PATTERN, { error: WORKFLOW_ID_PHRASE }),
  version: z.union([wholeNumberAtLeast(1), z.literal("latest")], { error: 'must be a version number ≥ 1 or "latest"' }).optional(),
  input: expression().optional(),
  retry: retryPolicySchema.optional(),
});
export type SubWorkflowNode = z.infer<typeof subWorkflowNodeSchema>;

export const subWorkflowKind: NodeKind<"subWorkflow"> = {
  type: NodeType.SubWorkflow,
  errorEdge: true,
  missingHints: { workflow: 'give the id of the workflow to run, e.g. "order-processing"' },
  expressionFields: (raw) => [{ field: "input", source: raw.input }],
  checkSettings(node, known, problems) {
    checkRetry(node, problems);
    if (known.workflows !== undefined && typeof node.raw.workflow === "string" && node.raw.workflow !== "") {
      checkName(node, node.raw.workflow, known.workflows, "workflow", problems);
    }
  },
  async run(runtime, token, plan, node) {
    const input = node.input === undefined ? token.last : await runtime.eval(node.input, token);
    const version = subWorkflowVersion(runtime.ctx, plan, node);
    const task = runtime.ctx.callSubOrchestrator(node.workflow, input, {
      ...(node.retry ? { retry: node.retry as EngineRetryPolicy } : {}),
      tags: runtime.tags(plan, token),
      instanceTags: versionTag(version),
    });
    runtime.wait(token, task, async (done) => {
      if (done.isFailed) await runtime.nodeFailed(token, plan, done.error);
      else runtime.succeed(token, plan, done.result);
    });
  },
};

// "latest" is resolved once, when the parent starts (and recorded in its tags), so a replay
// calls the same version even after a newer one is published.
function subWorkflowVersion(ctx: OrchestrationContext, plan: PlanNode, node: SubWorkflowNode): number {
  if (typeof node.version === "number") return node.version;
  const resolved = taggedSubWorkflowVersion(ctx.tags, plan.id);
  if (resolved === undefined) {
    throw new WorkflowError(
      "UnresolvedSubWorkflow",
      `Sub-workflow '${nodeName(plan)}' asks for the latest version of '${node.workflow}', but no version was resolved when this instance started. Publish '${node.workflow}' and start the instance again.`,
    );
  }
  return resolved;
}
