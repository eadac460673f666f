import type { Tags } from "@weft/engine";
import { z } from "zod";
import { isRecord, type GraphNode } from "../graph.js";
import { nodeTitle, quote } from "../names.js";
import { NodeStatus } from "../node-observer.js";
import { NodeType } from "../node-types.js";
import { errorProblem, ProblemCode, type Problem } from "../problem.js";
import { approvalSchema, durationMs, nodeBaseShape, text } from "../schema-parts.js";
import type { NodeKind } from "./node-kind.js";

/** Waits for a named event (an approval is one, with buttons); may time out to its timeout edge. */
export const waitForEventNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.WaitForEvent),
  event: text('must name the event to wait for, e.g. "OrderApprovalResult"'),
  timeoutMs: durationMs().optional(),
  approval: approvalSchema.optional(),
});
export type WaitForEventNode = z.infer<typeof waitForEventNodeSchema>;

export const waitForEventKind: NodeKind<"waitForEvent"> = {
  type: NodeType.WaitForEvent,
  timeoutEdge: true,
  missingHints: { event: 'name the event to wait for, e.g. "OrderApprovalResult"' },
  checkSettings: (node, _known, problems) => checkApproval(node, problems),
  async run(runtime, token, plan, node) {
    const tags: Tags = runtime.tags(plan, token);
    if (node.approval) tags.approval = { title: node.approval.title, choices: node.approval.choices };
    const task = runtime.ctx.waitForEvent(node.event, {
      ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
      tags,
    });
    runtime.observe(plan.id, token.scope, NodeStatus.Waiting);
    runtime.wait(token, task, async (done) => {
      if (done.isCompleted) {
        runtime.succeed(token, plan, done.result);
        return;
      }
      if (done.error?.name === "TimeoutError") {
        const output = { timedOut: true };
        runtime.setStep(token.scope, plan.id, output);
        if (plan.timeoutTarget) {
          runtime.observe(plan.id, token.scope, NodeStatus.Succeeded, { timedOut: true });
          runtime.moveTo(token, plan.timeoutTarget, output);
          return;
        }
      }
      await runtime.nodeFailed(token, plan, done.error);
    });
  },
};

// Each choice becomes a button whose text is the event's payload, so two equal ones could not be told apart.
function checkApproval(node: GraphNode, problems: Problem[]): void {
  const approval = node.raw.approval;
  if (!isRecord(approval) || !Array.isArray(approval.choices)) return;
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const choice of approval.choices) {
    if (typeof choice !== "string") continue;
    if (seen.has(choice)) repeated.add(choice);
    seen.add(choice);
  }
  if (repeated.size > 0) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)}: approval.choices lists ${[...repeated].map(quote).join(", ")} more than once; each choice is one button, so give every choice its own name`,
        { nodeId: node.id },
      ),
    );
  }
}
