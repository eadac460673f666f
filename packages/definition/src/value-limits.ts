/**
 * How large a value an expression may hold. The step budget and the pauses between
 * evaluation steps (evaluation-budget.ts) cannot reach inside one native call, and some
 * values make single calls arbitrarily long:
 *
 * - Strings double with `$s & $s` (V8 builds ropes, so doubling is cheap) until one
 *   native call flattens or walks the text: `$replace` on 2^25 characters held the
 *   event loop 5.6 s, and past V8's string limit the process died with an
 *   uncatchable fatal error — on every replay, since the expression runs again.
 * - Values that share sub-objects (`{"l": $x, "r": $x}`, doubled) are small in memory
 *   but exponential once expanded: returning one, `$string`, `=` and `$distinct` walk
 *   every path, 2 s at 2^22 paths and out of memory at 2^30.
 *
 * So every value an evaluation step produces is weighed on the way out (the
 * `__evaluate_exit` hook) and refused past these limits, before anything expands it.
 */

/**
 * The longest text a step may produce. Measured on a loaded 2-core machine, the
 * slowest single built-in call on a text of 262,144 characters takes 10–25 ms
 * (`$pad` to that width 23 ms, `$replace(s, "a", "xyz")` 4–7 ms, `$substring` 9 ms,
 * `$length` 5 ms); at a million characters `$replace` took 58 ms and `$pad` 94 ms.
 * Values in a history are at most 256 KiB, so a longer text could not be stored anyway.
 */
export const MAX_STRING_LENGTH = 262_144;

/**
 * The most a value may weigh once every shared sub-value is counted as often as it is
 * reached: one per object, array and scalar, and one more per 32 characters of each
 * text. Expanding 2^19 (524,288) nodes took 52–66 ms (`$string`, `=`, JSONata's clone)
 * when this was first measured, and 250,000 about 25–30 ms; on a slower day of the same
 * kind of machine (2026-12-07) a doubling transform at 2^17 nodes held the event loop
 * 45–90 ms, so the bound is 125,000 (2^16 expands in 27–33 ms there). Data has room: a
 * 256 KiB JSON payload reaches ~130,000 nodes only when it is nothing but one-digit
 * numbers; records with named fields of a few characters weigh a fifth of that.
 */
export const MAX_EXPANDED_WEIGHT = 125_000;

/**
 * Characters of text that weigh as much as one node: texts are copied and compared
 * natively at about 1 ns a character, ~50 times faster than a node is walked.
 */
export const CHARS_PER_WEIGHT = 32;

export const TOO_LARGE_CODE = "WEFT-TOO-LARGE";

/** What the exit hook throws: a plain object with a code, as JSONata's own errors are. */
export interface TooLargeFailure {
  code: typeof TOO_LARGE_CODE;
  message: string;
}

interface Weighed {
  weight: number;
  /** The epoch it was computed in: weights from before a mutation are not trusted. */
  epoch: number;
  /** An array's length when weighed (JSONata appends to sequences it built). */
  length: number;
}

// Keyed by identity, so each object is walked once however often it is shared or
// returned; a value built from weighed parts costs only its own fields.
const weights = new WeakMap<object, Weighed>();
let epoch = 0;

/**
 * JSONata's transform (`~> |pattern|update|`) writes the update's fields into the
 * objects its pattern matched — any object the pattern reaches, not only its copy. A
 * weight computed before that may now be too low, so none computed before is trusted.
 */
export function noteMutation(): void {
  epoch += 1;
}

function isFunctionValue(value: object): boolean {
  if (typeof value === "function") return true;
  const record = value as Record<string, unknown>;
  return record._jsonata_lambda === true || record._jsonata_function === true;
}

function scalarWeight(value: unknown): number {
  return typeof value === "string" ? 1 + Math.floor(value.length / CHARS_PER_WEIGHT) : 1;
}

function children(value: object): readonly unknown[] {
  return Array.isArray(value) ? value : Object.values(value);
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === "object" && !isFunctionValue(value);
}

function cachedWeight(value: object): number | undefined {
  const weighed = weights.get(value);
  if (weighed === undefined || weighed.epoch !== epoch) return undefined;
  if (Array.isArray(value) && value.length !== weighed.length) return undefined;
  return weighed.weight;
}

/**
 * Small values (a record, a pair from `$zip`) are weighed again each time rather than
 * kept: a map entry per small object cost more than walking it (100,000 pairs: 35–90 ms
 * with an entry each). This many nodes are walked without keeping anything.
 */
const SMALL_VALUE_NODES = 32;
let smallWorkLeft = 0;

function smallWeight(value: object): number | undefined {
  if (--smallWorkLeft < 0) return undefined;
  let weight = 1;
  for (const child of children(value)) {
    if (!isContainer(child)) {
      weight += scalarWeight(child);
      continue;
    }
    const inner = cachedWeight(child) ?? smallWeight(child);
    if (inner === undefined) return undefined;
    weight += inner;
  }
  return weight;
}

function quickWeight(value: object): number | undefined {
  const cached = cachedWeight(value);
  if (cached !== undefined) return cached;
  smallWorkLeft = SMALL_VALUE_NODES;
  return smallWeight(value);
}

/**
 * The value's expanded weight, or `limit + 1` as soon as it is known to pass `limit`
 * (also for a value that contains itself, which a transform can build). Walks each
 * object not weighed yet once, without recursion (inputs can nest deeply).
 *
 * @example
 * expandedWeight({ a: [1, 2] }, 100); // 4
 */
export function expandedWeight(value: unknown, limit: number): number {
  if (!isContainer(value)) return scalarWeight(value);
  const over = limit + 1;
  const quick = quickWeight(value);
  if (quick !== undefined) return Math.min(quick, over);
  // Post-order walk over the larger objects: an object is weighed once each larger
  // object it holds has been, its small ones are weighed on the spot.
  const pending: object[] = [value];
  const expanded: boolean[] = [false];
  const onPath = new Set<object>();
  // The root weighs at least one per distinct object below it: stop early past the limit.
  let visited = 0;
  while (pending.length > 0) {
    const index = pending.length - 1;
    const current = pending[index]!;
    if (!expanded[index] && cachedWeight(current) !== undefined) {
      pending.pop();
      expanded.pop();
      continue;
    }
    let weight = 1;
    let waiting = false;
    for (const child of children(current)) {
      if (!isContainer(child)) {
        weight += scalarWeight(child);
      } else {
        const known = quickWeight(child);
        if (known !== undefined) {
          weight += known;
        } else {
          if (expanded[index] || onPath.has(child)) return over;
          waiting = true;
          pending.push(child);
          expanded.push(false);
        }
      }
      if (weight > limit) return over;
    }
    if (waiting) {
      expanded[index] = true;
      onPath.add(current);
      if (++visited > limit) return over;
      continue;
    }
    pending.pop();
    expanded.pop();
    onPath.delete(current);
    weights.set(current, { weight, epoch, length: Array.isArray(current) ? current.length : 0 });
  }
  return Math.min(cachedWeight(value) ?? over, over);
}

/**
 * Refuses a value a step produced when it is too large to handle in one native call:
 * a text over MAX_STRING_LENGTH, an array over `maxSequence` items, or anything whose
 * expanded weight passes MAX_EXPANDED_WEIGHT.
 */
export function checkValueSize(value: unknown, maxSequence: number): void {
  if (typeof value === "string") {
    if (value.length > MAX_STRING_LENGTH) {
      throw tooLarge(
        `A text of ${value.length} characters was built; at most ${MAX_STRING_LENGTH} are allowed — work on shorter texts (a value in the history is at most 256 KiB)`,
      );
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value) && value.length > maxSequence) {
    throw tooLarge(`An array of ${value.length} items was built; at most ${maxSequence} are allowed — work on fewer items`);
  }
  if (expandedWeight(value, MAX_EXPANDED_WEIGHT) > MAX_EXPANDED_WEIGHT) {
    throw tooLarge(
      `A value larger than ${MAX_EXPANDED_WEIGHT} nodes was built (counting each shared part as often as it is used, and a node per ${CHARS_PER_WEIGHT} characters of text) — build smaller values, and avoid doubling a value by putting it twice into itself`,
    );
  }
}

function tooLarge(message: string): TooLargeFailure {
  return { code: TOO_LARGE_CODE, message };
}
