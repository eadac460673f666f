import type { PointerEvent, RefObject } from "react";
import { barAt, panView, xToTime, type TimeView } from "./timeline-layout";
import type { TimelineModel } from "./timeline-model";
import { AXIS_H, LABEL_W, ROW_H } from "./timeline-paint";

export interface TimelineDrag {
  x: number;
  view: TimeView;
  moved: boolean;
}

/**
 * The timeline canvas under the pointer: a drag pans the time axis, hovering finds the bar
 * under the pointer (for its tooltip), a click on a row (not a drag) opens its step.
 */
export function useTimelinePointer(options: {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  drag: { current: TimelineDrag | undefined };
  model: TimelineModel;
  view: TimeView;
  plotW: number;
  scrollTop: number;
  now: number;
  setHover(hover: { bar: number; x: number; y: number } | undefined): void;
  pan(view: TimeView): void;
  onSelectStep?: ((nodeId: string) => void) | undefined;
}) {
  const { canvasRef, drag, model, view, plotW, scrollTop, now, setHover, pan, onSelectStep } = options;
  const onPointerDown = (e: PointerEvent) => {
    drag.current = { x: e.clientX, view, moved: false };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return;
    const d = drag.current;
    if (d && Math.abs(e.clientX - d.x) > 2) {
      d.moved = true;
      pan(panView(d.view, -((e.clientX - d.x) / plotW) * (d.view.to - d.view.from)));
      setHover(undefined);
      return;
    }
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    if (px < LABEL_W || py < AXIS_H) return setHover(undefined);
    const row = Math.floor((py - AXIS_H + scrollTop) / ROW_H);
    const t = xToTime(px - LABEL_W, view, plotW);
    const slack = ((view.to - view.from) / plotW) * 3;
    const bar = barAt(model, row, t, now, slack);
    setHover(bar === undefined ? undefined : { bar, x: px, y: py });
  };
  const onPointerUp = (e: PointerEvent) => {
    const clicked = drag.current !== undefined && !drag.current.moved;
    drag.current = undefined;
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!clicked || !rect || !onSelectStep) return;
    const py = e.clientY - rect.top;
    if (py < AXIS_H) return;
    const row = model.rows[Math.floor((py - AXIS_H + scrollTop) / ROW_H)];
    if (row) onSelectStep(row.nodeId);
  };
  return { onPointerDown, onPointerMove, onPointerUp };
}
