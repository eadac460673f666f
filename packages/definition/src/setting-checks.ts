import { isRecord, type GraphNode } from "./graph.js";
import { nodeTitle, quote } from "./names.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";
import { closestMatch } from "./suggest.js";

// Checks of settings that several node kinds share (activity and sub-workflow both
// retry and both call something by name); each kind's module decides which apply.

const DEFAULT_FIRST_INTERVAL_MS = 1000;

/** The catalog's names as sets; a name check only runs when its set is given. */
export interface KnownNames {
  activities: ReadonlySet<string> | undefined;
  workflows: ReadonlySet<string> | undefined;
  /** Activity name → the input properties its schema requires (see ValidationCatalog.requiredInputs). */
  requiredInputs?: ReadonlyMap<string, readonly string[]> | undefined;
}

export function checkRetry(node: GraphNode, problems: Problem[]): void {
  const retry = node.raw.retry;
  if (!isRecord(retry) || typeof retry.maxIntervalMs !== "number") return;
  const explicitFirst = typeof retry.firstIntervalMs === "number";
  const first = explicitFirst ? (retry.firstIntervalMs as number) : DEFAULT_FIRST_INTERVAL_MS;
  if (retry.maxIntervalMs < first) {
    problems.push(
      errorProblem(
        ProblemCode.BadSetting,
        `${nodeTitle(node)}: retry.maxIntervalMs (${retry.maxIntervalMs}) is shorter than the first interval (${first} ms${
          explicitFirst ? "" : ", the default"
        }); raise maxIntervalMs or lower firstIntervalMs`,
        { nodeId: node.id },
      ),
    );
  }
}

/** Reports a called activity or workflow that is not among the known names, suggesting the closest. */
export function checkName(
  node: GraphNode,
  name: string,
  known: ReadonlySet<string>,
  what: "activity" | "workflow",
  problems: Problem[],
): void {
  if (known.has(name)) return;
  const subject = nodeTitle(node);
  const target = { nodeId: node.id };
  const suggestion = closestMatch(name, known);
  const hint =
    suggestion !== undefined
      ? `. Did you mean ${quote(suggestion)}?`
      : what === "activity"
        ? "; pick an activity from the catalog"
        : "; pick a workflow that exists";
  problems.push(
    what === "activity"
      ? errorProblem(ProblemCode.UnknownActivity, `${subject} calls ${quote(name)}, which is not in the catalog${hint}`, target)
      : errorProblem(ProblemCode.UnknownWorkflow, `${subject} calls workflow ${quote(name)}, which does not exist${hint}`, target),
  );
}
