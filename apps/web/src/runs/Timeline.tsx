import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { describeRow, fitView, panView, xToTime, zoomView, type TimeView } from "./timeline-layout";
import type { TimelineModel } from "./timeline-model";
import { AXIS_H, LABEL_W, MAX_HEIGHT, paintTimeline, ROW_H } from "./timeline-paint";
import { type TimelineDrag, useTimelinePointer } from "./timeline-pointer";
import { BarTip } from "./TimelineTip";

/**
 * The Gantt chart of a run, drawn on a canvas with culling (only the rows and bars in view
 * are painted), so 10,000 bars stay smooth. Wheel scrolls rows; Ctrl/⌘+wheel zooms around
 * the pointer; drag or Shift+wheel pans; hover shows a bar's input, result or error.
 */
export function Timeline({
  model,
  running,
  now: fixedNow,
  onSelectStep,
}: {
  model: TimelineModel;
  running: boolean;
  now?: number;
  /** A click on a row (not a drag) opens its step in the inspector. */
  onSelectStep?(nodeId: string): void;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrapRef);
  const [scrollTop, setScrollTop] = useState(0);
  const now = useFrameClock(running, fixedNow);
  const [view, setView] = useState<TimeView | undefined>();
  const [follow, setFollow] = useState(true);
  const [hover, setHover] = useState<{ bar: number; x: number; y: number } | undefined>();
  const drag = useRef<TimelineDrag | undefined>(undefined);

  const height = Math.min(MAX_HEIGHT, AXIS_H + Math.max(3, model.rows.length) * ROW_H + 2);
  const plotW = Math.max(50, width - LABEL_W);
  const contentEnd = running ? Math.max(model.end, now) : model.end;
  const effectiveView = view && !follow ? view : fitView(model.start, contentEnd);

  const maxScroll = Math.max(0, model.rows.length * ROW_H - (height - AXIS_H));
  const clampScroll = useCallback((v: number) => Math.max(0, Math.min(maxScroll, v)), [maxScroll]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    paintTimeline(canvas, { model, view: effectiveView, width, height, plotW, scrollTop, now, running, hoverBar: hover?.bar });
  }, [model, effectiveView, width, height, plotW, scrollTop, now, running, hover]);

  const onWheel = (e: React.WheelEvent) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    const px = rect ? e.clientX - rect.left - LABEL_W : plotW / 2;
    if (e.ctrlKey || e.metaKey) {
      const anchor = xToTime(Math.max(0, px), effectiveView, plotW);
      setFollow(false);
      setView(zoomView(effectiveView, e.deltaY > 0 ? 1.25 : 0.8, anchor));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const delta = e.shiftKey ? e.deltaY : e.deltaX;
      setFollow(false);
      setView(panView(effectiveView, (delta / plotW) * (effectiveView.to - effectiveView.from)));
    } else if (maxScroll > 0) {
      setScrollTop((s) => clampScroll(s + e.deltaY));
    }
  };

  useNoPageZoom(canvasRef, maxScroll);

  const { onPointerDown, onPointerMove, onPointerUp } = useTimelinePointer({
    canvasRef,
    drag,
    model,
    view: effectiveView,
    plotW,
    scrollTop,
    now,
    setHover,
    pan: (next) => {
      setFollow(false);
      setView(next);
    },
    onSelectStep,
  });

  const zoom = (factor: number) => {
    setFollow(false);
    setView(zoomView(effectiveView, factor, (effectiveView.from + effectiveView.to) / 2));
  };

  const hovered = hover ? model.bars[hover.bar] : undefined;
  const attempts = model.bars.filter((b) => b.kind === "attempt").length;
  const retries = model.bars.filter((b) => b.kind === "attempt" && (b.attempt ?? 1) > 1).length;

  return (
    <div className="timeline" ref={wrapRef} data-testid="timeline" data-bars={model.bars.length} data-retries={retries}>
      <TimelineTools
        rows={model.rows.length}
        attempts={attempts}
        retries={retries}
        zoom={zoom}
        follow={follow}
        fit={() => {
          setFollow(true);
          setView(undefined);
        }}
      />
      <div className="timeline-canvas-wrap" style={{ height }}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={`Timeline of ${model.rows.length} steps with ${attempts} attempts and ${retries} retries`}
          style={{ width: "100%", height }}
          onWheel={onWheel}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => {
            drag.current = undefined;
            setHover(undefined);
          }}
        />
        {hovered && hover && canvasRef.current ? (
          <BarTip bar={hovered} x={hover.x} y={hover.y} anchor={canvasRef.current.getBoundingClientRect()} now={now} />
        ) : null}
      </div>
      <RowSummaries model={model} onSelectStep={onSelectStep} />
    </div>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The counts, the legend and the zoom buttons above the chart. */
function TimelineTools({
  rows,
  attempts,
  retries,
  zoom,
  follow,
  fit,
}: {
  rows: number;
  attempts: number;
  retries: number;
  zoom(factor: number): void;
  /** True while the view follows the whole run (Fit has nothing to do). */
  follow: boolean;
  fit(): void;
}) {
  return (
    <div className="timeline-tools">
      <span className="muted">
        {plural(rows, "row")} · {plural(attempts, "attempt")}
        {retries ? ` · ${retries === 1 ? "1 retry" : `${retries} retries`}` : ""}
      </span>
      <span className="timeline-legend" aria-hidden="true">
        <i className="lg lg-running" /> running <i className="lg lg-succeeded" /> succeeded <i className="lg lg-failed" /> failed{" "}
        <i className="lg lg-retrying" /> backoff <i className="lg lg-waiting" /> timer / wait
      </span>
      <div className="timeline-zoom">
        <button type="button" className="btn btn-sm" onClick={() => zoom(0.5)} aria-label="Zoom the timeline in">
          +
        </button>
        <button type="button" className="btn btn-sm" onClick={() => zoom(2)} aria-label="Zoom the timeline out">
          −
        </button>
        <button type="button" className="btn btn-sm" onClick={fit} aria-label="Fit the whole run in the timeline" disabled={follow}>
          Fit
        </button>
      </div>
    </div>
  );
}

/** The moving "now" line: a frame clock while the run is live (about 20 fps is plenty). */
function useFrameClock(running: boolean, fixedNow: number | undefined): number {
  const [now, setNow] = useState(() => fixedNow ?? Date.now());
  useEffect(() => {
    if (!running || fixedNow !== undefined) return;
    let frame = 0;
    let last = 0;
    const tick = (t: number) => {
      if (t - last > 50) {
        last = t;
        setNow(Date.now());
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [running, fixedNow]);
  return now;
}

/** The element's width, followed as it resizes. */
function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(900);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth || 900);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** Ctrl+wheel must not zoom the page (nor a wheel over scrollable rows scroll it): a non-passive listener. */
function useNoPageZoom(ref: React.RefObject<HTMLCanvasElement | null>, maxScroll: number): void {
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const stop = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || maxScroll > 0) e.preventDefault();
    };
    canvas.addEventListener("wheel", stop, { passive: false });
    return () => canvas.removeEventListener("wheel", stop);
  }, [ref, maxScroll]);
}

/** The first 300 rows in words, for screen readers (the canvas is one image to them). */
function RowSummaries({ model, onSelectStep }: { model: TimelineModel; onSelectStep?: ((nodeId: string) => void) | undefined }) {
  const rowSummaries = useMemo(() => model.rows.slice(0, 300).map((_, i) => describeRow(model, i)), [model]);
  // For screen readers and the keyboard: each row's summary, and a button that opens its step.
  return (
    <ul className="sr-only timeline-rows" aria-label="Timeline rows">
      {rowSummaries.map((text, i) => {
        const row = model.rows[i];
        return (
          <li key={row?.key ?? i}>
            {onSelectStep && row ? (
              <button type="button" onClick={() => onSelectStep(row.nodeId)}>
                {text}
              </button>
            ) : (
              text
            )}
          </li>
        );
      })}
    </ul>
  );
}
