import type { Task } from "@weft/engine";
import type { PlanNode } from "./plan.js";

// The interpreter's moving parts. A token walks the plan; a parallel forks it into one
// token per branch and its join merges them; a map runs one scope per item.

export interface Scope {
  /** Outputs of the nodes run in this scope (a map item's body has its own). */
  steps: Record<string, unknown>;
  parent?: Scope;
  item?: unknown;
  index?: number;
  mapRun?: MapRun;
}

/** One activation of a parallel: its branches' arrivals at the join. */
export interface Fork {
  id: number;
  parallelId: string;
  branches: number;
  arrived: Map<number, unknown>;
  done: boolean;
}

export interface Frame {
  fork: Fork;
  branch: number;
}

export interface Token {
  id: number;
  node: string;
  /** The previous node's output: the default input of the next node. */
  last: unknown;
  frames: Frame[];
  scope: Scope;
  alive: boolean;
  waiting?: Task<unknown>;
  onSettled?: (task: Task<unknown>) => Promise<void>;
  /** When it began its current wait, in the run's order of waits. */
  waitSeq?: number;
}

export interface MapRun {
  id: number;
  node: PlanNode;
  parent: Token;
  items: unknown[];
  results: unknown[];
  nextIndex: number;
  running: number;
  finished: number;
  maxConcurrency: number;
  tokens: Set<Token>;
  over: boolean;
}

export function innermostItem(scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun) return s;
  return undefined;
}

export function isInside(scope: Scope, run: MapRun): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun === run) return true;
  return false;
}

export function scopePath(scope: Scope): string {
  const parts: string[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.mapRun) parts.unshift(`${s.mapRun.id}.${s.index ?? 0}`);
  return parts.join("/");
}
