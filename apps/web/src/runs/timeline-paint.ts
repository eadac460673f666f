import { formatElapsed } from "./status";
import { axisTicks, timeToX, visibleRows, type TimeView } from "./timeline-layout";
import type { TimelineBar, TimelineModel } from "./timeline-model";

export const ROW_H = 24;
export const AXIS_H = 26;
export const LABEL_W = 200;
export const MAX_HEIGHT = 380;

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

export interface PaintOptions {
  model: TimelineModel;
  view: TimeView;
  width: number;
  height: number;
  plotW: number;
  scrollTop: number;
  now: number;
  running: boolean;
  hoverBar: number | undefined;
}

/** What every painter needs: the context, the colours and where a time is on the canvas. */
interface Pen {
  ctx: CanvasRenderingContext2D;
  p: Palette;
  x(t: number): number;
}

function paintAxis({ ctx, p, x }: Pen, { model, view, width, height, plotW, now, running }: PaintOptions): void {
  const { ticks } = axisTicks(view, Math.max(3, Math.floor(plotW / 110)));
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
}

/** One bar; waiting is hatched/outlined, so backoff gaps read as gaps between attempts. */
function paintBar({ ctx, p, x }: Pen, bar: TimelineBar, y: number, hovered: boolean, { view, width, now }: PaintOptions): void {
  const end = bar.end ?? Math.max(bar.start, now);
  if (end < view.from || bar.start > view.to) return;
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
  if (hovered) {
    ctx.strokeStyle = p.text;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0 - 1, y + inset - 1, w + 2, ROW_H - inset * 2 + 2);
    ctx.lineWidth = 1;
  }
}

/** The rows in view only, each with its bars and, on top in their own column, its label. */
function paintRows(pen: Pen, options: PaintOptions): void {
  const { ctx, p } = pen;
  const { model, width, height, scrollTop } = options;
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
    for (const i of model.byRow[r] ?? []) paintBar(pen, model.bars[i] as TimelineBar, y, options.hoverBar === i, options);
    // Labels on top, on their own column.
    ctx.fillStyle = p.surface;
    ctx.fillRect(0, y, LABEL_W, ROW_H);
    ctx.fillStyle = row.depth ? p.muted : p.text;
    const label = row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label;
    ctx.fillText(label, 8 + row.depth * 14, y + ROW_H / 2);
  }
  ctx.restore();
}

/** The moving "now" line of a live run. */
function paintNow({ ctx, p, x }: Pen, { width, height, now }: PaintOptions): void {
  const nx = Math.round(x(now)) + 0.5;
  if (nx < LABEL_W || nx > width) return;
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

/** Paints the whole chart: axis, the rows in view (culled), the label column's edge and the now line. */
export function paintTimeline(canvas: HTMLCanvasElement, options: PaintOptions): void {
  const ctx = canvas.getContext?.("2d");
  if (!ctx) return;
  const { view, width, height, plotW, running } = options;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const pen: Pen = { ctx, p: readPalette(canvas), x: (t) => LABEL_W + timeToX(t, view, plotW) };
  ctx.clearRect(0, 0, width, height);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  paintAxis(pen, options);
  paintRows(pen, options);
  ctx.strokeStyle = pen.p.border;
  ctx.beginPath();
  ctx.moveTo(LABEL_W + 0.5, 0);
  ctx.lineTo(LABEL_W + 0.5, height);
  ctx.stroke();
  if (running) paintNow(pen, options);
}
