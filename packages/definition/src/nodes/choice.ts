import { z } from "zod";
import { evaluateExpression } from "../expressions.js";
import { edgeTitle } from "../graph.js";
import { nodeRef, nodeTitle } from "../names.js";
import { NodeStatus } from "../node-observer.js";
import { EdgeKind, NodeType } from "../node-types.js";
import { errorProblem, ProblemCode } from "../problem.js";
import { nodeBaseShape } from "../schema-parts.js";
import { nodeName, WorkflowError } from "../workflow-error.js";
import type { NodeKind } from "./node-kind.js";

/**
 * Follows the first outgoing edge whose condition holds, else its default edge. Loops
 * close through a choice (cycles.ts checks that each one can exit).
 */
export const choiceNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Choice) });
export type ChoiceNode = z.infer<typeof choiceNodeSchema>;

export const choiceKind: NodeKind<"choice"> = {
  type: NodeType.Choice,
  branching: true,
  checkConditions(graph, node, outgoing, problems) {
    if (outgoing.length === 0) {
      problems.push(
        errorProblem(
          ProblemCode.BadSetting,
          `${nodeTitle(node)} has no outgoing edges; draw one edge per outcome, each with a condition, and one default`,
          { nodeId: node.id },
        ),
      );
      return;
    }
    let defaults = 0;
    for (const edge of outgoing) {
      const hasCondition = typeof edge.raw.condition === "string" && edge.raw.condition.trim() !== "";
      const isDefault = edge.raw.default === true;
      if (isDefault) defaults++;
      if (edge.kind !== EdgeKind.Next) continue; // reported as a kind that is not allowed
      if (!hasCondition && !isDefault) {
        problems.push(
          errorProblem(
            ProblemCode.BadSetting,
            `${edgeTitle(graph, edge)} leaves ${nodeRef(node)} without a condition; give it a condition (e.g. steps.approve.decision = "Approved") or make it the default`,
            { edgeId: edge.id },
          ),
        );
      } else if (hasCondition && isDefault) {
        problems.push(
          errorProblem(
            ProblemCode.BadSetting,
            `${edgeTitle(graph, edge)} leaving ${nodeRef(node)} has a condition and is also the default; the default is taken when no condition holds, so remove one of the two`,
            { edgeId: edge.id },
          ),
        );
      }
    }
    if (defaults > 1) {
      problems.push(
        errorProblem(ProblemCode.BadSetting, `${nodeTitle(node)} has ${defaults} default edges; keep one default`, { nodeId: node.id }),
      );
    }
  },
  planNextEdge(plan, edge) {
    if (edge.default) plan.defaultTarget = edge.target;
    else plan.choices.push({ edgeId: edge.id, condition: edge.condition ?? "false", target: edge.target });
  },
  async run(runtime, token, plan) {
    const scope = await runtime.context(token);
    for (const choice of plan.choices) {
      const matched = await evaluateExpression(choice.condition, scope, runtime.evalOptions());
      if (matched === true || (matched !== false && matched !== null && matched !== undefined && matched !== 0 && matched !== "")) {
        runtime.observe(plan.id, token.scope, NodeStatus.Succeeded, { edgeId: choice.edgeId });
        runtime.moveTo(token, choice.target, token.last);
        return;
      }
    }
    if (plan.defaultTarget) {
      runtime.observe(plan.id, token.scope, NodeStatus.Succeeded, { edgeId: "default" });
      runtime.moveTo(token, plan.defaultTarget, token.last);
      return;
    }
    throw new WorkflowError(
      "NoChoiceMatched",
      `No condition of choice '${nodeName(plan)}' matched and it has no default edge. Add a default edge or a condition that covers this case.`,
    );
  },
};
