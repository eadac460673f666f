import type { useReactFlow } from "@xyflow/react";
import { sizeMaps, type WeftEdge, type WeftNode } from "./mapping";

/** The map whose box holds a point of the flow (a drop or a drag there joins its body). */
export function findMapAt(
  flow: ReturnType<typeof useReactFlow<WeftNode, WeftEdge>>,
  nodes: readonly WeftNode[],
  point: { x: number; y: number },
) {
  const maps = sizeMaps(nodes as WeftNode[]).filter((n) => n.type === "map");
  return maps.find((m) => {
    const origin = flow.getInternalNode(m.id)?.internals.positionAbsolute ?? m.position;
    return point.x >= origin.x && point.y >= origin.y && point.x <= origin.x + (m.width ?? 0) && point.y <= origin.y + (m.height ?? 0);
  });
}
