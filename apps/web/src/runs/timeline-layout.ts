import type { TimelineBar, TimelineModel } from "./timeline-model";

/** The visible time window of the timeline, in epoch ms. */
export interface TimeView {
  from: number;
  to: number;
}

export function timeToX(t: number, view: TimeView, width: number): number {
  const span = Math.max(1, view.to - view.from);
  return ((t - view.from) / span) * width;
}

export function xToTime(x: number, view: TimeView, width: number): number {
  return view.from + (x / Math.max(1, width)) * (view.to - view.from);
}

/** Zooms by `factor` (< 1 zooms in) keeping `anchor` where it is; never narrower than `minSpan` ms. */
export function zoomView(view: TimeView, factor: number, anchor: number, minSpan = 50): TimeView {
  const span = Math.max(minSpan, (view.to - view.from) * factor);
  const ratio = (anchor - view.from) / Math.max(1, view.to - view.from);
  const from = anchor - ratio * span;
  return { from, to: from + span };
}

export function panView(view: TimeView, dt: number): TimeView {
  return { from: view.from + dt, to: view.to + dt };
}

/** The whole run with a little room on the right. */
export function fitView(start: number, end: number): TimeView {
  const span = Math.max(1000, end - start);
  return { from: start - span * 0.02, to: start + span * 1.05 };
}

/** The rows that a viewport shows (culling): [first, last) indices. */
export function visibleRows(scrollTop: number, height: number, rowHeight: number, count: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight));
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + 1);
  return [first, Math.max(first, last)];
}

/** The bar under a point, searching only that row's bars. */
export function barAt(model: TimelineModel, rowIndex: number, t: number, now: number, slack: number): number | undefined {
  const indices = model.byRow[rowIndex];
  if (!indices) return undefined;
  let best: number | undefined;
  for (const i of indices) {
    const bar = model.bars[i] as TimelineBar;
    const end = bar.end ?? Math.max(bar.start, now);
    if (t >= bar.start - slack && t <= end + slack) {
      if (bar.kind !== "span" || best === undefined) best = i;
    }
  }
  return best;
}

/** Ticks for a time axis: a "nice" step giving about `target` ticks over the view. */
export function axisTicks(view: TimeView, target = 8): { step: number; ticks: number[] } {
  const span = Math.max(1, view.to - view.from);
  const raw = span / target;
  const steps = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
    3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
  ];
  const step = steps.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) ticks.push(t);
  return { step, ticks };
}

/** A one-line summary of a row, for screen readers and tests. */
export function describeRow(model: TimelineModel, rowIndex: number): string {
  const row = model.rows[rowIndex];
  if (!row) return "";
  const parts = (model.byRow[rowIndex] ?? []).map((i) => {
    const bar = model.bars[i] as TimelineBar;
    if (bar.kind === "attempt") return `attempt ${bar.attempt ?? 1} ${bar.status}`;
    if (bar.kind === "backoff") return `backoff ${bar.status === "retrying" ? "running" : "done"}`;
    if (bar.kind === "span") return bar.label;
    return `${bar.kind} ${bar.status}`;
  });
  return `${row.label}: ${parts.join(", ") || "nothing yet"}`;
}
