import type { StoreApi } from "zustand/vanilla";
import type { DesignerState, Snapshot } from "./store";

const HISTORY_LIMIT = 200;
/** Keystrokes in one field within this window are one undo step. */
const COALESCE_MS = 1200;

type Set = StoreApi<DesignerState>["setState"];
type Get = StoreApi<DesignerState>["getState"];

/** What the editing slices share: the store, and the one way to change the document (`edit`). */
export interface SliceContext {
  set: Set;
  get: Get;
  /** Records the current document as an undo step (unless it continues the last coalesced edit). */
  record(coalesceKey?: string): void;
  /** Changes the document as one undo step (or part of the last, with the same coalesce key); no-op when read-only. */
  edit(change: Partial<Snapshot>, coalesceKey?: string): void;
}

export type HistorySlice = Pick<DesignerState, "beginDrag" | "undo" | "redo">;

/** The undo and redo stacks: whole-document snapshots, with keystrokes in one field coalesced. */
export function createHistory(set: Set, get: Get, now: () => number): { context: SliceContext; slice: HistorySlice } {
  let lastCoalesce: { key: string; at: number } | undefined;
  const snapshot = (): Snapshot => {
    const { meta, nodes, edges } = get();
    return { meta, nodes, edges };
  };
  const record = (coalesceKey?: string) => {
    const t = now();
    if (coalesceKey && lastCoalesce && lastCoalesce.key === coalesceKey && t - lastCoalesce.at < COALESCE_MS) {
      lastCoalesce.at = t;
      return;
    }
    lastCoalesce = coalesceKey ? { key: coalesceKey, at: t } : undefined;
    set((s) => ({ past: [...s.past, snapshot()].slice(-HISTORY_LIMIT), future: [] }));
  };
  const edit = (change: Partial<Snapshot>, coalesceKey?: string) => {
    if (get().readOnly) return;
    record(coalesceKey);
    set((s) => ({ ...change, revision: s.revision + 1 }));
  };
  const slice: HistorySlice = {
    beginDrag() {
      if (!get().readOnly) record();
    },
    undo() {
      const { past, readOnly } = get();
      const previous = past[past.length - 1];
      if (!previous || readOnly) return;
      lastCoalesce = undefined;
      set((s) => ({ ...previous, past: s.past.slice(0, -1), future: [snapshot(), ...s.future], revision: s.revision + 1 }));
    },
    redo() {
      const { future, readOnly } = get();
      const next = future[0];
      if (!next || readOnly) return;
      lastCoalesce = undefined;
      set((s) => ({ ...next, future: s.future.slice(1), past: [...s.past, snapshot()], revision: s.revision + 1 }));
    },
  };
  return { context: { set, get, record, edit }, slice };
}
