import type { HistoryEvent, NewActivityTask, NewInstance, NewMessage, TurnCommit, TurnOutcome } from "@weft/engine";
import { commitText, type SegmentColumns, type Shape } from "./commit-sql.js";
import { readSegmentRow, type SegmentRow } from "./commit-results.js";
import type { Changes, Statement } from "./connection.js";
import { atMs, historyEventJson, nowMs, toJson } from "./rows.js";
import { instanceColumns, messageColumns, newLeaseToken, taskColumns } from "./writes.js";

/** One segment's statement, and how to read its row into the batch's outcomes. */
export interface SegmentPlan {
  statement: Statement;
  read: (row: SegmentRow | undefined, outcomes: TurnOutcome[], changes: Changes) => void;
}

/** The segment of `turns` at `indexes` as one statement: its shape, its text and its values. */
export function planSegment(s: string, turns: readonly TurnCommit[], indexes: readonly number[], now: number): SegmentPlan {
  const batch = indexes.map((index) => turns[index] as TurnCommit);
  const p = new Params();
  const at = p.add(nowMs(now), "bigint");
  // Which optional parts this segment needs. The statement leaves out the CTEs and
  // columns of the parts it does not (a sequential step completes one task, appends
  // its events, updates the instance and inserts the next task: executing and binding
  // the unused parts cost more than the used ones). One text per shape and schema.
  const updates = UPDATE_FIELDS.filter((f) => batch.some((turn) => f.pick(turn) !== undefined));
  const rows = segmentRows(batch);
  const shape: Shape = {
    updates: updates.map((f) => f.column),
    consumed: rows.consumed.items.length > 0,
    dropInbox: batch.some((t) => t.dropInbox === true),
    cancel: batch.some((t) => t.cancelActivities === true),
    trim: batch.some((t) => t.deleteHistoryThroughSeq !== undefined),
    completes: rows.completes.items.length > 0,
    events: rows.events.items.length > 0,
    children: rows.children.items.length > 0,
    messages: rows.messages.items.length > 0,
    tasks: rows.tasks.items.length > 0,
  };
  const turnColumns = bindTurnColumns(p, batch, shape, updates);

  // A reserved task (sticky dispatch) has an owner and no token; its "lease" column carries
  // when the reservation ends, which the insert makes its available_at (see claimActivities).
  const leaseExpiry = (task: NewActivityTask): number | null =>
    task.claimFor ? atMs(now + task.claimFor.leaseMs) : task.reserveFor ? atMs(now + task.reserveFor.forMs) : null;
  const tokens = rows.tasks.items.map((task) => (task.claimFor ? newLeaseToken() : null));
  const owners = rows.tasks.items.map((task) => task.claimFor?.owner ?? task.reserveFor?.owner ?? null);

  const cols: SegmentColumns = { at, turn: turnColumns };
  bindPartColumns(p, cols, shape, rows, now, [tokens, owners, rows.tasks.items.map(leaseExpiry)]);

  const text = commitText(s, shape, cols);
  const sent = { turns, indexes, taskTurns: rows.tasks.turn, tokens, leaseExpiry, now };
  const read = (row: SegmentRow | undefined, outcomes: TurnOutcome[], changes: Changes): void =>
    readSegmentRow(row, sent, outcomes, changes);
  return { statement: { text, values: p.values, prepared: true }, read };
}

/** Builds `$n::type` placeholders in the order the values are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
  /** Several columns of one `unnest`, in order. */
  columns(columns: readonly unknown[][], types: readonly string[]): string {
    return columns.map((column, i) => this.add(column, types[i] ?? "text[]")).join(", ");
  }
}

const INSTANCE_TYPES = ["text[]", "text[]", "text[]", "text[]", "text[]", "integer[]", "text[]", "text[]", "bigint[]"];
const MESSAGE_TYPES = ["text[]", "text[]", "text[]", "text[]", "bigint[]"];
const TASK_TYPES = ["text[]", "text[]", "integer[]", "text[]", "text[]", "integer[]", "text[]", "double precision[]", "bigint[]"];

/** An instance column a turn may set; a segment binds only those some turn of it sets. */
interface UpdateField {
  column: string;
  type: string;
  pick: (turn: TurnCommit) => unknown;
  encode: (value: unknown) => unknown;
}

// null clears output, error and completedAt: SQL NULL is "absent".
const UPDATE_FIELDS: readonly UpdateField[] = [
  { column: "status", type: "text[]", pick: (t) => t.update.status, encode: (v) => v },
  { column: "execution_id", type: "text[]", pick: (t) => t.update.executionId, encode: (v) => v },
  { column: "input", type: "text[]", pick: (t) => t.update.input, encode: toJson },
  { column: "output", type: "text[]", pick: (t) => t.update.output, encode: (v) => (v === null ? null : toJson(v)) },
  { column: "error", type: "text[]", pick: (t) => t.update.error, encode: (v) => (v === null ? null : JSON.stringify(v)) },
  { column: "custom_status", type: "text[]", pick: (t) => t.update.customStatus, encode: toJson },
  { column: "completed_at", type: "text[]", pick: (t) => t.update.completedAt, encode: (v) => v },
  { column: "pending_waits", type: "text[]", pick: (t) => t.update.pendingWaits, encode: (v) => JSON.stringify(v) },
];

/** A part's rows, each with its turn's position in the segment. */
interface PerTurn<T> {
  turn: number[];
  items: T[];
}

interface SegmentRows {
  consumed: PerTurn<number>;
  completes: PerTurn<{ id: string; leaseToken: string }>;
  events: PerTurn<HistoryEvent>;
  children: PerTurn<NewInstance>;
  messages: PerTurn<NewMessage>;
  tasks: PerTurn<NewActivityTask>;
}

function segmentRows(batch: readonly TurnCommit[]): SegmentRows {
  // Rows that belong to a turn carry its position in the segment (1-based, as ORDINALITY counts).
  const perTurn = <T>(items: (turn: TurnCommit) => readonly T[]): PerTurn<T> => {
    const turn: number[] = [];
    const all: T[] = [];
    batch.forEach((t, k) => {
      for (const item of items(t)) {
        turn.push(k + 1);
        all.push(item);
      }
    });
    return { turn, items: all };
  };
  return {
    consumed: perTurn((t) => t.consumedMessageIds),
    completes: perTurn((t) => t.local?.completes ?? []),
    events: perTurn((t) => t.events),
    children: perTurn((t) => t.instances),
    messages: perTurn((t) => t.messages),
    tasks: perTurn((t) => t.activities),
  };
}

/** One row per turn: what the fence checks, and the parts of the shape that are per turn. */
function bindTurnColumns(p: Params, batch: readonly TurnCommit[], shape: Shape, updates: readonly UpdateField[]): string {
  return p.columns(
    [
      batch.map((t) => t.instanceId),
      batch.map((t) => (t.local === undefined ? (t.leaseToken ?? null) : null)),
      batch.map((t) => t.local !== undefined),
      batch.map((t) => t.local?.lastSeq ?? null),
      batch.map((t) => t.local?.executionId ?? null),
      batch.map((t) => t.update.lastSeq),
      ...(shape.dropInbox ? [batch.map((t) => t.dropInbox === true)] : []),
      ...(shape.cancel ? [batch.map((t) => t.cancelActivities === true)] : []),
      ...(shape.trim ? [batch.map((t) => t.deleteHistoryThroughSeq ?? null)] : []),
      // A field some turn of the segment sets: whether each turn sets it, and the value.
      ...updates.flatMap((f) => [
        batch.map((turn) => f.pick(turn) !== undefined),
        batch.map((turn) => {
          const value = f.pick(turn);
          return value === undefined ? null : f.encode(value);
        }),
      ]),
    ],
    [
      "text[]",
      "text[]",
      "boolean[]",
      "integer[]",
      "text[]",
      "integer[]",
      ...(shape.dropInbox ? ["boolean[]"] : []),
      ...(shape.cancel ? ["boolean[]"] : []),
      ...(shape.trim ? ["integer[]"] : []),
      ...updates.flatMap((f) => ["boolean[]", f.type]),
    ],
  );
}

/** The per-row parts the shape holds, in the order the text expects; `taskLeases` are the tasks' tokens, owners and lease ends. */
function bindPartColumns(p: Params, cols: SegmentColumns, shape: Shape, rows: SegmentRows, now: number, taskLeases: unknown[][]): void {
  const { consumed, completes, events, children, messages, tasks } = rows;
  if (shape.consumed) cols.consumed = p.columns([consumed.turn, consumed.items], ["integer[]", "bigint[]"]);
  if (shape.completes) {
    cols.completes = p.columns(
      [completes.turn, completes.items.map((c) => c.id), completes.items.map((c) => c.leaseToken)],
      ["integer[]", "bigint[]", "text[]"],
    );
  }
  if (shape.events) {
    cols.events = p.columns(
      [
        events.turn,
        events.items.map((e) => e.seq),
        events.items.map((e) => e.type),
        events.items.map((e) => e.at),
        events.items.map(historyEventJson),
      ],
      ["integer[]", "integer[]", "text[]", "text[]", "text[]"],
    );
  }
  if (shape.children) cols.children = p.columns([children.turn, ...instanceColumns(children.items, now)], ["integer[]", ...INSTANCE_TYPES]);
  if (shape.messages) cols.messages = p.columns([messages.turn, ...messageColumns(messages.items, now)], ["integer[]", ...MESSAGE_TYPES]);
  if (shape.tasks) {
    cols.tasks = p.columns(
      [tasks.turn, ...taskColumns(tasks.items, now), ...taskLeases],
      ["integer[]", ...TASK_TYPES, "text[]", "text[]", "bigint[]"],
    );
  }
}
