import jsonata from "jsonata";
import type { GraphNode } from "./graph.js";
import { nodeTitle, quote } from "./names.js";
import { errorProblem, ProblemCode, warningProblem, type Problem } from "./problem.js";
import type { KnownNames } from "./setting-checks.js";

/**
 * The keys of an object written as `{ "key": expression, … }`, or undefined for any other
 * expression (a path, a function, a key computed at run time): what is known statically.
 */
export function constructedKeys(source: string): string[] | undefined {
  let ast: { type?: string; value?: unknown; lhs?: unknown } | undefined;
  try {
    ast = jsonata(source).ast() as typeof ast;
  } catch {
    return undefined; // the expression check reports it
  }
  if (ast?.type !== "unary" || ast.value !== "{" || !Array.isArray(ast.lhs)) return undefined;
  const keys: string[] = [];
  for (const pair of ast.lhs as unknown[]) {
    const key = Array.isArray(pair) ? (pair[0] as { type?: string; value?: unknown } | undefined) : undefined;
    if (key?.type !== "string" || typeof key.value !== "string") return undefined;
    keys.push(key.value);
  }
  return keys;
}

/**
 * An activity whose input is written as an object must give every property its input schema
 * requires: without one the activity refuses the input when it runs, after the steps before
 * it. (An input left empty passes the previous step's output on, which may have them: the
 * designer says what the step receives, nothing is reported.)
 */
export function checkRequiredInputs(node: GraphNode, known: KnownNames, problems: Problem[]): void {
  const activity = node.raw.activity;
  const input = node.raw.input;
  if (typeof activity !== "string" || typeof input !== "string" || input.trim() === "") return;
  const required = known.requiredInputs?.get(activity);
  if (!required?.length) return;
  const keys = constructedKeys(input);
  if (!keys) return;
  const missing = required.filter((key) => !keys.includes(key));
  if (missing.length === 0) return;
  const list = missing.map(quote).join(", ");
  problems.push(
    errorProblem(
      ProblemCode.BadSetting,
      `${nodeTitle(node)}: its input has no ${list}, which ${quote(activity)} requires — give ${missing.length > 1 ? "them" : "it"} a value in the input's fields`,
      { nodeId: node.id },
    ),
  );
}

/** A map over a list written as `[]` runs its body for nothing: the designer's placeholder, left as it was. */
export function checkMapItems(node: GraphNode, problems: Problem[]): void {
  const items = node.raw.items;
  if (typeof items !== "string" || items.replace(/\s+/g, "") !== "[]") return;
  problems.push(
    warningProblem(
      ProblemCode.BadSetting,
      `${nodeTitle(node)}: items is an empty list ([]), so its body never runs — write the expression that gives the list, e.g. input.orders`,
      { nodeId: node.id },
    ),
  );
}
