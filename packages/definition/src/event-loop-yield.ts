/**
 * Cooperative yielding for long stretches of synchronous work: the interpreter moving
 * thousands of tokens in one turn (a map of the maximum size with a pass-only body)
 * would otherwise hold the event loop, and with it every HTTP request of the process,
 * for as long as the turn takes. Awaiting a promise does not help: promise callbacks
 * run before any I/O. A macrotask does: timers, sockets and other turns run between.
 *
 * Only *when* the work pauses depends on the clock, never *what* it decides: the
 * interpreter's state moves only on history, so a turn produces the same actions (and
 * the same history) however often it yields.
 */

/** The default: pause after this much work without a pause. Far under what a health check notices. */
export const DEFAULT_YIELD_AFTER_MS = 5;

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

// setImmediate runs after pending I/O in Node; the browser (the designer's previews) has setTimeout.
const macrotask: (resume: () => void) => void =
  typeof setImmediate === 'function' ? (resume) => setImmediate(resume) : (resume) => setTimeout(resume, 0);

// One clock for the whole process: the event loop is shared, so several runs moving at once
// (a batch of turns) pause together instead of each spending its own budget.
let lastPause = now();

/** Resolves at once, or after other work had its turn when `afterMs` passed since the last pause. */
export async function pauseIfDue(afterMs: number = DEFAULT_YIELD_AFTER_MS): Promise<void> {
  if (now() - lastPause < afterMs) return;
  await new Promise<void>((resume) => macrotask(resume));
  lastPause = now();
}
