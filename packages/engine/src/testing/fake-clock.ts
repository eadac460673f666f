import type { Clock } from "../runtime/clock.js";

export interface FakeClock extends Clock {
  /** Moves time forward and fires every timer that came due, in time order. */
  advance(ms: number): void;
  set(epochMs: number): void;
}

/**
 * A clock that only moves when told to. Timers fire synchronously inside
 * `advance`, so a test controls exactly when durable timers become due.
 */
export function createFakeClock(startMs = Date.parse("2026-01-01T00:00:00.000Z")): FakeClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const fireDue = (): void => {
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of timers) {
        if (timer.at <= now && timer.at < dueAt) {
          dueAt = timer.at;
          dueId = id;
        }
      }
      if (dueId === undefined) return;
      const timer = timers.get(dueId);
      timers.delete(dueId);
      timer?.callback();
    }
  };
  return {
    now: () => now,
    setTimer(callback, delayMs) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, delayMs), callback });
      return () => timers.delete(id);
    },
    advance(ms) {
      now += ms;
      fireDue();
    },
    set(epochMs) {
      now = epochMs;
      fireDue();
    },
  };
}
