/** Time and ids come from ports, so the runtime can be driven by a fake clock in tests (the deterministic core never reads either: its time is the history's). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` after `delayMs` of this clock's time; returns a cancel function. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    // setTimeout's limit is 2^31-1 ms; waking early is harmless (the dispatcher re-checks).
    const handle = setTimeout(callback, Math.min(Math.max(0, delayMs), 2_147_483_647));
    return () => clearTimeout(handle);
  },
};

export interface IdGenerator {
  /** A globally unique id (instance ids, execution ids, lease tokens). */
  newId(): string;
}

export const randomIdGenerator: IdGenerator = {
  newId: () => globalThis.crypto.randomUUID(),
};
