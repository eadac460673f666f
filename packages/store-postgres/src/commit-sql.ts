/**
 * The text of commitTurns' statement for one segment (see commit-turns.ts): data-modifying
 * CTEs, each part present only if its shape needs it.
 */

/** The optional parts of a segment's statement. */
export interface Shape {
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
export interface SegmentColumns {
  at: string;
  turn: string;
  consumed?: string;
  completes?: string;
  events?: string;
  children?: string;
  messages?: string;
  tasks?: string;
}

/** The commit statement's text per schema and shape (see commitText). */
const commitTexts = new Map<string, string>();

/**
 * The statement of one shape in schema `s`. The same text for every commit of a shape in a
 * schema (the placeholders come in a fixed order): built once, so that neither building it
 * nor naming the prepared statement (a hash of its text, cached on the string by V8) costs
 * anything per commit.
 */
export function commitText(s: string, shape: Shape, cols: SegmentColumns): string {
  return memoised(commitTexts, `${s}|${shapeKey(shape)}`, () => buildCommitText(s, shape, cols));
}

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
 * Every part is the same SQL whatever else the shape holds; a part left out is one the
 * segment has no rows for (its CTE would find nothing).
 */
function buildCommitText(s: string, shape: Shape, cols: SegmentColumns): string {
  const parts: string[] = [
    ...fenceParts(s, shape, cols),
    ...cleanUpParts(s, shape, cols),
    ...historyAndInstanceParts(s, shape, cols),
    ...childAndMessageParts(s, shape, cols),
    ...taskParts(s, shape, cols),
  ];
  return `WITH
    ${parts.join(", ")}
    SELECT ${resultColumns(s, shape).join(",\n           ")}`;
}

/** The segment's turns, the locked instances (and tasks local turns complete), and the turns that pass the fence. */
function fenceParts(s: string, shape: Shape, cols: SegmentColumns): string[] {
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
  return parts;
}

/** Deletes of what the accepted turns used up: consumed messages (or the whole inbox), completed and cancelled tasks, trimmed history. */
function cleanUpParts(s: string, shape: Shape, cols: SegmentColumns): string[] {
  const parts: string[] = [];
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
  return parts;
}

/** The appended events and the instance update, which clears the lease. */
function historyAndInstanceParts(s: string, shape: Shape, cols: SegmentColumns): string[] {
  const at = cols.at;
  const parts: string[] = [];
  if (shape.events) {
    parts.push(`appended AS (
      INSERT INTO ${s}.history (instance_id, seq, type, at, event)
      SELECT a.instance_id, e.seq, e.type, e.at, e.event
        FROM unnest(${cols.events}) AS e(turn, seq, type, at, event) JOIN accepted a ON a.ord = e.turn
    )`);
  }
  const setColumns = shape.updates
    .map((column) => `,\n        ${column} = CASE WHEN a.set_${column} THEN a.${column} ELSE i.${column} END`)
    .join("");
  parts.push(`updated AS (
      UPDATE ${s}.instances i SET
        last_seq      = a.last_seq,
        updated_at    = ${at}${setColumns},
        lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
        FROM accepted a
       WHERE i.instance_id = a.instance_id
    )`);
  return parts;
}

/** Children created, then their ExecutionStarted and the turns' messages inserted (to instances that exist or were just created). */
function childAndMessageParts(s: string, shape: Shape, cols: SegmentColumns): string[] {
  const at = cols.at;
  const parts: string[] = [];
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
  return parts;
}

/** The activity tasks inserted: queued, leased (`claimFor`) or reserved (`reserveFor`). */
function taskParts(s: string, shape: Shape, cols: SegmentColumns): string[] {
  if (!shape.tasks) return [];
  return [
    `tasks AS (
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
    )`,
  ];
}

/** The statement's one row (SegmentRow in commit-results.ts); a part left out answers empty. */
function resultColumns(s: string, shape: Shape): string[] {
  const untouched = shape.consumed
    ? "\n                       AND m.id NOT IN (SELECT c.id FROM consumed_input c WHERE c.turn = a.ord)"
    : "";
  return [
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
}
