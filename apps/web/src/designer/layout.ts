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

/** The zoom at which a drawing counts as readable without zooming in (labels of ~12 px at 0.75). */
export const READABLE_ZOOM = 0.75;
/** Vertical room between two rows of a wrapped drawing (ELK's wrapping adds about this). */
const ROW_GAP = 60;

/**
 * How many rows a drawing of `width` × `height` (laid out in one row) should wrap into to be
 * seen whole in `viewport`: one while that is readable; otherwise the fewest rows that are
 * (rows as long as the view allows keep the flow left to right), or, when none is, the count
 * that shows it largest.
 */
export function rowsFor(width: number, height: number, viewport: { width: number; height: number }): number {
  const zoomFor = (rows: number) => Math.min(viewport.width / (width / rows), viewport.height / (rows * height + (rows - 1) * ROW_GAP));
  if (zoomFor(1) >= READABLE_ZOOM) return 1;
  let best = 1;
  for (let rows = 2; rows <= 12; rows++) {
    if (zoomFor(rows) >= READABLE_ZOOM) return rows;
    if (zoomFor(rows) > zoomFor(best)) best = rows;
  }
  return best;
}

/**
 * Lays the drawing out left to right with ELK's layered algorithm. A map's body is laid
 * out inside it (positions stay relative to the map); returns every node's new position.
 * Given the `viewport` it will be seen in, a long drawing wraps into rows (each left to
 * right), as many as `rowsFor` says.
 */
export async function autoLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: { viewport?: { width: number; height: number }; mapPadding?: { top: number; side: number; bottom: number } } = {},
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

  const graph = (aspectRatio?: number): ElkNode => ({
    id: "root",
    layoutOptions: {
      ...LAYOUT_OPTIONS,
      "elk.padding": "[top=20,left=20,bottom=20,right=20]",
      // A long pipeline wraps into rows, each still left to right, about this wide for their height.
      ...(aspectRatio
        ? {
            "elk.layered.wrapping.strategy": "MULTI_EDGE",
            "elk.aspectRatio": String(aspectRatio),
            "elk.layered.wrapping.additionalEdgeSpacing": "24",
          }
        : {}),
    },
    children: (byParent.get(undefined) ?? []).map(build),
    edges: edgesWithin(undefined),
  });
  const elk = await loadElk();
  let result = (await elk.layout(graph())) as ElkNode;
  const width = result.width ?? 0;
  const height = result.height ?? 0;
  const rows = options.viewport && width > 0 && height > 0 ? rowsFor(width, height, options.viewport) : 1;
  if (rows > 1) result = (await elk.layout(graph(width / rows / (rows * height + (rows - 1) * ROW_GAP)))) as ElkNode;
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
