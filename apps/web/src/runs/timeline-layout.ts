import type { HistoryEvent } from "@weft/client";
import type { NodeStates } from "@weft/definition";

export type BarKind = "attempt" | "backoff" | "timer" | "wait" | "sub" | "span";
export type BarStatus = "running" | "waiting" | "retrying" | "succeeded" | "failed" | "cancelled";

export interface TimelineRow {
  key: string;
  nodeId: string;
  /** The map item, for a row of a map's body. */
  index?: number;
  label: string;
  /** 0 for a node, 1 for a map item grouped under its map. */
  depth: 0 | 1;
}

export interface TimelineBar {
  row: number;
  kind: BarKind;
  status: BarStatus;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while it is still open (drawn up to "now"). */
  end: number | null;
  /** When an open timer is due (a backoff's next attempt, a wait's timeout). */
  due?: number;
  label: string;
  attempt?: number;
  taskId?: number;
  input?: unknown;
  result?: unknown;
  error?: unknown;
  childInstanceId?: string;
}

export interface TimelineModel {
  rows: TimelineRow[];
  bars: TimelineBar[];
  /** Bar indices per row, each row's bars in start order. */
  byRow: number[][];
  /** Epoch ms of the first event (0 without events). */
  start: number;
  /** Epoch ms of the last closed thing (the latest event). */
  end: number;
}

export interface TimelineOptions {
  /** Node id → its label on the drawing. */
  labels?: Readonly<Record<string, string>>;
  /** Node id → the map whose body holds it. */
  scopes?: Readonly<Record<string, string | undefined>>;
  /** Node id → its type, so waits without a timeout come from the node states. */
  types?: Readonly<Record<string, string>>;
  nodeStates?: NodeStates;
}

const TERMINAL_TYPES = new Set(["ExecutionCompleted", "ExecutionTerminated", "ExecutionFailed"]);

/**
 * Lays out a run's history as Gantt rows and bars: a row per node (a map's items as rows
 * grouped under it), a bar per activity attempt, backoff timers between attempts, timers,
 * waits and sub-workflows. Pure; open bars have `end: null`.
 */
export function buildTimeline(history: readonly HistoryEvent[], options: TimelineOptions = {}): TimelineModel {
  const labels = options.labels ?? {};
  const scopes = options.scopes ?? {};
  interface Group {
    header?: { row: TimelineRow; order: number };
    children: Map<string, { row: TimelineRow; order: number }>;
  }
  const groups = new Map<string, Group>();
  const rowBars = new Map<string, TimelineBar[]>();
  let order = 0;
  const label = (nodeId: string) => labels[nodeId] ?? nodeId;

  const rowFor = (nodeId: string, index: number | undefined): string => {
    const mapId = index !== undefined ? scopes[nodeId] : undefined;
    if (mapId !== undefined && index !== undefined) {
      const group: Group = groups.get(mapId) ?? { children: new Map() };
      groups.set(mapId, group);
      group.header ??= { row: { key: mapId, nodeId: mapId, label: label(mapId), depth: 0 }, order: order++ };
      const key = `${nodeId}#${index}`;
      if (!group.children.has(key)) {
        group.children.set(key, { row: { key, nodeId, index, label: `${label(nodeId)} [${index}]`, depth: 1 }, order: order++ });
      }
      return key;
    }
    const key = index !== undefined ? `${nodeId}#${index}` : nodeId;
    const group: Group = groups.get(key) ?? { children: new Map() };
    groups.set(key, group);
    group.header ??= {
      row: {
        key,
        nodeId,
        ...(index !== undefined ? { index } : {}),
        label: index !== undefined ? `${label(nodeId)} [${index}]` : label(nodeId),
        depth: 0,
      },
      order: order++,
    };
    return key;
  };
  const push = (key: string, bar: Omit<TimelineBar, "row">) => {
    const list = rowBars.get(key) ?? [];
    list.push(bar as TimelineBar);
    rowBars.set(key, list);
    return bar as TimelineBar;
  };

  const open = new Map<number, TimelineBar>();
  const waits: TimelineBar[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let endedAt: number | undefined;

  for (const event of history) {
    const at = Date.parse(event.at);
    if (!Number.isNaN(at)) {
      first = Math.min(first, at);
      last = Math.max(last, at);
    }
    const tags = event.tags ?? {};
    const nodeId = typeof tags.nodeId === "string" ? tags.nodeId : undefined;
    const index = typeof tags.index === "number" ? tags.index : undefined;
    switch (event.type) {
      case "TaskScheduled":
      case "SubOrchestrationCreated": {
        if (event.taskId === undefined) break;
        const key = rowFor(nodeId ?? `task:${event.name ?? "?"}`, index);
        const sub = event.type === "SubOrchestrationCreated";
        const child = (event as { instanceId?: unknown }).instanceId;
        const bar = push(key, {
          kind: sub ? "sub" : "attempt",
          status: "running",
          start: at,
          end: null,
          label: event.name ?? (sub ? "sub-workflow" : "task"),
          attempt: event.attempt ?? 1,
          taskId: event.taskId,
          input: event.input,
          ...(typeof child === "string" ? { childInstanceId: child } : {}),
        });
        open.set(event.taskId, bar);
        break;
      }
      case "TaskCompleted":
      case "TaskFailed":
      case "SubOrchestrationCompleted":
      case "SubOrchestrationFailed": {
        const bar = event.taskId !== undefined ? open.get(event.taskId) : undefined;
        if (!bar) break;
        open.delete(event.taskId as number);
        bar.end = at;
        const failed = event.type.endsWith("Failed");
        bar.status = failed ? "failed" : "succeeded";
        if (failed) bar.error = event.error;
        else bar.result = event.result;
        break;
      }
      case "TimerCreated": {
        if (event.taskId === undefined) break;
        const due = event.fireAt ? Date.parse(event.fireAt) : undefined;
        const key = rowFor(nodeId ?? "timers", index);
        const backoff = tags.backoffFor !== undefined;
        const waitFor = typeof tags.timeoutFor === "string" ? tags.timeoutFor : undefined;
        const bar = push(key, {
          kind: backoff ? "backoff" : waitFor ? "wait" : "timer",
          status: backoff ? "retrying" : "waiting",
          start: at,
          end: null,
          ...(due !== undefined && !Number.isNaN(due) ? { due } : {}),
          label: backoff ? `backoff before attempt ${String(tags.attempt ?? "")}`.trim() : waitFor ? `waiting for ${waitFor}` : "timer",
          taskId: event.taskId,
          ...(typeof tags.attempt === "number" ? { attempt: tags.attempt } : {}),
        });
        open.set(event.taskId, bar);
        if (waitFor) waits.push(bar);
        break;
      }
      case "TimerFired": {
        const bar = event.taskId !== undefined ? open.get(event.taskId) : undefined;
        if (!bar) break;
        open.delete(event.taskId as number);
        bar.end = at;
        if (bar.kind === "wait") {
          bar.status = "failed";
          bar.label = `${bar.label} — timed out`;
          waits.splice(waits.indexOf(bar), 1);
        } else {
          bar.status = "succeeded";
        }
        break;
      }
      case "EventRaised": {
        const index = waits.findIndex((w) => w.label === `waiting for ${event.name ?? ""}` && w.end === null);
        const bar = waits[index];
        if (bar) {
          waits.splice(index, 1);
          if (bar.taskId !== undefined) open.delete(bar.taskId);
          bar.end = at;
          bar.status = "succeeded";
          bar.result = event.input;
        }
        break;
      }
      default:
        if (TERMINAL_TYPES.has(event.type)) endedAt = at;
    }
  }

  // Waits without a timeout leave no timer in history: the node states know them.
  const states = options.nodeStates ?? {};
  for (const [nodeId, type] of Object.entries(options.types ?? {})) {
    if (type !== "waitForEvent") continue;
    const state = states[nodeId];
    if (!state?.startedAt || rowBars.get(nodeId)?.some((b) => b.kind === "wait")) continue;
    const start = Date.parse(state.startedAt);
    const end = state.endedAt ? Date.parse(state.endedAt) : null;
    push(rowFor(nodeId, undefined), {
      kind: "wait",
      status: end === null ? (state.status === "waiting" ? "waiting" : "cancelled") : state.status === "failed" ? "failed" : "succeeded",
      start,
      end,
      label: "waiting for an event",
    });
  }
  // A map's header row spans its items.
  for (const [mapId, group] of groups) {
    if (group.children.size === 0) continue;
    const state = states[mapId];
    const childBars = [...group.children.keys()].flatMap((k) => rowBars.get(k) ?? []);
    const start = state?.startedAt ? Date.parse(state.startedAt) : Math.min(...childBars.map((b) => b.start));
    const end = state?.endedAt
      ? Date.parse(state.endedAt)
      : childBars.some((b) => b.end === null)
        ? null
        : Math.max(...childBars.map((b) => b.end ?? 0));
    const progress = state?.progress;
    push(mapId, {
      kind: "span",
      status: end === null ? "running" : state?.status === "failed" ? "failed" : "succeeded",
      start,
      end,
      label: progress ? `${progress.done}/${progress.total} items` : `${group.children.size} items`,
    });
  }

  if (endedAt !== undefined) {
    for (const bars of rowBars.values()) {
      for (const bar of bars) {
        if (bar.end !== null) continue;
        bar.end = Math.max(bar.start, endedAt);
        bar.status = "cancelled";
      }
    }
  }

  const flat = [...groups.values()]
    .sort((a, b) => (a.header?.order ?? 0) - (b.header?.order ?? 0))
    .flatMap((group) => {
      const children = [...group.children.values()].sort((a, b) => (a.row.index ?? 0) - (b.row.index ?? 0) || a.order - b.order);
      return [...(group.header ? [group.header.row] : []), ...children.map((c) => c.row)];
    });
  const rows: TimelineRow[] = [];
  const bars: TimelineBar[] = [];
  const byRow: number[][] = [];
  for (const row of flat) {
    const list = (rowBars.get(row.key) ?? []).sort((a, b) => a.start - b.start);
    const indices: number[] = [];
    for (const bar of list) {
      bar.row = rows.length;
      indices.push(bars.length);
      bars.push(bar);
    }
    byRow.push(indices);
    rows.push(row);
  }
  return { rows, bars, byRow, start: Number.isFinite(first) ? first : 0, end: last };
}

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
