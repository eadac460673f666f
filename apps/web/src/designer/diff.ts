import type { WorkflowDraft } from "@weft/client";

export type ChangeStatus = "added" | "removed" | "changed";

export interface ItemDiff {
  status: ChangeStatus;
  /** For a changed node or edge: the settings that differ ("input", "retry", "position" …). */
  keys: string[];
  /** For a changed node or edge: each differing setting's value before and after (undefined: not set). */
  values?: { key: string; before: unknown; after: unknown }[];
}

export interface DefinitionDiff {
  nodes: Map<string, ItemDiff>;
  edges: Map<string, ItemDiff>;
  /** Document fields that differ (name, trigger, inputSchema …). */
  document: string[];
}

/**
 * Compares two definitions by node and edge id. A node only moved is "changed" with
 * key "position" — shown, but kept apart from settings so it reads as a move.
 */
export function diffDefinitions(before: WorkflowDraft, after: WorkflowDraft): DefinitionDiff {
  const nodes = diffItems(items(before.nodes), items(after.nodes));
  const edges = diffItems(items(before.edges), items(after.edges));
  const skip = new Set(["nodes", "edges", "version"]);
  const document = changedKeys(before, after).filter((k) => !skip.has(k));
  return { nodes, edges, document };
}

type Item = Record<string, unknown> & { id: string };

/** The nodes or edges of a draft that have an id (a half-finished draft may hold anything). */
function items(list: readonly unknown[]): Item[] {
  return list.filter(
    (item): item is Item => typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string",
  );
}

function diffItems(before: readonly Item[], after: readonly Item[]): Map<string, ItemDiff> {
  const result = new Map<string, ItemDiff>();
  const old = new Map(before.map((i) => [i.id, i]));
  const now = new Map(after.map((i) => [i.id, i]));
  for (const [id, item] of now) {
    const previous = old.get(id);
    if (!previous) result.set(id, { status: "added", keys: [] });
    else {
      const keys = changedKeys(previous, item);
      if (keys.length)
        result.set(id, { status: "changed", keys, values: keys.map((key) => ({ key, before: previous[key], after: item[key] })) });
    }
  }
  for (const id of old.keys()) if (!now.has(id)) result.set(id, { status: "removed", keys: [] });
  return result;
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => k !== "id" && !deepEqual(a[k], b[k]));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
