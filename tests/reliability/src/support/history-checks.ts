/** A history event as the HTTP API returns it. */
export interface Event {
  seq: number;
  type: string;
  at?: string;
  taskId?: number;
  name?: string;
  input?: unknown;
  result?: unknown;
  fireAt?: string;
  tags?: Record<string, unknown>;
  [field: string]: unknown;
}

const ANSWERS = new Set(["TaskCompleted", "TaskFailed"]);
const TERMINAL = new Set(["ExecutionCompleted", "ExecutionTerminated"]);

/**
 * What a crash must never leave in a history: a seq used twice or out of order, a
 * task scheduled twice or answered twice, a timer that fired twice, more than one
 * terminal event. Returns the problems found (empty when the history is sound).
 */
export function historyProblems(events: readonly Event[]): string[] {
  const problems: string[] = [];
  const seqs = new Set<number>();
  let last = 0;
  const scheduled = new Map<number, number>();
  const answered = new Map<number, number>();
  const timers = new Map<number, number>();
  const fired = new Map<number, number>();
  let terminal = 0;
  const bump = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const event of events) {
    if (seqs.has(event.seq)) problems.push(`seq ${event.seq} appears twice`);
    if (event.seq <= last) problems.push(`seq ${event.seq} follows ${last}`);
    seqs.add(event.seq);
    last = Math.max(last, event.seq);
    if (event.type === "TaskScheduled" && event.taskId !== undefined) bump(scheduled, event.taskId);
    if (ANSWERS.has(event.type) && event.taskId !== undefined) bump(answered, event.taskId);
    if (event.type === "TimerCreated" && event.taskId !== undefined) bump(timers, event.taskId);
    if (event.type === "TimerFired" && event.taskId !== undefined) bump(fired, event.taskId);
    if (TERMINAL.has(event.type)) terminal += 1;
  }
  for (const [taskId, n] of scheduled) if (n > 1) problems.push(`task ${taskId} scheduled ${n} times`);
  for (const [taskId, n] of answered) {
    if (n > 1) problems.push(`task ${taskId} answered ${n} times`);
    if (!scheduled.has(taskId)) problems.push(`task ${taskId} answered but never scheduled`);
  }
  for (const [taskId, n] of fired) {
    if (n > 1) problems.push(`timer ${taskId} fired ${n} times`);
    if (!timers.has(taskId)) problems.push(`timer ${taskId} fired but never created`);
  }
  if (terminal > 1) problems.push(`${terminal} terminal events`);
  return problems;
}
