import type { CachedExecutor } from "./orchestration-turn.js";

/**
 * A bounded LRU of live executors, so a turn feeds only new events to an
 * orchestrator that is already in memory. A miss costs one full replay.
 */
export class ReplayCache {
  readonly #entries = new Map<string, CachedExecutor>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(0, capacity);
  }

  /** Puts an executor in as the most recently used, evicting the least recently used beyond capacity. */
  set(instanceId: string, entry: CachedExecutor): void {
    if (this.#capacity === 0) return;
    this.#entries.delete(instanceId);
    this.#entries.set(instanceId, entry);
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /**
   * Takes the executor out: a turn mutates it, so one turn at a time may hold it. Two turns
   * of one instance over one executor (a local turn and a claimed one, interleaved at
   * their awaits) would each see the other's decisions as already made, and the turn that
   * commits could leave out work the other one decided.
   */
  take(instanceId: string): CachedExecutor | undefined {
    const entry = this.#entries.get(instanceId);
    if (entry) this.#entries.delete(instanceId);
    return entry;
  }

  /** Puts back an executor that was taken and not used, unless a newer one is here already. */
  putBack(instanceId: string, entry: CachedExecutor): void {
    if (!this.#entries.has(instanceId)) this.set(instanceId, entry);
  }
}
