/**
 * Local dispatch: a sequential step as one durable commit.
 *
 * Through the queue tables a step is five store calls — claim the task, run it,
 * complete it (a message in the inbox), claim the instance, commit the turn. When the
 * worker that ran a turn also runs the activities it scheduled, most of that is a
 * detour through the database to itself:
 *
 * - the turn's commit claims the tasks this worker will run (`claimFor`), so they need
 *   no claim of their own and nobody else is told about them;
 * - when such a task finishes and the worker still holds the instance's executor
 *   (the replay cache), it runs the next turn at once on the result and commits
 *   "task done + the turn" as one *local turn*, fenced by the instance's state
 *   (no live lease, same lastSeq and execution, still running) instead of a lease.
 *
 * Everything stays in the tables as before — tasks with leases, history, the inbox —
 * so a crash loses nothing: an unfinished task's lease lapses and any worker claims it,
 * and a local turn that finds the instance changed under it (another worker's turn, a
 * claim, a terminate) writes nothing and the result takes the queued path instead.
 */
import type { InstanceRecord } from "./instance.js";
import type { CachedExecutor } from "./orchestration-turn.js";
import type { ActivityResult, InboxMessage, OrchestrationWorkItem, TurnCommit } from "./store.js";

/**
 * The work item a local turn runs on: the instance as the cached executor last left it,
 * and the results as inbox messages that were never stored (their ids are placeholders,
 * and the turn built from them consumes nothing from the inbox).
 */
export function localWorkItem(
  cached: CachedExecutor & { instance: InstanceRecord },
  results: readonly ActivityResult[],
  now: number,
): OrchestrationWorkItem {
  const messages = results.map((result, index): InboxMessage => ({
    id: -(index + 1),
    instanceId: result.message.instanceId,
    ...(result.message.executionId === undefined ? {} : { executionId: result.message.executionId }),
    event: result.message.event,
    visibleAt: now,
  }));
  return { instance: { ...cached.instance, lastSeq: cached.lastSeq }, leaseToken: "", messages };
}

/** Turns a turn computed from a local work item into a local commit, fenced by the state it was computed from. */
export function asLocalCommit(commit: TurnCommit, from: InstanceRecord, results: readonly ActivityResult[]): TurnCommit {
  const { leaseToken: _unused, ...rest } = commit;
  return {
    ...rest,
    consumedMessageIds: [],
    local: {
      lastSeq: from.lastSeq,
      executionId: from.executionId,
      completes: results.map((r) => ({ id: r.id, leaseToken: r.leaseToken })),
    },
  };
}

/** The instance after a committed turn: the fields a later local turn reads. */
export function instanceAfter(instance: InstanceRecord, commit: TurnCommit): InstanceRecord {
  const { update } = commit;
  return {
    ...instance,
    lastSeq: update.lastSeq,
    ...(update.status === undefined ? {} : { status: update.status }),
    ...(update.executionId === undefined ? {} : { executionId: update.executionId }),
    ...(update.input === undefined ? {} : { input: update.input }),
  };
}
