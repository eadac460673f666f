/**
 * Group commit: calls that each write a little (a start, a raised event) share one
 * store transaction, so a burst of N calls costs one durable commit instead of N.
 *
 * When calls are coalesced:
 * - **while a commit is in flight** (an asynchronous store such as PostgreSQL): every
 *   call made meanwhile waits for it and goes into the next transaction;
 * - **within one turn of the event loop**: the first call of an idle coalescer schedules
 *   the commit with `setImmediate`, so every call made before the loop's check phase —
 *   the rest of the HTTP requests whose bytes arrived in the same poll phase — joins it.
 *   This matters for SQLite: its store is synchronous inside (better-sqlite3), so a
 *   commit is never "in flight" while other code runs and the first rule alone would
 *   never batch anything. `setImmediate` is not a timed wait: an idle call commits as
 *   soon as the current turn's callbacks have run, without a clock involved.
 *
 * Each call gets its own outcome. A transaction that fails writes nothing, so a failed
 * group is committed again one call at a time, and only the call that caused the
 * failure sees it. (If a store cannot tell whether a commit happened — a connection lost
 * during COMMIT — that retry is the same as the caller's own retry would have been.)
 */
export interface GroupCommitOptions<Item, Outcome> {
  /** Writes the items in one transaction; one outcome per item, in their order. */
  commit(items: readonly Item[]): Promise<readonly Outcome[]>;
  /**
   * At most this many items per transaction (default 1,000); the rest go into the next.
   * Bounds how long one transaction holds the write lock (and, for SQLite, the event loop).
   */
  maxBatch?: number;
}

export interface GroupCommit<Item, Outcome> {
  /**
   * Queues the item for the next group transaction; resolves with its outcome once that
   * transaction committed.
   * @example const outcome = await starts.submit(init);
   */
  submit(item: Item): Promise<Outcome>;
}

interface Pending<Item, Outcome> {
  item: Item;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

export const DEFAULT_MAX_GROUP_COMMIT = 1000;

/**
 * @example
 * const starts = createGroupCommit({ commit: (inits) => store.createInstances(inits, clock.now()) });
 * const [a, b] = await Promise.all([starts.submit(initA), starts.submit(initB)]); // one transaction
 */
export function createGroupCommit<Item, Outcome>(options: GroupCommitOptions<Item, Outcome>): GroupCommit<Item, Outcome> {
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_GROUP_COMMIT);
  let queue: Pending<Item, Outcome>[] = [];
  // True from the moment a flush is scheduled until the queue is empty again: a call made
  // in between only queues, and is picked up by that flush or the one after it.
  let active = false;

  const schedule = (): void => {
    active = true;
    setImmediate(() => void flush());
  };

  async function flush(): Promise<void> {
    const group = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
    await commitGroup(group);
    // Calls that came while this group committed (or did not fit in it) form the next group.
    // Scheduled rather than looped, so that with a synchronous store a long queue still lets
    // the event loop serve I/O between transactions.
    if (queue.length > 0) schedule();
    else active = false;
  }

  async function commitGroup(group: readonly Pending<Item, Outcome>[]): Promise<void> {
    try {
      settle(group, await options.commit(group.map((p) => p.item)));
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      // The transaction wrote nothing: each call again on its own, so one call's bad item
      // (a value the database refuses) does not fail the others.
      for (const pending of group) {
        try {
          settle([pending], await options.commit([pending.item]));
        } catch (own) {
          pending.reject(own);
        }
      }
    }
  }

  function settle(group: readonly Pending<Item, Outcome>[], outcomes: readonly Outcome[]): void {
    if (outcomes.length !== group.length) {
      const error = new Error(
        `A group commit of ${group.length} items returned ${outcomes.length} outcomes; the store must return one per item.`,
      );
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, index) => pending.resolve(outcomes[index] as Outcome));
  }

  return {
    submit(item) {
      return new Promise<Outcome>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!active) schedule();
      });
    },
  };
}
