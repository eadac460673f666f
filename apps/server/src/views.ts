import { taggedVersion } from "@weft/definition";
import type { FailureDetails, HistoryEvent, InstanceRecord, PendingWait } from "@weft/engine";
import type { Approval, InstanceDetail, InstanceSummary } from "@weft/protocol";

/**
 * A failure as the API shows it: without its stack trace. History keeps the stack (a
 * database written by an earlier release has them anyway), but a stack names the
 * server's files and modules, which are nobody's business outside it; the logs have them.
 */
export function publicFailure(failure: FailureDetails): FailureDetails {
  const { stack: _stack, cause, ...rest } = failure;
  return cause ? { ...rest, cause: publicFailure(cause) } : rest;
}

/** A history event as the API and the streams show it (failures without stacks). */
export function publicEvent(event: HistoryEvent): HistoryEvent {
  return event.error ? { ...event, error: publicFailure(event.error) } : event;
}

export function summaryView(instance: InstanceRecord): InstanceSummary {
  const version = taggedVersion(instance.tags);
  return {
    instanceId: instance.instanceId,
    workflowId: instance.name,
    version: version ?? null,
    status: instance.status,
    customStatus: instance.customStatus ?? null,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
    completedAt: instance.completedAt ?? null,
    waitingFor: instance.pendingWaits.map((wait) => {
      const approval = wait.tags?.approval as { title?: unknown } | undefined;
      return typeof approval?.title === "string" ? approval.title : wait.name;
    }),
    lastError: instance.status === "failed" && instance.error ? errorLine(instance.error) : null,
  };
}

const ERROR_LINE_CHARS = 200;

function errorLine(error: { name?: string; message?: string }): string {
  const line = `${error.name ?? "Error"}: ${error.message ?? ""}`.replace(/\s+/g, " ");
  return line.length > ERROR_LINE_CHARS ? `${line.slice(0, ERROR_LINE_CHARS - 1)}…` : line;
}

export type PendingView = InstanceDetail["pending"];

export function detailView(instance: InstanceRecord, history: readonly HistoryEvent[]): InstanceDetail {
  return {
    ...summaryView(instance),
    input: instance.input ?? null,
    output: instance.output ?? null,
    error: instance.error ? publicFailure(instance.error) : null,
    parentInstanceId: instance.parentInstanceId ?? null,
    pending: pendingView(instance, history),
  };
}

/** What the instance is waiting on right now: its open waits, timers and activity attempts. */
export function pendingView(instance: InstanceRecord, history: readonly HistoryEvent[]): PendingView {
  const timers = new Map<number, HistoryEvent>();
  const activities = new Map<number, HistoryEvent>();
  const terminal = instance.status === "completed" || instance.status === "failed" || instance.status === "terminated";
  if (!terminal) {
    for (const event of history) {
      if (event.taskId === undefined) continue;
      if (event.type === "TimerCreated") timers.set(event.taskId, event);
      else if (event.type === "TimerFired") timers.delete(event.taskId);
      else if (event.type === "TaskScheduled") activities.set(event.taskId, event);
      else if (event.type === "TaskCompleted" || event.type === "TaskFailed") activities.delete(event.taskId);
    }
  }
  const nodeOf = (event: { tags?: HistoryEvent["tags"] }) => (typeof event.tags?.nodeId === "string" ? event.tags.nodeId : null);
  return {
    events: terminal
      ? []
      : instance.pendingWaits.map((wait: PendingWait) => ({
          name: wait.name,
          nodeId: nodeOf(wait),
          since: wait.since,
          timeoutAt: wait.timeoutAt ?? null,
          approval: wait.tags?.approval ?? null,
        })),
    timers: [...timers.values()].map((t) => ({ nodeId: nodeOf(t), fireAt: t.fireAt ?? t.at, taskId: t.taskId ?? 0 })),
    activities: [...activities.values()].map((a) => ({
      taskId: a.taskId ?? 0,
      name: a.name ?? "",
      nodeId: nodeOf(a),
      attempt: a.attempt ?? 1,
      startedAt: a.at,
    })),
  };
}

/** One pending approval, for the Approvals inbox. */
export function approvalViews(instance: InstanceRecord): Approval[] {
  return instance.pendingWaits
    .filter((wait) => wait.tags?.approval)
    .map((wait) => {
      const approval = wait.tags?.approval as { title?: string; choices?: string[] };
      return {
        instanceId: instance.instanceId,
        workflowId: instance.name,
        nodeId: typeof wait.tags?.nodeId === "string" ? wait.tags.nodeId : null,
        event: wait.name,
        title: approval.title ?? wait.name,
        choices: approval.choices ?? [],
        since: wait.since,
        timeoutAt: wait.timeoutAt ?? null,
        summary: inputSummary(instance.input),
      };
    });
}

const SUMMARY_FIELDS = 4;
const SUMMARY_VALUE_CHARS = 40;

/**
 * A run's input in one line, for a list of runs that all wait on the same step: the first few
 * fields with a plain value (text, number, yes/no), each cut short. Nested values are left out.
 */
export function inputSummary(input: unknown): string | null {
  const plain = (value: unknown): string | undefined => {
    if (typeof value === "string") return value.length > SUMMARY_VALUE_CHARS ? `${value.slice(0, SUMMARY_VALUE_CHARS - 1)}…` : value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return undefined;
  };
  if (input === null || input === undefined) return null;
  if (Array.isArray(input)) return `${input.length} item${input.length === 1 ? "" : "s"}`;
  if (typeof input !== "object") return plain(input) ?? null;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const text = plain(value);
    if (text === undefined) continue;
    parts.push(`${key}: ${text}`);
    if (parts.length === SUMMARY_FIELDS) break;
  }
  return parts.length ? parts.join(" · ") : null;
}
