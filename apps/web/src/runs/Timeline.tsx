import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { formatElapsed, shortJson } from "./status";
import { axisTicks, barAt, describeRow, fitView, panView, timeToX, visibleRows, xToTime, zoomView, type TimeView } from "./timeline-layout";
import type { TimelineBar, TimelineModel } from "./timeline-model";

const ROW_H = 24;
const AXIS_H = 26;
const LABEL_W = 200;
const MAX_HEIGHT = 380;

interface Palette {
  text: string;
  muted: string;
  border: string;
  surface: string;
  surface2: string;
  now: string;
  status: Record<string, string>;
}

function readPalette(el: HTMLElement): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v("--text", "#1b1f27"),
    muted: v("--text-muted", "#5a6270"),
    border: v("--border", "#d5d9e0"),
    surface: v("--surface", "#fff"),
    surface2: v("--surface-2", "#f0f2f5"),
    now: v("--danger", "#c62828"),
    status: {
      running: v("--state-running", "#3b5bdb"),
      waiting: v("--state-waiting", "#b26a00"),
      retrying: v("--state-retrying", "#d9480f"),
      succeeded: v("--state-succeeded", "#1f7a3d"),
      failed: v("--state-failed", "#c62828"),
      cancelled: v("--state-cancelled", "#868e96"),
    },
  };
}

/**
 * The Gantt chart of a run, drawn on a canvas with culling (only the rows and bars in view
 * are painted), so 10,000 bars stay smooth. Wheel scrolls rows; Ctrl/⌘+wheel zooms around
 * the pointer; drag or Shift+wheel pans; hover shows a bar's input, result or error.
 */
export function Timeline({ model, running, now: fixedNow }: { model: TimelineModel; running: boolean; now?: number }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(900);
  const [scrollTop, setScrollTop] = useState(0);
  const [now, setNow] = useState(() => fixedNow ?? Date.now());
  const [view, setView] = useState<TimeView | undefined>();
  const [follow, setFollow] = useState(true);
  const [hover, setHover] = useState<{ bar: number; x: number; y: number } | undefined>();
  const drag = useRef<{ x: number; view: TimeView; moved: boolean } | undefined>(undefined);

  const height = Math.min(MAX_HEIGHT, AXIS_H + Math.max(3, model.rows.length) * ROW_H + 2);
  const plotW = Math.max(50, width - LABEL_W);
  const contentEnd = running ? Math.max(model.end, now) : model.end;
  const effectiveView = view && !follow ? view : fitView(model.start, contentEnd);

  // The moving "now" line: a frame clock while the run is live (about 20 fps is plenty).
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

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth || 900);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const maxScroll = Math.max(0, model.rows.length * ROW_H - (height - AXIS_H));
  const clampScroll = useCallback((v: number) => Math.max(0, Math.min(maxScroll, v)), [maxScroll]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext?.("2d");
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const p = readPalette(canvas);
    ctx.clearRect(0, 0, width, height);
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const x = (t: number) => LABEL_W + timeToX(t, effectiveView, plotW);

    // Axis.
    const { ticks } = axisTicks(effectiveView, Math.max(3, Math.floor(plotW / 110)));
    ctx.fillStyle = p.surface2;
    ctx.fillRect(0, 0, width, AXIS_H);
    ctx.strokeStyle = p.border;
    ctx.fillStyle = p.muted;
    for (const t of ticks) {
      const tx = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(tx, AXIS_H - 6);
      ctx.lineTo(tx, height);
      ctx.globalAlpha = 0.35;
      ctx.stroke();
      ctx.globalAlpha = 1;
      const nearNow = running && Math.abs(x(t) - x(now)) < 60;
      if (t >= model.start && !nearNow) ctx.fillText(`+${formatElapsed(t - model.start)}`, tx + 3, AXIS_H / 2);
    }

    // Rows in view only.
    const [first, last] = visibleRows(scrollTop, height - AXIS_H, ROW_H, model.rows.length);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, width, height - AXIS_H);
    ctx.clip();
    for (let r = first; r < last; r++) {
      const row = model.rows[r];
      if (!row) continue;
      const y = AXIS_H + r * ROW_H - scrollTop;
      if (r % 2 === 1) {
        ctx.fillStyle = p.surface2;
        ctx.globalAlpha = 0.5;
        ctx.fillRect(0, y, width, ROW_H);
        ctx.globalAlpha = 1;
      }
      for (const i of model.byRow[r] ?? []) {
        const bar = model.bars[i] as TimelineBar;
        const end = bar.end ?? Math.max(bar.start, now);
        if (end < effectiveView.from || bar.start > effectiveView.to) continue;
        const x0 = Math.max(LABEL_W, x(bar.start));
        const x1 = Math.min(width, x(end));
        const w = Math.max(2, x1 - x0);
        const color = p.status[bar.status] ?? p.muted;
        const inset = bar.kind === "span" ? 9 : bar.kind === "attempt" || bar.kind === "sub" ? 4 : 7;
        if (bar.kind === "backoff" || bar.kind === "timer" || bar.kind === "wait") {
          // Waiting is hatched/outlined, so backoff gaps read as gaps between attempts.
          ctx.strokeStyle = color;
          ctx.setLineDash(bar.kind === "backoff" ? [3, 3] : []);
          ctx.strokeRect(x0 + 0.5, y + inset + 0.5, w - 1, ROW_H - inset * 2 - 1);
          ctx.setLineDash([]);
          ctx.fillStyle = color;
          ctx.globalAlpha = 0.18;
          ctx.fillRect(x0, y + inset, w, ROW_H - inset * 2);
          ctx.globalAlpha = 1;
          if (bar.end === null && bar.due !== undefined && bar.due > end) {
            ctx.globalAlpha = 0.35;
            ctx.setLineDash([2, 4]);
            ctx.strokeRect(x1 + 0.5, y + inset + 0.5, Math.max(1, Math.min(width, x(bar.due)) - x1), ROW_H - inset * 2 - 1);
            ctx.setLineDash([]);
            ctx.globalAlpha = 1;
          }
        } else {
          ctx.fillStyle = color;
          ctx.globalAlpha = bar.kind === "span" ? 0.45 : 0.9;
          ctx.fillRect(x0, y + inset, w, ROW_H - inset * 2);
          ctx.globalAlpha = 1;
          if (bar.kind === "attempt" && w > 26 && (bar.attempt ?? 1) > 0) {
            ctx.fillStyle = p.surface;
            ctx.fillText(`#${bar.attempt ?? 1}`, x0 + 4, y + ROW_H / 2);
          }
        }
        if (hover?.bar === i) {
          ctx.strokeStyle = p.text;
          ctx.lineWidth = 1.5;
          ctx.strokeRect(x0 - 1, y + inset - 1, w + 2, ROW_H - inset * 2 + 2);
          ctx.lineWidth = 1;
        }
      }
      // Labels on top, on their own column.
      ctx.fillStyle = p.surface;
      ctx.fillRect(0, y, LABEL_W, ROW_H);
      ctx.fillStyle = row.depth ? p.muted : p.text;
      const label = row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label;
      ctx.fillText(label, 8 + row.depth * 14, y + ROW_H / 2);
    }
    ctx.restore();
    ctx.strokeStyle = p.border;
    ctx.beginPath();
    ctx.moveTo(LABEL_W + 0.5, 0);
    ctx.lineTo(LABEL_W + 0.5, height);
    ctx.stroke();

    if (running) {
      const nx = Math.round(x(now)) + 0.5;
      if (nx >= LABEL_W && nx <= width) {
        ctx.strokeStyle = p.now;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(nx, 0);
        ctx.lineTo(nx, height);
        ctx.stroke();
        ctx.lineWidth = 1;
        ctx.fillStyle = p.now;
        ctx.fillText("now", Math.min(nx + 3, width - 26), AXIS_H / 2);
      }
    }
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

  // Ctrl+wheel must not zoom the page: a non-passive listener.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const stop = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || maxScroll > 0) e.preventDefault();
    };
    canvas.addEventListener("wheel", stop, { passive: false });
    return () => canvas.removeEventListener("wheel", stop);
  }, [maxScroll]);

  const onPointerDown = (e: React.PointerEvent) => {
    drag.current = { x: e.clientX, view: effectiveView, moved: false };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return;
    const d = drag.current;
    if (d && Math.abs(e.clientX - d.x) > 2) {
      d.moved = true;
      setFollow(false);
      setView(panView(d.view, -((e.clientX - d.x) / plotW) * (d.view.to - d.view.from)));
      setHover(undefined);
      return;
    }
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    if (px < LABEL_W || py < AXIS_H) return setHover(undefined);
    const row = Math.floor((py - AXIS_H + scrollTop) / ROW_H);
    const t = xToTime(px - LABEL_W, effectiveView, plotW);
    const slack = ((effectiveView.to - effectiveView.from) / plotW) * 3;
    const bar = barAt(model, row, t, now, slack);
    setHover(bar === undefined ? undefined : { bar, x: px, y: py });
  };
  const onPointerUp = () => {
    drag.current = undefined;
  };

  const zoom = (factor: number) => {
    setFollow(false);
    setView(zoomView(effectiveView, factor, (effectiveView.from + effectiveView.to) / 2));
  };

  const hovered = hover ? model.bars[hover.bar] : undefined;
  const rowSummaries = useMemo(() => model.rows.slice(0, 300).map((_, i) => describeRow(model, i)), [model]);
  const attempts = model.bars.filter((b) => b.kind === "attempt").length;
  const retries = model.bars.filter((b) => b.kind === "attempt" && (b.attempt ?? 1) > 1).length;

  return (
    <div className="timeline" ref={wrapRef} data-testid="timeline" data-bars={model.bars.length} data-retries={retries}>
      <div className="timeline-tools">
        <span className="muted">
          {plural(model.rows.length, "row")} · {plural(attempts, "attempt")}
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
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => (setFollow(true), setView(undefined))}
            aria-label="Fit the whole run in the timeline"
            disabled={follow}
          >
            Fit
          </button>
        </div>
      </div>
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
        {hovered && hover ? <BarTip bar={hovered} x={hover.x} y={hover.y} width={width} now={now} /> : null}
      </div>
      <ul className="sr-only" aria-label="Timeline rows">
        {rowSummaries.map((text, i) => (
          <li key={model.rows[i]?.key ?? i}>{text}</li>
        ))}
      </ul>
    </div>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function BarTip({ bar, x, y, width, now }: { bar: TimelineBar; x: number; y: number; width: number; now: number }) {
  const end = bar.end ?? now;
  const left = Math.min(x + 12, width - 340);
  const title =
    bar.kind === "attempt" ? `${bar.label} — attempt ${bar.attempt ?? 1}` : bar.kind === "sub" ? `Sub-workflow ${bar.label}` : bar.label;
  return (
    <div className="timeline-tip" role="tooltip" style={{ left: Math.max(0, left), top: y + 14 }}>
      <div className="timeline-tip-title">{title}</div>
      <div className="muted">
        {bar.status} · {formatElapsed(end - bar.start)}
        {bar.end === null ? " so far" : ""}
        {bar.due !== undefined && bar.end === null ? ` · due in ${formatElapsed(bar.due - now)}` : ""}
      </div>
      {bar.input !== undefined ? (
        <div>
          <b>input</b> <code>{shortJson(bar.input, 220)}</code>
        </div>
      ) : null}
      {bar.result !== undefined ? (
        <div>
          <b>result</b> <code>{shortJson(bar.result, 220)}</code>
        </div>
      ) : null}
      {bar.error !== undefined ? (
        <div className="tip-error">
          <b>error</b> <code>{shortJson(bar.error, 220)}</code>
        </div>
      ) : null}
    </div>
  );
}
