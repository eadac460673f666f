/** A node id from a base ("transcode", "transcode2", …) that no node in `taken` has; ids are plain words. */
export function uniqueNodeId(base: string, taken: Set<string>): string {
  const root = base.replace(/[^A-Za-z0-9_-]+/g, "") || "node";
  if (!taken.has(root)) return root;
  for (let i = 2; ; i++) if (!taken.has(`${root}${i}`)) return `${root}${i}`;
}

export function uniqueEdgeId(source: string, target: string, taken: Set<string>): string {
  return uniqueNodeId(`${source}-${target}`, taken);
}

/** Applies a settings patch: undefined deletes a key (so a cleared field leaves no trace in the JSON). */
export function patched(settings: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const next = { ...settings };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}
