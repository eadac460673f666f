import { randomUUID } from "node:crypto";
import { toIso, type NewActivityTask, type NewInstance, type NewMessage } from "@weft/engine";
import type { Changes, Queryable } from "./connection.js";
import { atMs, nowMs, toJson } from "./rows.js";

/**
 * Write steps shared by several operations. They run inside a transaction the
 * caller owns and record what they touched in `Changes`.
 *
 * Locking rules (see ARCHITECTURE.md): an instance's lease holder, a claim and a
 * commit take `FOR NO KEY UPDATE` on the instance row; whoever only adds a
 * message to an instance takes `FOR KEY SHARE` on it (which does not conflict
 * with those, only with deleting the row), so that a message can never be
 * inserted for an instance that is being purged or replaced.
 */

export function newLeaseToken(): string {
  return randomUUID();
}

/** The ExecutionStarted event a new instance's inbox starts with. */
export function startEvent(init: NewInstance, now: number): string {
  return JSON.stringify({
    type: "ExecutionStarted",
    at: toIso(now),
    name: init.name,
    input: init.input,
    executionId: init.executionId,
    ...(init.tags === undefined ? {} : { tags: init.tags }),
    ...(init.parentInstanceId === undefined ? {} : { instanceId: init.parentInstanceId }),
    ...(init.parentTaskId === undefined ? {} : { taskId: init.parentTaskId }),
  });
}

/** A given visibleAt rounded up; the default ("now") rounded down, so it is visible at that now. */
function visibleAt(given: number | undefined, now: number): number {
  return given === undefined ? nowMs(now) : atMs(given);
}

/** Column arrays of new instances, for `unnest`. */
export function instanceColumns(inits: readonly NewInstance[], now: number): unknown[][] {
  return [
    inits.map((i) => i.instanceId),
    inits.map((i) => i.name),
    inits.map((i) => i.executionId),
    inits.map((i) => toJson(i.input)),
    inits.map((i) => i.parentInstanceId ?? null),
    inits.map((i) => i.parentTaskId ?? null),
    inits.map((i) => JSON.stringify(i.tags ?? {})),
    inits.map((i) => startEvent(i, now)),
    inits.map((i) => visibleAt(i.visibleAt, now)),
  ];
}

/** Column arrays of new messages, for `unnest`. */
export function messageColumns(messages: readonly NewMessage[], defaultVisibleAt: number): unknown[][] {
  return [
    messages.map((m) => m.instanceId),
    messages.map((m) => m.executionId ?? null),
    messages.map((m) => m.event.type),
    messages.map((m) => JSON.stringify(m.event)),
    messages.map((m) => visibleAt(m.visibleAt, defaultVisibleAt)),
  ];
}

/** Column arrays of new activity tasks, for `unnest`. */
export function taskColumns(tasks: readonly NewActivityTask[], now: number): unknown[][] {
  return [
    tasks.map((t) => t.instanceId),
    tasks.map((t) => t.executionId),
    tasks.map((t) => t.taskId),
    tasks.map((t) => t.name),
    tasks.map((t) => toJson(t.input)),
    tasks.map((t) => t.attempt),
    tasks.map((t) => (t.tags === undefined ? null : JSON.stringify(t.tags))),
    tasks.map((t) => t.timeoutMs ?? null),
    tasks.map((t) => visibleAt(t.visibleAt, now)),
  ];
}

/**
 * Inserts messages (in the given order) into the inboxes of the instances that
 * exist; messages to unknown instances are dropped. Returns the instances that
 * got one.
 */
export async function insertMessages(
  c: Queryable,
  s: string,
  messages: readonly NewMessage[],
  defaultVisibleAt: number,
  changes: Changes,
): Promise<void> {
  if (messages.length === 0) return;
  const result = await c.query<{ instance_id: string }>(
    `WITH m AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         WITH ORDINALITY AS m(instance_id, execution_id, event_type, event, visible_at, ord)
     ), targets AS (
       SELECT instance_id FROM ${s}.instances WHERE instance_id IN (SELECT instance_id FROM m) FOR KEY SHARE
     )
     INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
     SELECT m.instance_id, m.execution_id, m.event_type, m.event, m.visible_at
       FROM m JOIN targets ON targets.instance_id = m.instance_id
      ORDER BY m.ord
     RETURNING instance_id`,
    messageColumns(messages, defaultVisibleAt),
  );
  for (const row of result.rows) changes.instances.add(row.instance_id);
  if (result.rows.length > 0) changes.orchestrationWork = true;
}

/**
 * Inserts one new instance with its ExecutionStarted message. Returns false
 * (writing nothing) if the id is taken.
 */
export async function insertInstance(c: Queryable, s: string, init: NewInstance, now: number, changes: Changes): Promise<boolean> {
  const result = await c.query(
    `WITH created AS (
       INSERT INTO ${s}.instances (instance_id, name, execution_id, status, input, created_at, updated_at,
                                   parent_instance_id, parent_task_id, tags, last_seq, pending_waits)
       VALUES ($1, $2, $3, 'pending', $4, $10, $10, $5, $6, $7, 0, '[]')
       ON CONFLICT (instance_id) DO NOTHING
       RETURNING instance_id
     )
     INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
     SELECT instance_id, $3, 'ExecutionStarted', $8, $9 FROM created
     RETURNING instance_id`,
    [...instanceColumns([init], now).map((column) => column[0]), nowMs(now)],
  );
  if (result.rows.length === 0) return false;
  changes.instances.add(init.instanceId);
  changes.orchestrationWork = true;
  return true;
}

/** Deletes an instance with its history, inbox and activity tasks (the caller holds its row lock). */
export async function deleteInstance(c: Queryable, s: string, instanceId: string): Promise<void> {
  await c.query(
    `WITH h AS (DELETE FROM ${s}.history WHERE instance_id = $1),
          m AS (DELETE FROM ${s}.inbox WHERE instance_id = $1),
          t AS (DELETE FROM ${s}.activity_tasks WHERE instance_id = $1)
     DELETE FROM ${s}.instances WHERE instance_id = $1`,
    [instanceId],
  );
}
