import type { Task } from "@weft/engine";
import { z } from "zod";
import type { GraphNode } from "../graph.js";
import { nodeTitle } from "../names.js";
import { NodeStatus } from "../node-observer.js";
import { NodeType } from "../node-types.js";
import { errorProblem, ProblemCode, type Problem } from "../problem.js";
import { durationMs, expression, nodeBaseShape } from "../schema-parts.js";
import { nodeName, WorkflowError } from "../workflow-error.js";
import type { NodeKind } from "./node-kind.js";

/** Waits for a duration, or until a time an expression gives. */
export const delayNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Delay),
  durationMs: durationMs().optional(),
  until: expression().optional().describe("Expression giving an ISO time to wait until."),
});
export type DelayNode = z.infer<typeof delayNodeSchema>;

export const delayKind: NodeKind<"delay"> = {
  type: NodeType.Delay,
  expressionFields: (raw) => [{ field: "until", source: raw.until }],
  checkSettings: (node, _known, problems) => checkDurationOrUntil(node, problems),
  async run(runtime, token, plan, node) {
    const ctx = runtime.ctx;
    let timer: Task<void>;
    if (node.durationMs !== undefined) {
      timer = ctx.sleep(node.durationMs, { tags: runtime.tags(plan, token) });
    } else {
      const until = await runtime.eval(node.until ?? "null", token);
      const at = typeof until === "number" ? until : typeof until === "string" ? Date.parse(until) : Number.NaN;
      if (!Number.isFinite(at)) {
        throw new WorkflowError(
          "BadDelay",
          `Delay '${nodeName(plan)}': "until" gave ${JSON.stringify(until)}, not an ISO time such as "2026-12-01T09:00:00Z".`,
        );
      }
      timer = ctx.createTimer(new Date(at), { tags: runtime.tags(plan, token) });
    }
    runtime.observe(plan.id, token.scope, NodeStatus.Waiting);
    runtime.wait(token, timer, async () => {
      runtime.succeed(token, plan, { firedAt: ctx.now().toISOString() });
    });
  },
};

// Both fields are optional in the schema, so a half-drawn delay still parses; it needs exactly one.
function checkDurationOrUntil(node: GraphNode, problems: Problem[]): void {
  const hasDuration = node.raw.durationMs !== undefined;
  const hasUntil = node.raw.until !== undefined;
  if (hasDuration === hasUntil) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        hasDuration
          ? `${nodeTitle(node)} has both durationMs and until; keep one of them`
          : `${nodeTitle(node)} needs durationMs (how long to wait) or until (an expression giving the time to wait until)`,
        { nodeId: node.id },
      ),
    );
  }
}
