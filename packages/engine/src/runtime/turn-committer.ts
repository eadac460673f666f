/**
 * Committing turns, for both kinds of turn a worker runs — claimed (orchestration-
 * dispatcher.ts) and local (completion-flusher.ts): one store call per batch (group
 * commit), the tasks the turns schedule claimed for this worker while it has room, the
 * replay cache updated with what committed, and the claimed tasks started.
 */
import type { Orchestrator } from "../core/context.js";
import type { ActivityDispatcher } from "./activity-dispatcher.js";
import type { InstanceRecord } from "./instance.js";
import { instanceAfter } from "./local-dispatch.js";
import type { OrchestratorResolver, TurnEnvironment, TurnResult } from "./orchestration-turn.js";
import type { NewActivityTask, TurnCommit, TurnOutcome } from "./store.js";
import type { WorkerShared } from "./worker-shared.js";

export class TurnCommitter {
  readonly #shared: WorkerShared;
  readonly #activities: ActivityDispatcher;

  constructor(shared: WorkerShared, activities: ActivityDispatcher) {
    this.#shared = shared;
    this.#activities = activities;
  }

  /** What a turn computed now needs: the time, ids, orchestrators and the history. */
  environment(): TurnEnvironment {
    const shared = this.#shared;
    return {
      now: shared.clock.now(),
      newId: () => shared.ids.newId(),
      resolveOrchestrator: this.#resolve,
      loadHistory: (instanceId: string) => shared.store.getHistory(instanceId),
      ...(shared.options.limits ? { limits: shared.options.limits } : {}),
    };
  }

  readonly #resolve: OrchestratorResolver = (name, instance) => {
    const own = this.#shared.options.orchestrators?.[name];
    if (own) return own as Orchestrator<unknown, unknown>;
    return this.#shared.options.resolveOrchestrator?.(name, instance);
  };

  /**
   * Commits turns in one call (group commit), claiming the tasks they schedule that this
   * worker will run, and starts those. `from` is the instance each turn was computed from.
   * Returns one outcome per turn.
   */
  async commit(turns: readonly { from: InstanceRecord; result: TurnResult }[], local: boolean): Promise<TurnOutcome[]> {
    const shared = this.#shared;
    const commits = this.#claimLocally(turns.map(({ result }) => result.commit));
    for (const commit of commits) shared.ownWrites.set(commit.instanceId, commit.cancelActivities === true);
    let outcomes: TurnOutcome[];
    try {
      outcomes = await shared.store.commitTurns(commits, shared.clock.now());
    } finally {
      shared.ownWrites.clear();
    }
    const metrics = shared.metrics;
    turns.forEach(({ from, result }, i) => {
      const outcome = outcomes[i];
      const commit = commits[i] as TurnCommit;
      metrics.eventsProcessed += result.eventsProcessed;
      if (!outcome?.committed) {
        // A refused local turn did not happen: its results take the queued path (see completion-flusher.ts).
        if (local) metrics.localTurnsRejected += 1;
        else {
          metrics.turns += 1;
          metrics.turnsRejected += 1;
        }
        return;
      }
      metrics.turns += 1;
      if (local) metrics.localTurns += 1;
      if (result.cache) shared.cache.set(commit.instanceId, { ...result.cache, instance: instanceAfter(from, commit) });
      this.#activities.noteScheduled(commit.activities);
      for (const item of outcome.claimed) this.#activities.start(item);
      metrics.activitiesClaimedLocally += outcome.claimed.length;
    });
    return outcomes;
  }

  /**
   * Marks the tasks these turns schedule that this worker should run itself: names it
   * serves, visible now, as many as it has room for. The commit claims them
   * (`claimFor`); the others stay queued for any worker.
   */
  #claimLocally(commits: readonly TurnCommit[]): TurnCommit[] {
    const shared = this.#shared;
    if (!shared.local || !shared.running) return [...commits];
    const own = shared.options.activities ?? {};
    const now = shared.clock.now();
    let room = this.#activities.room();
    const reserveFor = shared.affinityMs > 0 ? { owner: shared.workerId, forMs: shared.affinityMs } : undefined;
    return commits.map((commit) => {
      if (commit.activities.length === 0) return commit;
      const activities = commit.activities.map((task): NewActivityTask => {
        if (!Object.hasOwn(own, task.name) || (task.visibleAt !== undefined && task.visibleAt > now)) return task;
        if (room <= 0) return reserveFor ? { ...task, reserveFor } : task;
        room -= 1;
        return { ...task, claimFor: { owner: shared.workerId, leaseMs: shared.leaseMs } };
      });
      return { ...commit, activities };
    });
  }
}
