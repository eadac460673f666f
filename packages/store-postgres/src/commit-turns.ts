import type { ActivityWorkItem, TurnCommit, TurnOutcome } from "@weft/engine";
import { statusAfterTurn } from "@weft/engine/store-kit";
import type { Changes, PlannedWrite, Statement } from "./connection.js";
import { atMs, historyEventJson, nowMs, toActivityWorkItem, toJson } from "./rows.js";
import { instanceColumns, messageColumns, newLeaseToken, taskColumns, visibleAt } from "./writes.js";

/**
 * commitTurns: the fence and every accepted turn of a batch in one statement of
 * data-modifying CTEs, so a batch is one round trip and its row locks are held only
 * while PostgreSQL works on it (never while Node decides).
 *
 * - The fence locks every instance of the statement FOR NO KEY UPDATE in instance-id
 *   order (a fixed order, so two committers cannot deadlock), then the tasks local
 *   turns complete FOR UPDATE in id order (an InitPlan makes the instances go first).
 *   A row that changed after the statement's snapshot is waited for and read in its
 *   newest version (READ COMMITTED), so the checks see what committed last:
 *   a claimed turn needs its lease (same token, not expired at `now`); a local turn
 *   needs no live lease, status running, the lastSeq and executionId it was computed
 *   from, and each task it completes still held by its token.
 * - The accepted turns are applied as in the other stores: consumed messages (or the
 *   whole inbox) deleted, completed and cancelled tasks deleted, history trimmed and
 *   appended, the instance updated and its lease cleared, children created (an
 *   existing id is left as is), their ExecutionStarted and then the turns' messages
 *   inserted (to instances that exist — FOR KEY SHARE — or were just created), tasks
 *   inserted, those with `claimFor` already leased. All CTEs share one snapshot, so
 *   clean-up never touches what the batch produces.
 *
 * The turns of one statement are independent: each instance and each completed task
 * appears at most once. A batch that repeats one (the second turn of an instance builds
 * on the first) is cut into consecutive segments, one statement each, in one
 * transaction: each statement sees what the previous one committed, which is what
 * committing the turns one after the other means. A driver error rolls the whole batch
 * back (StoreError).
 *
 * A statement holds only the parts its segment needs (see Shape): one text per shape.
 */
export function planCommitTurns(s: string, turns: readonly TurnCommit[], now: number): PlannedWrite<TurnOutcome[]> {
  const outcomes: TurnOutcome[] = turns.map(() => ({ committed: false, claimed: [] }));
  const segments = segment(turns);
  const plans = segments.map((indexes) => planSegment(s, turns, indexes, now));
  return {
    statements: plans.map((plan) => plan.statement),
    interpret: (results, changes) => {
      plans.forEach((plan, k) => plan.read(results[k]?.rows[0] as SegmentRow | undefined, outcomes, changes));
      return outcomes;
    },
  };
}

/** Indexes of the turns to send, cut where a turn repeats an instance or a completed task of the segment. */
function segment(turns: readonly TurnCommit[]): number[][] {
  const segments: number[][] = [];
  let current: number[] = [];
  let instances = new Set<string>();
  let tasks = new Set<string>();
  turns.forEach((turn, index) => {
    if (rejectedUnasked(turn)) return;
    const completes = turn.local?.completes.map((task) => task.id) ?? [];
    if (instances.has(turn.instanceId) || completes.some((id) => tasks.has(id))) {
      segments.push(current);
      current = [];
      instances = new Set();
      tasks = new Set();
    }
    current.push(index);
    instances.add(turn.instanceId);
    for (const id of completes) tasks.add(id);
  });
  if (current.length > 0) segments.push(current);
  return segments;
}

/** A claimed turn needs a token; a local turn's task ids must be row ids. */
function rejectedUnasked(turn: TurnCommit): boolean {
  if (turn.local === undefined) return turn.leaseToken === undefined;
  return turn.local.completes.some((task) => parseTaskId(task.id) === undefined);
}

interface SegmentRow {
  accepted: number[];
  children: string[];
  messaged: string[];
  queued: number;
  reserved: number;
  claimed: string[];
  leftover: string[];
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

function planSegment(
  s: string,
  turns: readonly TurnCommit[],
  indexes: readonly number[],
  now: number,
): { statement: Statement; read: (row: SegmentRow | undefined, outcomes: TurnOutcome[], changes: Changes) => void } {
  const batch = indexes.map((index) => turns[index] as TurnCommit);
  const p = new Params();
  const at = p.add(nowMs(now), "bigint");
  // Which optional parts this segment needs. The statement leaves out the CTEs and
  // columns of the parts it does not (a sequential step completes one task, appends
  // its events, updates the instance and inserts the next task: executing and binding
  // the unused parts cost more than the used ones). One text per shape and schema.
  const updates = UPDATE_FIELDS.filter((f) => batch.some((turn) => f.pick(turn) !== undefined));
  // Rows that belong to a turn carry its position in the segment (1-based, as ORDINALITY counts).
  const perTurn = <T>(items: (turn: TurnCommit) => readonly T[]): { turn: number[]; items: T[] } => {
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
  const consumed = perTurn((t) => t.consumedMessageIds);
  const completes = perTurn((t) => t.local?.completes ?? []);
  const events = perTurn((t) => t.events);
  const children = perTurn((t) => t.instances);
  const messages = perTurn((t) => t.messages);
  const tasks = perTurn((t) => t.activities);
  const shape: Shape = {
    updates: updates.map((f) => f.column),
    consumed: consumed.items.length > 0,
    dropInbox: batch.some((t) => t.dropInbox === true),
    cancel: batch.some((t) => t.cancelActivities === true),
    trim: batch.some((t) => t.deleteHistoryThroughSeq !== undefined),
    completes: completes.items.length > 0,
    events: events.items.length > 0,
    children: children.items.length > 0,
    messages: messages.items.length > 0,
    tasks: tasks.items.length > 0,
  };

  const turnColumns = p.columns(
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

  // A reserved task (sticky dispatch) has an owner and no token; its "lease" column carries
  // when the reservation ends, which the insert makes its available_at (see claimActivities).
  const leaseExpiry = (task: (typeof tasks.items)[number]): number | null =>
    task.claimFor ? atMs(now + task.claimFor.leaseMs) : task.reserveFor ? atMs(now + task.reserveFor.forMs) : null;
  const tokens = tasks.items.map((task) => (task.claimFor ? newLeaseToken() : null));
  const owners = tasks.items.map((task) => task.claimFor?.owner ?? task.reserveFor?.owner ?? null);

  const cols: SegmentColumns = { at, turn: turnColumns };
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
      [tasks.turn, ...taskColumns(tasks.items, now), tokens, owners, tasks.items.map(leaseExpiry)],
      ["integer[]", ...TASK_TYPES, "text[]", "text[]", "bigint[]"],
    );
  }

  // The same text for every commit of a shape in a schema (the placeholders come in a
  // fixed order): built once, so that neither building it nor naming the prepared
  // statement (a hash of its text, cached on the string by V8) costs anything per commit.
  const text = memoised(commitTexts, `${s}|${shapeKey(shape)}`, () => commitText(s, shape, cols));

  const read = (row: SegmentRow | undefined, outcomes: TurnOutcome[], changes: Changes): void => {
    if (!row) return;
    const claimedIds = new Map(row.claimed.map((pair) => pair.split(" ") as [string, string]));
    const firstTask = new Map<number, number>();
    tasks.turn.forEach((k, i) => {
      if (!firstTask.has(k)) firstTask.set(k, i);
    });
    for (const k of row.accepted) {
      const index = indexes[k - 1] as number;
      const turn = turns[index] as TurnCommit;
      const claimed: ActivityWorkItem[] = [];
      const start = firstTask.get(k) ?? 0;
      turn.activities.forEach((task, j) => {
        const token = tokens[start + j];
        const id = token == null ? undefined : claimedIds.get(token);
        if (token == null || id === undefined) return;
        claimed.push(
          toActivityWorkItem({
            id: Number(id),
            instance_id: task.instanceId,
            execution_id: task.executionId,
            task_id: task.taskId,
            name: task.name,
            input: toJson(task.input),
            attempt: task.attempt,
            tags: task.tags === undefined ? null : JSON.stringify(task.tags),
            timeout_ms: task.timeoutMs ?? null,
            visible_at: visibleAt(task.visibleAt, now),
            lease_token: token,
            lease_expires_at: leaseExpiry(task),
            claim_count: 1,
          }),
        );
      });
      outcomes[index] = { committed: true, claimed };
      changes.instances.add(turn.instanceId);
      const status = statusAfterTurn(turn);
      if (status !== undefined) changes.statuses.set(turn.instanceId, status);
    }
    for (const id of row.children) changes.instances.add(id);
    for (const id of row.messaged) changes.instances.add(id);
    if (row.messaged.length > 0) changes.orchestrationWork = true;
    // Tasks claimed by the committing worker need no announcement: nobody else may take them.
    if (row.queued > 0) changes.activityWork = true;
    if (row.reserved > 0) changes.reservedActivityWork = true;
    // The lease is released: if visible messages are left, another claim can take them now.
    if (row.leftover.length > 0) changes.orchestrationWork = true;
  };
  return { statement: { text, values: p.values, prepared: true }, read };
}

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

/** The optional parts of a segment's statement. */
interface Shape {
  /** Instance columns some turn sets. */
  updates: string[];
  consumed: boolean;
  dropInbox: boolean;
  cancel: boolean;
  trim: boolean;
  completes: boolean;
  events: boolean;
  children: boolean;
  messages: boolean;
  tasks: boolean;
}

/** The placeholders of each part, as Params numbered them. */
interface SegmentColumns {
  at: string;
  turn: string;
  consumed?: string;
  completes?: string;
  events?: string;
  children?: string;
  messages?: string;
  tasks?: string;
}

function shapeKey(shape: Shape): string {
  const flags = [
    shape.consumed,
    shape.dropInbox,
    shape.cancel,
    shape.trim,
    shape.completes,
    shape.events,
    shape.children,
    shape.messages,
    shape.tasks,
  ];
  return `${flags.map((on) => (on ? 1 : 0)).join("")}:${shape.updates.join(",")}`;
}

/**
 * The statement of one shape. Every part is the same SQL whatever else the shape holds;
 * a part left out is one the segment has no rows for (its CTE would find nothing).
 */
function commitText(s: string, shape: Shape, cols: SegmentColumns): string {
  const at = cols.at;
  const turnNames = [
    "instance_id",
    "token",
    "is_local",
    "local_last_seq",
    "local_execution_id",
    "last_seq",
    ...(shape.dropInbox ? ["drop_inbox"] : []),
    ...(shape.cancel ? ["cancel_activities"] : []),
    ...(shape.trim ? ["trim_through"] : []),
    ...shape.updates.flatMap((column) => [`set_${column}`, column]),
    "ord",
  ];
  const setColumns = shape.updates
    .map((column) => `,\n        ${column} = CASE WHEN a.set_${column} THEN a.${column} ELSE i.${column} END`)
    .join("");
  const parts: string[] = [
    `turn AS MATERIALIZED (
      SELECT * FROM unnest(${cols.turn}) WITH ORDINALITY AS t(${turnNames.join(", ")})
    )`,
    `fence AS MATERIALIZED (
      SELECT i.instance_id, i.lease_token, i.lease_expires_at, i.status, i.last_seq, i.execution_id
        FROM ${s}.instances i
       WHERE i.instance_id IN (SELECT instance_id FROM turn)
       ORDER BY i.instance_id
       FOR NO KEY UPDATE
    )`,
  ];
  if (shape.completes) {
    parts.push(
      `completes AS (
      SELECT * FROM unnest(${cols.completes}) AS k(turn, id, token)
    )`,
      `held AS MATERIALIZED (
      SELECT a.id, a.lease_token, a.lease_expires_at
        FROM ${s}.activity_tasks a
       WHERE a.id IN (SELECT id FROM completes)
         AND (SELECT count(*) FROM fence) >= 0
       ORDER BY a.id
       FOR UPDATE
    )`,
    );
  }
  const tasksHeld = shape.completes
    ? `
               AND NOT EXISTS (
                 SELECT 1 FROM completes k LEFT JOIN held h ON h.id = k.id
                  WHERE k.turn = t.ord
                    AND (h.id IS NULL OR h.lease_token IS DISTINCT FROM k.token OR COALESCE(h.lease_expires_at, 0) <= ${at}))`
    : "";
  parts.push(`accepted AS MATERIALIZED (
      SELECT t.* FROM turn t JOIN fence f ON f.instance_id = t.instance_id
       WHERE CASE WHEN t.is_local THEN
               COALESCE(f.lease_expires_at, 0) <= ${at}
               AND f.status = 'running' AND f.last_seq = t.local_last_seq AND f.execution_id = t.local_execution_id${tasksHeld}
             ELSE f.lease_token = t.token AND f.lease_expires_at > ${at}
             END
    )`);
  if (shape.consumed) {
    parts.push(
      `consumed_input AS (
      SELECT * FROM unnest(${cols.consumed}) AS c(turn, id)
    )`,
      `consumed AS (
      DELETE FROM ${s}.inbox m
       USING consumed_input c JOIN accepted a ON a.ord = c.turn
       WHERE m.id = c.id AND m.instance_id = a.instance_id
    )`,
    );
  }
  if (shape.dropInbox) {
    parts.push(`dropped AS (
      DELETE FROM ${s}.inbox m USING accepted a WHERE a.drop_inbox AND m.instance_id = a.instance_id
    )`);
  }
  if (shape.completes) {
    parts.push(`completed_tasks AS (
      DELETE FROM ${s}.activity_tasks x USING completes k JOIN accepted a ON a.ord = k.turn WHERE x.id = k.id
    )`);
  }
  if (shape.cancel) {
    parts.push(`cancelled_tasks AS (
      DELETE FROM ${s}.activity_tasks x USING accepted a WHERE a.cancel_activities AND x.instance_id = a.instance_id
    )`);
  }
  if (shape.trim) {
    parts.push(`trimmed AS (
      DELETE FROM ${s}.history h USING accepted a
       WHERE a.trim_through IS NOT NULL AND h.instance_id = a.instance_id AND h.seq <= a.trim_through
    )`);
  }
  if (shape.events) {
    parts.push(`appended AS (
      INSERT INTO ${s}.history (instance_id, seq, type, at, event)
      SELECT a.instance_id, e.seq, e.type, e.at, e.event
        FROM unnest(${cols.events}) AS e(turn, seq, type, at, event) JOIN accepted a ON a.ord = e.turn
    )`);
  }
  parts.push(`updated AS (
      UPDATE ${s}.instances i SET
        last_seq      = a.last_seq,
        updated_at    = ${at}${setColumns},
        lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
        FROM accepted a
       WHERE i.instance_id = a.instance_id
    )`);
  if (shape.children) {
    parts.push(
      `child_input AS (
      SELECT DISTINCT ON (c.instance_id) c.*
        FROM unnest(${cols.children}) WITH ORDINALITY AS c(
               turn, instance_id, name, execution_id, input, parent_instance_id, parent_task_id, tags, start_event, visible_at, ord)
        JOIN accepted a ON a.ord = c.turn
       WHERE c.instance_id <> a.instance_id
       ORDER BY c.instance_id, c.turn, c.ord
    )`,
      `children AS (
      INSERT INTO ${s}.instances (instance_id, name, execution_id, status, input, created_at, updated_at,
                                  parent_instance_id, parent_task_id, tags, last_seq, pending_waits)
      SELECT instance_id, name, execution_id, 'pending', input, ${at}, ${at}, parent_instance_id, parent_task_id, tags, 0, '[]'
        FROM child_input ORDER BY turn, ord
      ON CONFLICT (instance_id) DO NOTHING
      RETURNING instance_id
    )`,
    );
  }
  if (shape.messages) {
    parts.push(
      `msg_input AS (
      SELECT m.* FROM unnest(${cols.messages}) WITH ORDINALITY AS m(turn, instance_id, execution_id, event_type, event, visible_at, ord)
        JOIN accepted a ON a.ord = m.turn
    )`,
      `targets AS (
      SELECT instance_id FROM ${s}.instances
       WHERE instance_id IN (SELECT instance_id FROM msg_input)
         AND instance_id NOT IN (SELECT instance_id FROM accepted)
       FOR KEY SHARE
    )`,
    );
  }
  if (shape.children || shape.messages) {
    const sources: string[] = [];
    if (shape.children) {
      sources.push(`SELECT c.turn, 0 AS grp, c.ord, c.instance_id, c.execution_id, 'ExecutionStarted' AS event_type, c.start_event AS event, c.visible_at
          FROM child_input c WHERE c.instance_id IN (SELECT instance_id FROM children)`);
    }
    if (shape.messages) {
      sources.push(`SELECT m.turn, 1 AS grp, m.ord, m.instance_id, m.execution_id, m.event_type, m.event, m.visible_at
          FROM msg_input m
         WHERE m.instance_id IN (SELECT instance_id FROM accepted)
            OR m.instance_id IN (SELECT instance_id FROM targets)${shape.children ? "\n            OR m.instance_id IN (SELECT instance_id FROM children)" : ""}`);
    }
    parts.push(`messages AS (
      INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
      SELECT instance_id, execution_id, event_type, event, visible_at FROM (
        ${sources.join("\n        UNION ALL\n        ")}
      ) x ORDER BY turn, grp, ord
      RETURNING instance_id
    )`);
  }
  if (shape.tasks) {
    parts.push(`tasks AS (
      INSERT INTO ${s}.activity_tasks (instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at,
                                       lease_token, lease_owner, lease_expires_at, claim_count)
      SELECT t.instance_id, t.execution_id, t.task_id, t.name, t.input, t.attempt, t.tags, t.timeout_ms, t.visible_at,
             COALESCE(t.lease_expires_at, t.visible_at), t.lease_token, t.lease_owner,
             CASE WHEN t.lease_token IS NULL THEN NULL ELSE t.lease_expires_at END,
             CASE WHEN t.lease_token IS NULL THEN 0 ELSE 1 END
        FROM unnest(${cols.tasks}) WITH ORDINALITY AS t(
               turn, instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at,
               lease_token, lease_owner, lease_expires_at, ord)
        JOIN accepted a ON a.ord = t.turn
       ORDER BY t.turn, t.ord
      RETURNING id, lease_token, lease_owner
    )`);
  }
  const untouched = shape.consumed
    ? "\n                       AND m.id NOT IN (SELECT c.id FROM consumed_input c WHERE c.turn = a.ord)"
    : "";
  const outputs = [
    `ARRAY(SELECT ord FROM accepted) AS accepted`,
    shape.children ? `ARRAY(SELECT instance_id FROM children) AS children` : `ARRAY[]::text[] AS children`,
    shape.children || shape.messages ? `ARRAY(SELECT DISTINCT instance_id FROM messages) AS messaged` : `ARRAY[]::text[] AS messaged`,
    shape.tasks ? `(SELECT count(*) FROM tasks WHERE lease_owner IS NULL)::integer AS queued` : `0 AS queued`,
    shape.tasks
      ? `(SELECT count(*) FROM tasks WHERE lease_token IS NULL AND lease_owner IS NOT NULL)::integer AS reserved`
      : `0 AS reserved`,
    shape.tasks
      ? `ARRAY(SELECT lease_token || ' ' || id FROM tasks WHERE lease_token IS NOT NULL) AS claimed`
      : `ARRAY[]::text[] AS claimed`,
    `ARRAY(SELECT a.instance_id FROM accepted a
                  WHERE ${shape.dropInbox ? "NOT a.drop_inbox AND " : ""}EXISTS (
                    SELECT 1 FROM ${s}.inbox m
                     WHERE m.instance_id = a.instance_id${untouched})) AS leftover`,
  ];
  return `WITH
    ${parts.join(", ")}
    SELECT ${outputs.join(",\n           ")}`;
}

/** The commit statement's text per schema and shape (see planSegment). */
const commitTexts = new Map<string, string>();

function memoised(texts: Map<string, string>, key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    // Bounded, for processes that open many schemas (tests): a server has one, and a
    // handful of shapes.
    if (texts.size >= 256) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/** Activity ids are the row ids, as decimal strings. */
function parseTaskId(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}
