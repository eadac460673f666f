import { randomUUID } from "node:crypto";
import {
  toIso,
  type ActivityWorkItem,
  type InstanceStatus,
  type NewActivityTask,
  type NewInstance,
  type NewMessage,
  type TurnCommit,
} from "@weft/engine";
import { statusAfterTurn } from "@weft/engine/store-kit";
import { historyEventJson, toActivityWorkItem, toJson } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The write steps shared by several operations. They run inside a transaction
 * the caller owns and record what they touched in `Changes`, which the store
 * turns into notifications once that transaction has committed.
 */
export interface Changes {
  instances: Set<string>;
  /** The status of a changed instance, where a committed turn established it (see statusAfterTurn). */
  statuses: Map<string, InstanceStatus>;
  orchestrationWork: boolean;
  activityWork: boolean;
}

export function noChanges(): Changes {
  return { instances: new Set(), statuses: new Map(), orchestrationWork: false, activityWork: false };
}

export function newLeaseToken(): string {
  return randomUUID();
}

/** Inserts the instance row, its tags and its ExecutionStarted message. */
export function insertInstance(s: Statements, init: NewInstance, now: number, changes: Changes): void {
  const at = toIso(now);
  s.insertInstance.run({
    instanceId: init.instanceId,
    name: init.name,
    executionId: init.executionId,
    input: toJson(init.input),
    at,
    parentInstanceId: init.parentInstanceId ?? null,
    parentTaskId: init.parentTaskId ?? null,
    tags: JSON.stringify(init.tags ?? {}),
  });
  for (const [key, value] of Object.entries(init.tags ?? {})) s.insertTag.run(init.instanceId, key, value);
  insertMessage(
    s,
    {
      instanceId: init.instanceId,
      executionId: init.executionId,
      event: {
        type: "ExecutionStarted",
        at,
        name: init.name,
        input: init.input,
        executionId: init.executionId,
        ...(init.tags === undefined ? {} : { tags: init.tags }),
        ...(init.parentInstanceId === undefined ? {} : { instanceId: init.parentInstanceId }),
        ...(init.parentTaskId === undefined ? {} : { taskId: init.parentTaskId }),
      },
      ...(init.visibleAt === undefined ? {} : { visibleAt: init.visibleAt }),
    },
    now,
    changes,
  );
  changes.instances.add(init.instanceId);
}

/** Deletes an instance with everything that belongs to it. */
export function deleteInstance(s: Statements, instanceId: string): void {
  s.deleteHistory.run(instanceId);
  s.deleteInbox.run(instanceId);
  s.deleteActivities.run(instanceId);
  s.deleteTags.run(instanceId);
  s.deleteInstance.run(instanceId);
}

/** `defaultVisibleAt` applies when the message has no visibleAt of its own. */
export function insertMessage(s: Statements, message: NewMessage, defaultVisibleAt: number, changes: Changes): void {
  s.insertMessage.run(
    message.instanceId,
    message.executionId ?? null,
    message.event.type,
    JSON.stringify(message.event),
    message.visibleAt ?? defaultVisibleAt,
  );
  changes.instances.add(message.instanceId);
  changes.orchestrationWork = true;
}

/** Inserts a task; one with `claimFor` is leased to that owner at once and returned (local dispatch). */
export function insertActivity(s: Statements, task: NewActivityTask, now: number, changes: Changes): ActivityWorkItem | undefined {
  const row = {
    instanceId: task.instanceId,
    executionId: task.executionId,
    taskId: task.taskId,
    name: task.name,
    input: toJson(task.input),
    attempt: task.attempt,
    tags: task.tags === undefined ? null : JSON.stringify(task.tags),
    timeoutMs: task.timeoutMs ?? null,
    visibleAt: task.visibleAt ?? now,
  };
  if (!task.claimFor) {
    s.insertActivity.run(row);
    changes.activityWork = true;
    return undefined;
  }
  // Claimed by the transaction that schedules it: nobody else needs to hear of it.
  const token = newLeaseToken();
  const expiresAt = now + task.claimFor.leaseMs;
  const { lastInsertRowid } = s.insertLeasedActivity.run({ ...row, token, owner: task.claimFor.owner, expiresAt });
  return toActivityWorkItem({
    id: Number(lastInsertRowid),
    instance_id: row.instanceId,
    execution_id: row.executionId,
    task_id: row.taskId,
    name: row.name,
    input: row.input,
    attempt: row.attempt,
    tags: row.tags,
    timeout_ms: row.timeoutMs,
    visible_at: row.visibleAt,
    lease_token: token,
    lease_expires_at: expiresAt,
    claim_count: 1,
  });
}

export function instanceExists(s: Statements, instanceId: string): boolean {
  return s.instanceStatus.get(instanceId) !== undefined;
}

/**
 * Applies one turn whose fence the caller has already verified, and returns the tasks it
 * claimed (`claimFor`). The order
 * matters: the turn's own inbox and task clean-up happen before its new
 * children, messages and tasks are inserted, so a turn never deletes what it
 * produces, and children exist before the messages addressed to them.
 */
export function applyTurn(s: Statements, turn: TurnCommit, now: number, changes: Changes): ActivityWorkItem[] {
  const id = turn.instanceId;
  // A local turn's results reach history directly: their tasks go, no inbox message is written.
  for (const task of turn.local?.completes ?? []) s.deleteActivity.run(Number(task.id));
  // An ending turn drops the whole inbox, its consumed messages with it.
  if (turn.dropInbox) s.deleteInbox.run(id);
  else for (const messageId of turn.consumedMessageIds) s.deleteMessage.run(messageId, id);
  if (turn.cancelActivities) s.deleteActivities.run(id);
  if (turn.deleteHistoryThroughSeq !== undefined) s.deleteHistoryThrough.run(id, turn.deleteHistoryThroughSeq);
  for (const event of turn.events) s.insertEvent.run(id, event.seq, event.type, event.at, historyEventJson(event));

  const u = turn.update;
  const flag = (value: unknown): number => (value === undefined ? 0 : 1);
  const update = u.status === undefined ? s.updateInstanceKeepStatus : s.updateInstance;
  update.run({
    instanceId: id,
    lastSeq: u.lastSeq,
    updatedAt: toIso(now),
    ...(u.status === undefined ? {} : { status: u.status }),
    setExecutionId: flag(u.executionId),
    executionId: u.executionId ?? null,
    setInput: flag(u.input),
    input: toJson(u.input),
    // null clears output, error and completedAt: SQL NULL is "absent".
    setOutput: flag(u.output),
    output: u.output === null ? null : toJson(u.output),
    setError: flag(u.error),
    error: u.error === null || u.error === undefined ? null : JSON.stringify(u.error),
    setCustomStatus: flag(u.customStatus),
    customStatus: toJson(u.customStatus),
    setCompletedAt: flag(u.completedAt),
    completedAt: u.completedAt ?? null,
    setPendingWaits: flag(u.pendingWaits),
    pendingWaits: JSON.stringify(u.pendingWaits ?? []),
  });
  changes.instances.add(id);
  const status = statusAfterTurn(turn);
  if (status !== undefined) changes.statuses.set(id, status);

  for (const child of turn.instances) {
    if (!instanceExists(s, child.instanceId)) insertInstance(s, child, now, changes);
  }
  for (const message of turn.messages) {
    if (instanceExists(s, message.instanceId)) insertMessage(s, message, now, changes);
  }
  const claimed: ActivityWorkItem[] = [];
  for (const task of turn.activities) {
    const item = insertActivity(s, task, now, changes);
    if (item) claimed.push(item);
  }
  // The lease is released: if visible messages are left, another claim can take them now.
  // After a dropped inbox the only ones are those this turn inserted, which said so already.
  if (!turn.dropInbox && s.hasMessages.get(id) !== undefined) changes.orchestrationWork = true;
  return claimed;
}
