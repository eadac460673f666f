import type { HistoryEvent } from "@weft/client";

/** Tests' history events: `at` in ms after T0, seqs counted from the last `resetSeq()`. */
export const T0 = Date.parse("2026-01-01T00:00:00.000Z");
export const at = (ms: number) => new Date(T0 + ms).toISOString();

let seq = 0;
export function resetSeq(): void {
  seq = 0;
}

export const ev = (ms: number, type: HistoryEvent["type"], extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  seq: ++seq,
  type,
  at: at(ms),
  ...extra,
});
