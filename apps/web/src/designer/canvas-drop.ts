import { useReactFlow } from "@xyflow/react";
import { useCallback, type DragEvent } from "react";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { NODE_HEIGHT, NODE_WIDTH } from "./geometry";
import type { WeftEdge, WeftNode } from "./mapping";
import { findMapAt } from "./map-drop";
import { PALETTE_MIME, type PaletteItemData } from "./palette-items";

/**
 * Dropping a palette item: a new node centred on a point of the screen, inside a map when
 * the point is on one. The canvas drops where the pointer is; the problems panel under it
 * drops just above itself, on the canvas (a drop there was lost).
 */
export function useCanvasDrop(): {
  onDragOver(event: DragEvent): void;
  /** Adds the dragged item at a point of the screen; false when the drag is not a palette item. */
  drop(event: DragEvent, at?: { x: number; y: number }): boolean;
} {
  const store = useDesignerStore();
  const readOnly = useDesigner((s) => s.readOnly);
  const flow = useReactFlow<WeftNode, WeftEdge>();

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const drop = useCallback(
    (event: DragEvent, at?: { x: number; y: number }): boolean => {
      const raw = event.dataTransfer.getData(PALETTE_MIME);
      if (!raw || readOnly) return false;
      event.preventDefault();
      const item = JSON.parse(raw) as PaletteItemData;
      const point = flow.screenToFlowPosition(at ?? { x: event.clientX, y: event.clientY });
      const position = { x: Math.round(point.x - NODE_WIDTH / 2), y: Math.round(point.y - NODE_HEIGHT / 2) };
      // Dropped on a map: it joins the map's body (positions inside are relative to the map).
      const map = item.type === "start" ? undefined : findMapAt(flow, store.getState().nodes, point);
      if (map) {
        const origin = flow.getInternalNode(map.id)?.internals.positionAbsolute ?? map.position;
        store.getState().addNode(item.type, {
          position: { x: position.x - origin.x, y: position.y - origin.y },
          parentId: map.id,
          settings: item.settings,
        });
      } else {
        store.getState().addNode(item.type, { position, settings: item.settings });
      }
      return true;
    },
    [flow, readOnly, store],
  );

  return { onDragOver, drop };
}
