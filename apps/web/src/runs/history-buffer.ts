import type { HistoryEvent } from "@weft/client";

/** Appends the events after the last seq already held (a resumed stream may repeat some). */
export function mergeHistory(old: HistoryEvent[], fresh: readonly HistoryEvent[]): HistoryEvent[] {
  const last = lastSeq(old);
  const added = fresh.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq);
  if (added.length === 0) return old; // the same array: nothing re-renders
  const out = old.slice();
  let seq = last;
  for (const e of added) {
    if (e.seq > seq) {
      out.push(e);
      seq = e.seq;
    }
  }
  return out;
}

/** The seq of the last event held, 0 for none. */
export function lastSeq(history: readonly HistoryEvent[] | undefined): number {
  return history?.at(-1)?.seq ?? 0;
}

export interface HistoryBuffer {
  push(event: HistoryEvent): void;
  /** Hands over what is buffered now (on close, and when the stream stops). */
  flush(): void;
}

/**
 * Events that stream in are handed over once per animation frame (at the latest every 100 ms,
 * when the tab is hidden and frames stop), so a burst costs one render, not one per event.
 */
export function createHistoryBuffer(deliver: (events: HistoryEvent[]) => void): HistoryBuffer {
  let buffer: HistoryEvent[] = [];
  let flushFrame: number | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (flushFrame !== undefined) cancelAnimationFrame(flushFrame);
    if (flushTimer) clearTimeout(flushTimer);
    flushFrame = undefined;
    flushTimer = undefined;
  };
  const flush = () => {
    cancel();
    if (buffer.length === 0) return;
    const fresh = buffer;
    buffer = [];
    deliver(fresh);
  };
  return {
    push(event) {
      buffer.push(event);
      if (flushTimer) return;
      flushTimer = setTimeout(flush, 100);
      if (typeof requestAnimationFrame === "function") flushFrame = requestAnimationFrame(flush);
    },
    flush,
  };
}
