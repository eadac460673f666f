/**
 * Turns and expressions run on the event loop's thread. JSONata's evaluator awaits a hook on
 * entry to every sub-expression, but an await only lets other microtasks run: a loop
 * that runs to its 1 s time box would keep HTTP requests, timers and other instances
 * waiting all that time. So evaluations share the event loop's turns: once the current
 * turn has run expressions for TURN_SLICE_MS, the evaluation that notices waits for a
 * macrotask, and requests are served before it goes on.
 *
 * One tick per iteration of the event loop (a macrotask, after the poll phase) ends
 * the turn: it starts a new slice and resumes the longest-waiting evaluation, which
 * so always gets to run. Only the tick starts a slice: were each resumed evaluation
 * given a fresh slice of its own, one check phase could run a slice per waiting
 * evaluation back to back, and with many hostile expressions in flight the event loop
 * was held for 100 ms and more. Evaluations that are not resumed by the tick
 * find the slice spent and wait their turn in order.
 *
 * Pausing changes no value an expression computes (its `$now` and `$random` come from
 * the orchestration), only when the work happens. The definition interpreter shares
 * the same turns between the tokens it moves (its state moves only on history, so a
 * turn decides the same however often it pauses), and the worker between the turns of
 * a batch: one budget for everything that runs on the loop, so requests wait behind
 * one slice, not one slice per kind of work.
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
  if (typeof globals.setImmediate === "function") {
    const setImmediate = globals.setImmediate;
    return (callback) => void setImmediate(callback);
  }
  if (typeof globals.MessageChannel === "function") {
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
// Counts turns: a new one starts with each tick.
let turn = 0;
let tickPending = false;
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
 * makes sure a tick will end the turn. One clock for the whole process: the event
 * loop is shared, so runs that move at once pause together instead of each spending
 * a slice of its own.
 */
export function turnIsSpent(now: number, sliceMs: number = TURN_SLICE_MS): boolean {
  if (turnStartedAt === undefined) {
    turnStartedAt = now;
    scheduleTick();
    return false;
  }
  return now - turnStartedAt >= sliceMs;
}

/**
 * Resolves in a later turn of the event loop, after the evaluations that paused before
 * this one (one is resumed per turn).
 *
 * @example
 * if (turnIsSpent(performance.now())) await nextTurn();
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    scheduleTick();
  });
}

function scheduleTick(): void {
  if (tickPending) return;
  tickPending = true;
  scheduleMacrotask(tick);
}

function tick(): void {
  tickPending = false;
  turnStartedAt = undefined;
  turn += 1;
  const resume = waiting.shift();
  // The rest wait for later ticks; the resumed one schedules the next when it starts the clock.
  if (waiting.length > 0) scheduleTick();
  resume?.();
}
