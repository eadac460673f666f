import type { TurnCommit, TurnOutcome } from "@weft/engine";
import type { SegmentRow } from "./commit-results.js";
import { planSegment } from "./commit-segment.js";
import type { PlannedWrite } from "./connection.js";
import { parseTaskId } from "@weft/store-sql-kit";

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
 * commit-segment.ts plans a segment's statement (shape and values), commit-sql.ts builds its
 * text, commit-results.ts reads its row.
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
