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

interface RowEntry {
  row: TimelineRow;
  order: number;
}

/** A top-level row and, for a map, the rows of its items grouped under it. */
interface Group {
  header?: RowEntry;
  children: Map<string, RowEntry>;
}

/** The rows in the order they first appear, each with its bars; a map's items are grouped under the map. */
class RowIndex {
  readonly groups = new Map<string, Group>();
  readonly rowBars = new Map<string, TimelineBar[]>();
  private order = 0;

  constructor(
    private readonly labels: Readonly<Record<string, string>>,
    private readonly scopes: Readonly<Record<string, string | undefined>>,
  ) {}

  private label(nodeId: string): string {
    return this.labels[nodeId] ?? nodeId;
  }

  /** The key of a node's row (of one map item's row, with an index), made on first use. */
  rowFor(nodeId: string, index: number | undefined): string {
    const mapId = index !== undefined ? this.scopes[nodeId] : undefined;
    if (mapId !== undefined && index !== undefined) {
      const group = this.group(mapId);
      group.header ??= { row: { key: mapId, nodeId: mapId, label: this.label(mapId), depth: 0 }, order: this.order++ };
      const key = `${nodeId}#${index}`;
      if (!group.children.has(key)) {
        group.children.set(key, { row: { key, nodeId, index, label: `${this.label(nodeId)} [${index}]`, depth: 1 }, order: this.order++ });
      }
      return key;
    }
    const key = index !== undefined ? `${nodeId}#${index}` : nodeId;
    const group = this.group(key);
    group.header ??= {
      row: {
        key,
        nodeId,
        ...(index !== undefined ? { index } : {}),
        label: index !== undefined ? `${this.label(nodeId)} [${index}]` : this.label(nodeId),
        depth: 0,
      },
      order: this.order++,
    };
    return key;
  }

  private group(key: string): Group {
    const group: Group = this.groups.get(key) ?? { children: new Map() };
    this.groups.set(key, group);
    return group;
  }

  /** Adds a bar to a row; its row number is set when the rows are laid out. */
  push(key: string, bar: Omit<TimelineBar, "row">): TimelineBar {
    const placed: TimelineBar = { ...bar, row: -1 };
    const list = this.rowBars.get(key) ?? [];
    list.push(placed);
    this.rowBars.set(key, list);
    return placed;
  }

  /** Rows in order (groups by first appearance, a map's items by index), bars numbered row by row. */
  layout(): Pick<TimelineModel, "rows" | "bars" | "byRow"> {
    const flat = [...this.groups.values()]
      .sort((a, b) => (a.header?.order ?? 0) - (b.header?.order ?? 0))
      .flatMap((group) => {
        const children = [...group.children.values()].sort((a, b) => (a.row.index ?? 0) - (b.row.index ?? 0) || a.order - b.order);
        return [...(group.header ? [group.header.row] : []), ...children.map((c) => c.row)];
      });
    const rows: TimelineRow[] = [];
    const bars: TimelineBar[] = [];
    const byRow: number[][] = [];
    for (const row of flat) {
      const list = (this.rowBars.get(row.key) ?? []).sort((a, b) => a.start - b.start);
      const indices: number[] = [];
      for (const bar of list) {
        bar.row = rows.length;
        indices.push(bars.length);
        bars.push(bar);
      }
      byRow.push(indices);
      rows.push(row);
    }
    return { rows, bars, byRow };
  }
}

/** What the history has opened and not yet closed, by task id; waits also by the event they wait for. */
interface OpenBars {
  byTask: Map<number, TimelineBar>;
  waits: TimelineBar[];
  /** The row of every attempt's bar, and the bar each ending event closed (by its seq): a rewind reopens them. */
  rowOf: Map<TimelineBar, string>;
  closedBy: Map<number, TimelineBar>;
}

/** An activity attempt or a sub-workflow starts: an open bar on its node's row. */
function taskStarted(index: RowIndex, open: OpenBars, event: HistoryEvent, at: number): void {
  if (event.taskId === undefined) return;
  const tags = event.tags ?? {};
  const nodeId = typeof tags.nodeId === "string" ? tags.nodeId : undefined;
  const key = index.rowFor(nodeId ?? `task:${event.name ?? "?"}`, typeof tags.index === "number" ? tags.index : undefined);
  const sub = event.type === "SubOrchestrationCreated";
  const child = event.instanceId;
  const bar = index.push(key, {
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
  open.byTask.set(event.taskId, bar);
  open.rowOf.set(bar, key);
}

/** An activity attempt or a sub-workflow ends: its bar closes with the result or the error. */
function taskEnded(open: OpenBars, event: HistoryEvent, at: number): void {
  const bar = event.taskId !== undefined ? open.byTask.get(event.taskId) : undefined;
  if (!bar) return;
  open.byTask.delete(event.taskId as number);
  open.closedBy.set(event.seq, bar);
  bar.end = at;
  const failed = event.type.endsWith("Failed");
  bar.status = failed ? "failed" : "succeeded";
  if (failed) bar.error = event.error;
  else bar.result = event.result;
}

/** A timer: a backoff before the next attempt, a wait's timeout, or a delay. */
function timerCreated(index: RowIndex, open: OpenBars, event: HistoryEvent, at: number): void {
  if (event.taskId === undefined) return;
  const tags = event.tags ?? {};
  const nodeId = typeof tags.nodeId === "string" ? tags.nodeId : undefined;
  const due = event.fireAt ? Date.parse(event.fireAt) : undefined;
  const key = index.rowFor(nodeId ?? "timers", typeof tags.index === "number" ? tags.index : undefined);
  const backoff = tags.backoffFor !== undefined;
  const waitFor = typeof tags.timeoutFor === "string" ? tags.timeoutFor : undefined;
  const bar = index.push(key, {
    kind: backoff ? "backoff" : waitFor ? "wait" : "timer",
    status: backoff ? "retrying" : "waiting",
    start: at,
    end: null,
    ...(due !== undefined && !Number.isNaN(due) ? { due } : {}),
    label: backoff ? `backoff before attempt ${String(tags.attempt ?? "")}`.trim() : waitFor ? `waiting for ${waitFor}` : "timer",
    taskId: event.taskId,
    ...(typeof tags.attempt === "number" ? { attempt: tags.attempt } : {}),
  });
  open.byTask.set(event.taskId, bar);
  if (waitFor) open.waits.push(bar);
}

/** A timer fires: a wait's timeout means the wait failed. */
function timerFired(open: OpenBars, event: HistoryEvent, at: number): void {
  const bar = event.taskId !== undefined ? open.byTask.get(event.taskId) : undefined;
  if (!bar) return;
  open.byTask.delete(event.taskId as number);
  bar.end = at;
  if (bar.kind === "wait") {
    bar.status = "failed";
    bar.label = `${bar.label} — timed out`;
    open.waits.splice(open.waits.indexOf(bar), 1);
  } else {
    bar.status = "succeeded";
  }
}

/** An event arrives: the first open wait for it ends with the event's payload. */
function eventRaised(open: OpenBars, event: HistoryEvent, at: number): void {
  const index = open.waits.findIndex((w) => w.label === `waiting for ${event.name ?? ""}` && w.end === null);
  const bar = open.waits[index];
  if (!bar) return;
  open.waits.splice(index, 1);
  if (bar.taskId !== undefined) open.byTask.delete(bar.taskId);
  bar.end = at;
  bar.status = "succeeded";
  bar.result = event.input;
}

/**
 * A rewind takes back failures: each failed attempt it lists stays on its row, marked
 * rewound, and the attempt runs again (same task, same attempt number) in a new bar from
 * the rewind on. The run is no longer over.
 */
function executionRewound(index: RowIndex, open: OpenBars, event: HistoryEvent, at: number): void {
  for (const seq of event.rewound ?? []) {
    const failed = open.closedBy.get(seq);
    const key = failed ? open.rowOf.get(failed) : undefined;
    if (!failed || key === undefined || failed.taskId === undefined) continue;
    const label = failed.label;
    failed.label = `${label} — rewound`;
    const again = index.push(key, {
      kind: failed.kind,
      status: "running",
      start: at,
      end: null,
      label,
      ...(failed.attempt !== undefined ? { attempt: failed.attempt } : {}),
      taskId: failed.taskId,
      input: failed.input,
      ...(failed.childInstanceId !== undefined ? { childInstanceId: failed.childInstanceId } : {}),
    });
    open.byTask.set(failed.taskId, again);
    open.rowOf.set(again, key);
  }
}

/** Waits without a timeout leave no timer in history: the node states know them. */
function addUntimedWaits(index: RowIndex, types: Readonly<Record<string, string>>, states: NodeStates): void {
  for (const [nodeId, type] of Object.entries(types)) {
    if (type !== "waitForEvent") continue;
    const state = states[nodeId];
    if (!state?.startedAt || index.rowBars.get(nodeId)?.some((b) => b.kind === "wait")) continue;
    const start = Date.parse(state.startedAt);
    const end = state.endedAt ? Date.parse(state.endedAt) : null;
    index.push(index.rowFor(nodeId, undefined), {
      kind: "wait",
      status: end === null ? (state.status === "waiting" ? "waiting" : "cancelled") : state.status === "failed" ? "failed" : "succeeded",
      start,
      end,
      label: "waiting for an event",
    });
  }
}

/** A map's header row spans its items. */
function addMapSpans(index: RowIndex, states: NodeStates): void {
  for (const [mapId, group] of index.groups) {
    if (group.children.size === 0) continue;
    const state = states[mapId];
    const childBars = [...group.children.keys()].flatMap((k) => index.rowBars.get(k) ?? []);
    const start = state?.startedAt ? Date.parse(state.startedAt) : Math.min(...childBars.map((b) => b.start));
    const end = state?.endedAt
      ? Date.parse(state.endedAt)
      : childBars.some((b) => b.end === null)
        ? null
        : Math.max(...childBars.map((b) => b.end ?? 0));
    const progress = state?.progress;
    index.push(mapId, {
      kind: "span",
      status: end === null ? "running" : state?.status === "failed" ? "failed" : "succeeded",
      start,
      end,
      label: progress ? `${progress.done}/${progress.total} items` : `${group.children.size} items`,
    });
  }
}

/** Once the run has ended, whatever is still open was cancelled then. */
function cancelOpenBars(index: RowIndex, endedAt: number): void {
  for (const bars of index.rowBars.values()) {
    for (const bar of bars) {
      if (bar.end !== null) continue;
      bar.end = Math.max(bar.start, endedAt);
      bar.status = "cancelled";
    }
  }
}

/**
 * Lays out a run's history as Gantt rows and bars: a row per node (a map's items as rows
 * grouped under it), a bar per activity attempt, backoff timers between attempts, timers,
 * waits and sub-workflows. Pure; open bars have `end: null`.
 */
export function buildTimeline(history: readonly HistoryEvent[], options: TimelineOptions = {}): TimelineModel {
  const index = new RowIndex(options.labels ?? {}, options.scopes ?? {});
  const open: OpenBars = { byTask: new Map(), waits: [], rowOf: new Map(), closedBy: new Map() };
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let endedAt: number | undefined;

  for (const event of history) {
    const at = Date.parse(event.at);
    if (!Number.isNaN(at)) {
      first = Math.min(first, at);
      last = Math.max(last, at);
    }
    switch (event.type) {
      case "TaskScheduled":
      case "SubOrchestrationCreated":
        taskStarted(index, open, event, at);
        break;
      case "TaskCompleted":
      case "TaskFailed":
      case "SubOrchestrationCompleted":
      case "SubOrchestrationFailed":
        taskEnded(open, event, at);
        break;
      case "TimerCreated":
        timerCreated(index, open, event, at);
        break;
      case "TimerFired":
        timerFired(open, event, at);
        break;
      case "EventRaised":
        eventRaised(open, event, at);
        break;
      case "ExecutionRewound":
        executionRewound(index, open, event, at);
        endedAt = undefined;
        break;
      default:
        if (TERMINAL_TYPES.has(event.type)) endedAt = at;
    }
  }

  const states = options.nodeStates ?? {};
  addUntimedWaits(index, options.types ?? {}, states);
  addMapSpans(index, states);
  if (endedAt !== undefined) cancelOpenBars(index, endedAt);
  return { ...index.layout(), start: Number.isFinite(first) ? first : 0, end: last };
}
