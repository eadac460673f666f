import type { ActivityInfo, JsonSchema } from "@weft/client";
import type { WeftEdge, WeftNode } from "./mapping";

/** Node types whose output is not a step result an expression reads. */
const NO_OUTPUT = new Set(["start", "end", "fail"]);

function propertiesOf(schema: JsonSchema | undefined): string[] {
  const properties = schema?.properties;
  return properties && typeof properties === "object" ? Object.keys(properties) : [];
}

/**
 * What an expression of `nodeId` can read, for autocomplete: `input` and the properties of
 * the workflow's input schema, `steps.<id>` of every step that runs before it (and the
 * properties of an activity's output schema), `item` and `index` inside a map's body.
 * Paths only — an expression can still be anything JSONata.
 */
export function expressionSuggestions(
  nodeId: string,
  nodes: readonly WeftNode[],
  edges: readonly WeftEdge[],
  inputSchema: JsonSchema | undefined,
  activities: ReadonlyMap<string, ActivityInfo>,
): string[] {
  const suggestions = ["input", ...propertiesOf(inputSchema).map((key) => `input.${key}`)];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // The steps before this one: walk the edges backwards (a map's body also sees what runs before its map).
  const before = new Set<string>();
  const queue = [nodeId];
  const node = byId.get(nodeId);
  if (node?.parentId) queue.push(node.parentId);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const edge of edges) {
      if (edge.target !== id || before.has(edge.source)) continue;
      before.add(edge.source);
      queue.push(edge.source);
      const parent = byId.get(edge.source)?.parentId;
      if (parent && !before.has(parent)) queue.push(parent);
    }
  }
  for (const id of before) {
    const step = byId.get(id);
    if (!step || NO_OUTPUT.has(step.type ?? "")) continue;
    suggestions.push(`steps.${id}`);
    const activity = step.type === "activity" ? activities.get(String(step.data.settings.activity ?? "")) : undefined;
    for (const key of propertiesOf(activity?.outputSchema)) suggestions.push(`steps.${id}.${key}`);
    if (step.type === "waitForEvent") suggestions.push(`steps.${id}.decision`, `steps.${id}.comment`);
  }
  if (node?.parentId) suggestions.push("item", "index");
  return suggestions;
}
