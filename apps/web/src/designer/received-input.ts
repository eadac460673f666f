import type { WeftEdge, WeftNode } from "./mapping";
import { titleOf } from "../nodes/registry";

/**
 * What a step with no input of its own receives, in words: the previous step's output (the
 * run's input after Start, the error after an error edge), said with that step's name.
 * Undefined while no step leads to it.
 */
export function describeReceivedInput(nodeId: string, nodes: readonly WeftNode[], edges: readonly WeftEdge[]): string | undefined {
  const node = nodes.find((n) => n.id === nodeId);
  const incoming = edges.filter((e) => e.target === nodeId);
  if (incoming.length === 0) {
    // The first step inside a map's body gets the item.
    if (node?.parentId !== undefined) return "the map's current item";
    return undefined;
  }
  const from = incoming.map((edge) => {
    const source = nodes.find((n) => n.id === edge.source);
    const name = source ? nameOf(source) : edge.source;
    if (source?.type === "start") return "the run's input";
    const kind = edge.data?.settings.kind;
    if (kind === "error") return `the error of ${name}`;
    if (kind === "timeout") return `${name}'s timeout (\`{ "timedOut": true }\`)`;
    return `the output of ${name}`;
  });
  const unique = [...new Set(from)];
  return unique.length === 1 ? (unique[0] as string) : `whichever arrives: ${unique.join(", or ")}`;
}

function nameOf(node: WeftNode): string {
  const label = node.data.settings.label;
  return `'${typeof label === "string" && label.trim() !== "" ? label : titleOf(node.type ?? "")}'`;
}
