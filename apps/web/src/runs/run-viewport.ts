import { RUN_NODE_HEIGHT, RUN_NODE_WIDTH } from "./run-geometry";
import type { RunNode } from "./run-graph";

/** Where the run's drawing is looked at from: fit when readable, else a readable zoom on the step that matters. */

/** Below this zoom the labels are unreadable: wrap the drawing into rows, or show part of it. */
export const MIN_READABLE_ZOOM = 0.8;
/** The margin kept around the drawing, in screen pixels. */
export const PAD = 24;

export function boundsOf(nodes: readonly RunNode[]): { x: number; y: number; width: number; height: number } {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    if (n.parentId) continue;
    const w = Number(n.style?.width ?? RUN_NODE_WIDTH);
    const h = Number(n.style?.height ?? RUN_NODE_HEIGHT);
    x1 = Math.min(x1, n.position.x);
    y1 = Math.min(y1, n.position.y);
    x2 = Math.max(x2, n.position.x + w);
    y2 = Math.max(y2, n.position.y + h);
  }
  return Number.isFinite(x1) ? { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } : { x: 0, y: 0, width: 1, height: 1 };
}

export const fitZoom = (b: { width: number; height: number }, size: { width: number; height: number }) =>
  Math.min((size.width - 2 * PAD) / b.width, (size.height - 2 * PAD) / b.height, 1);

/** Where a node is on the canvas (a map body's node is placed relative to its map). */
function absolute(nodes: readonly RunNode[], node: RunNode): { x: number; y: number } {
  const parent = node.parentId ? nodes.find((n) => n.id === node.parentId) : undefined;
  if (!parent) return node.position;
  const p = absolute(nodes, parent);
  return { x: p.x + node.position.x, y: p.y + node.position.y };
}

/**
 * The view: everything, when it fits at a readable zoom; otherwise the readable zoom,
 * centred on the step that matters (running, waiting, retrying or failed), or the start.
 */
export function viewportFor(
  nodes: readonly RunNode[],
  size: { width: number; height: number },
  focus: string | undefined,
): { x: number; y: number; zoom: number } {
  const b = boundsOf(nodes);
  const fit = fitZoom(b, size);
  if (fit >= MIN_READABLE_ZOOM) {
    return { x: (size.width - b.width * fit) / 2 - b.x * fit, y: (size.height - b.height * fit) / 2 - b.y * fit, zoom: fit };
  }
  const zoom = Math.max(MIN_READABLE_ZOOM, Math.min((size.height - 2 * PAD) / b.height, 1));
  const target = focus ? nodes.find((n) => n.id === focus) : undefined;
  const at = target ? absolute(nodes, target) : undefined;
  const span = (lo: number, hi: number, wanted: number) => Math.min(lo, Math.max(hi, wanted));
  const x = span(
    PAD - b.x * zoom,
    size.width - PAD - (b.x + b.width) * zoom,
    at ? size.width / 2 - (at.x + RUN_NODE_WIDTH / 2) * zoom : PAD - b.x * zoom,
  );
  const y =
    b.height * zoom <= size.height - 2 * PAD
      ? (size.height - b.height * zoom) / 2 - b.y * zoom
      : span(
          PAD - b.y * zoom,
          size.height - PAD - (b.y + b.height) * zoom,
          at ? size.height / 2 - (at.y + RUN_NODE_HEIGHT / 2) * zoom : PAD - b.y * zoom,
        );
  return { x, y, zoom };
}
