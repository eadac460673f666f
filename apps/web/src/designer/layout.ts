import type { XYPosition } from "@xyflow/react";
import type { WeftEdge, WeftNode } from "./mapping";
import { MAP_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./geometry";

// ELK is large: load it the first time a layout is asked for.
let elkPromise: Promise<{ layout(graph: unknown): Promise<unknown> }> | undefined;
function loadElk() {
  elkPromise ??= import("elkjs/lib/elk.bundled.js").then((m) => new m.default());
  return elkPromise;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "70",
  "elk.spacing.nodeNode": "36",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.crossingMinimization.semiInteractive": "true",
  "elk.edgeRouting": "ORTHOGONAL",
};

/** What the layout reads of a node and of an edge: the designer and the run pages pass their own. */
export type LayoutNode = Pick<WeftNode, "id" | "parentId" | "measured">;
export type LayoutEdge = Pick<WeftEdge, "id" | "source" | "target">;

interface ElkNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  children?: ElkNode[];
  edges?: { id: string; sources: string[]; targets: string[] }[];
  layoutOptions?: Record<string, string>;
}

/**
 * Lays the drawing out left to right with ELK's layered algorithm. A map's body is laid
 * out inside it (positions stay relative to the map); returns every node's new position.
 */
export async function autoLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: { aspectRatio?: number; mapPadding?: { top: number; side: number; bottom: number } } = {},
): Promise<Map<string, XYPosition>> {
  const mapPadding = options.mapPadding ?? MAP_PADDING;
  const byParent = new Map<string | undefined, LayoutNode[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentId) ?? [];
    list.push(node);
    byParent.set(node.parentId, list);
  }
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));

  const build = (node: LayoutNode): ElkNode => {
    const children = byParent.get(node.id);
    if (!children?.length) {
      return { id: node.id, width: node.measured?.width ?? NODE_WIDTH, height: node.measured?.height ?? NODE_HEIGHT };
    }
    return {
      id: node.id,
      children: children.map(build),
      edges: edgesWithin(node.id),
      layoutOptions: {
        ...LAYOUT_OPTIONS,
        "elk.padding": `[top=${mapPadding.top},left=${mapPadding.side},bottom=${mapPadding.bottom},right=${mapPadding.side}]`,
      },
    };
  };
  const edgesWithin = (parent: string | undefined) =>
    edges
      .filter(
        (e) => parentOf.get(e.source) === parent && parentOf.get(e.target) === parent && parentOf.has(e.source) && parentOf.has(e.target),
      )
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));

  const graph: ElkNode = {
    id: "root",
    layoutOptions: {
      ...LAYOUT_OPTIONS,
      "elk.padding": "[top=20,left=20,bottom=20,right=20]",
      // A long pipeline wraps into rows (each still left to right) to fit the canvas's shape.
      ...(options.aspectRatio
        ? {
            "elk.layered.wrapping.strategy": "MULTI_EDGE",
            "elk.aspectRatio": String(options.aspectRatio),
            "elk.layered.wrapping.additionalEdgeSpacing": "24",
          }
        : {}),
    },
    children: (byParent.get(undefined) ?? []).map(build),
    edges: edgesWithin(undefined),
  };
  const elk = await loadElk();
  const result = (await elk.layout(graph)) as ElkNode;
  const positions = new Map<string, XYPosition>();
  const collect = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
      collect(child);
    }
  };
  collect(result);
  return positions;
}
