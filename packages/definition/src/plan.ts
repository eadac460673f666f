import type { WorkflowNode } from "./schema.js";

/**
 * The executable form of a valid definition: every node with its outgoing edges
 * sorted by kind, so the interpreter never searches the edge list. Plain JSON,
 * so a server may cache or ship it.
 */
export interface Plan {
  workflowId: string;
  name: string;
  /** The published version this plan was compiled from (0 for a draft). */
  version: number;
  start: string;
  nodes: Record<string, PlanNode>;
}

export interface PlanNode {
  id: string;
  /** The node as drawn: type and settings. */
  node: WorkflowNode;
  /** Targets of `next` edges in edge order: a parallel's branches, or the one next node. */
  next: string[];
  /** A choice's conditional edges in edge order, then (separately) its default. */
  choices: { edgeId: string; condition: string; target: string }[];
  defaultTarget?: string;
  errorTarget?: string;
  timeoutTarget?: string;
  /** The map whose body holds this node. */
  scope?: string;
  /** For a map: its body's entry node. */
  bodyEntry?: string;
}

export function outgoingTargets(node: PlanNode): string[] {
  const targets = [...node.next, ...node.choices.map((c) => c.target)];
  if (node.defaultTarget) targets.push(node.defaultTarget);
  if (node.errorTarget) targets.push(node.errorTarget);
  if (node.timeoutTarget) targets.push(node.timeoutTarget);
  return targets;
}
