import type { PlanNode } from "./plan.js";

/** A failure the workflow itself raises (a `fail` node, a visit limit, a bad expression value). */
export class WorkflowError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** How a run's messages name a node: its label, else its id. */
export function nodeName(plan: PlanNode): string {
  return plan.node.label?.trim() || plan.id;
}

/** A value as a message shows it: short, and "nothing" for undefined. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${typeof value} ${text.slice(0, 57)}…` : text;
}
