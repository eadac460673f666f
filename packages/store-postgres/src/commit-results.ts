import type { ActivityWorkItem, NewActivityTask, TurnCommit, TurnOutcome } from "@weft/engine";
import { statusAfterTurn } from "@weft/engine/store-kit";
import type { Changes } from "./connection.js";
import { toActivityWorkItem, toJson } from "./rows.js";
import { visibleAt } from "./writes.js";

/** The one row of a segment's statement (see resultColumns in commit-sql.ts). */
export interface SegmentRow {
  accepted: number[];
  children: string[];
  messaged: string[];
  queued: number;
  reserved: number;
  claimed: string[];
  leftover: string[];
}

/** What a segment sent that its row is read against. */
export interface SentSegment {
  /** The batch's turns, and the indexes of those in this segment. */
  turns: readonly TurnCommit[];
  indexes: readonly number[];
  /** Per task row sent: its turn's position in the segment (1-based), and its token (`claimFor`) or null. */
  taskTurns: readonly number[];
  tokens: readonly (string | null)[];
  leaseExpiry: (task: NewActivityTask) => number | null;
  now: number;
}

/** Records the accepted turns' outcomes (with the tasks claimed for them) and what the segment changed. */
export function readSegmentRow(row: SegmentRow | undefined, sent: SentSegment, outcomes: TurnOutcome[], changes: Changes): void {
  if (!row) return;
  const { turns, indexes, tokens, leaseExpiry, now } = sent;
  const claimedIds = new Map(row.claimed.map((pair) => pair.split(" ") as [string, string]));
  const firstTask = new Map<number, number>();
  sent.taskTurns.forEach((k, i) => {
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
}
