import { randomUUID } from "node:crypto";
import { toIso, type NewActivityTask, type NewInstance, type NewMessage } from "@weft/engine";
import type { Queryable } from "./connection.js";
import { atMs, nowMs, toJson } from "./rows.js";

/**
 * Column arrays and write steps shared by several operations.
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
export function visibleAt(given: number | undefined, now: number): number {
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
