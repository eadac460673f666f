// Helpers for tests in this package and others (`@weft/definition/testing`): build
// small definitions without writing positions and edge ids by hand.

export interface NodeSpec {
  id: string;
  type: string;
  [setting: string]: unknown;
}

export interface EdgeSpec {
  id?: string;
  source: string;
  target: string;
  kind?: string;
  condition?: string;
  default?: boolean;
  [setting: string]: unknown;
}

export interface DefinitionSpec {
  id?: string;
  name?: string;
  nodes: NodeSpec[];
  edges: Array<EdgeSpec | [string, string]>;
  [field: string]: unknown;
}

/**
 * A definition document from node and edge specs: nodes get positions left to right,
 * edges given as `[source, target]` or without an id get one.
 *
 * @example
 * definitionOf({
 *   nodes: [{ id: 'start', type: 'start' }, { id: 'echo', type: 'activity', activity: 'util.echo' }],
 *   edges: [['start', 'echo']],
 * });
 */
export function definitionOf(spec: DefinitionSpec): Record<string, unknown> {
  const { nodes, edges, ...fields } = spec;
  return {
    id: "test-workflow",
    name: "Test workflow",
    trigger: { type: "manual" },
    ...fields,
    nodes: nodes.map((node, index) => ({ position: { x: index * 220, y: 0 }, ...node })),
    edges: edges.map((edge, index) => {
      const full: EdgeSpec = Array.isArray(edge) ? { source: edge[0], target: edge[1] } : edge;
      return { id: full.id ?? `e${index + 1}-${full.source}-${full.target}`, ...full };
    }),
  };
}

/** `start → …steps → end`, with each step an activity calling `util.echo` unless given. */
export function chainOf(...steps: Array<string | NodeSpec>): Record<string, unknown> {
  const middle = steps.map((step) => (typeof step === "string" ? { id: step, type: "activity", activity: "util.echo" } : step));
  const nodes: NodeSpec[] = [{ id: "start", type: "start" }, ...middle, { id: "end", type: "end" }];
  const edges: Array<[string, string]> = [];
  for (let index = 1; index < nodes.length; index++) {
    edges.push([(nodes[index - 1] as NodeSpec).id, (nodes[index] as NodeSpec).id]);
  }
  return definitionOf({ nodes, edges });
}

export { formsIn, secretForms } from "./secret-forms.js";
