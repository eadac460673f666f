/**
 * Expressions run on the orchestration's thread. JSONata's evaluator awaits a hook on
 * entry to every sub-expression, but an await only lets other microtasks run: a loop
 * that runs to its 1 s time box would keep HTTP requests, timers and other instances
 * waiting all that time. So evaluations share the event loop's turns: once the current
 * turn has run expressions for TURN_SLICE_MS, the evaluation that notices waits for a
 * macrotask, and requests are served before it goes on.
 *
 * Waiting evaluations are resumed one per macrotask, in the order they paused: resumed
 * all in one go they would run back to back, N slices without the event loop in
 * between; resumed one at a time behind a turn-start marker, the later ones would find
 * the turn already spent and never run.
 *
 * Pausing changes no value an expression computes (its `$now` and `$random` come from
 * the orchestration), only when the work happens. The interpreter shares the same
 * turns between the tokens it moves (its state moves only on history, so a turn
 * decides the same however often it pauses).
 */
export const TURN_SLICE_MS = 5;

type Schedule = (callback: () => void) => void;

// setImmediate runs after the poll phase, so I/O is served first (Node); a
// MessageChannel does the same in a browser without setTimeout's 4 ms clamp.
const scheduleMacrotask: Schedule = (() => {
  interface Port {
    onmessage: (() => void) | null;
    postMessage(message: undefined): void;
  }
  const globals = globalThis as unknown as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: new () => { port1: Port; port2: Port };
  };
  if (typeof globals.setImmediate === 'function') {
    const setImmediate = globals.setImmediate;
    return (callback) => void setImmediate(callback);
  }
  if (typeof globals.MessageChannel === 'function') {
    const channel = new globals.MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (callback) => {
      queue.push(callback);
      channel.port2.postMessage(undefined);
    };
  }
  return (callback) => void setTimeout(callback, 0);
})();

let turnStartedAt: number | undefined;
// Counts turns: a new one starts with each marker and each resumed evaluation.
let turn = 0;
const waiting: Array<() => void> = [];

/**
 * Which turn of the event loop expressions are in: it changes whenever the event loop
 * ran other work since (evaluation-budget.ts counts own running time with it).
 */
export function currentTurn(): number {
  return turn;
}

/**
 * True when the current turn of the event loop has run expressions (or the
 * interpreter's steps) for a slice. The first call of a turn starts the clock and
 * schedules a marker that stops it when the event loop moves on. One clock for the
 * whole process: the event loop is shared, so runs that move at once pause together
 * instead of each spending a slice of its own.
 */
export function turnIsSpent(now: number, sliceMs: number = TURN_SLICE_MS): boolean {
  if (turnStartedAt === undefined) {
    turnStartedAt = now;
    scheduleMacrotask(() => {
      turnStartedAt = undefined;
      turn += 1;
    });
    return false;
  }
  return now - turnStartedAt >= sliceMs;
}

/**
 * Resolves in a later macrotask, after the evaluations that paused before this one.
 *
 * @example
 * if (turnIsSpent(performance.now())) await nextTurn();
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (waiting.length === 1) scheduleMacrotask(resumeNext);
  });
}

function resumeNext(): void {
  const resume = waiting.shift();
  // The resumed evaluation gets a fresh slice of its own.
  turnStartedAt = undefined;
  turn += 1;
  if (waiting.length > 0) scheduleMacrotask(resumeNext);
  resume?.();
}
