import jsonata from "jsonata";
import { nextTurn, turnIsSpent } from "@weft/engine";
import { findUnrunnablePart } from "./expression-checks.js";
import { MAX_EXPANDED_WEIGHT, TOO_LARGE_CODE, type TooLargeFailure } from "./value-limits.js";

/**
 * Replacements for the JSONata built-ins that can hold the event loop for seconds in
 * one native call, where neither the step budget nor the pauses between evaluation
 * steps can reach (a call is one step):
 *
 * - `$sort`: JSONata's merge sort copies the rest of a list at every comparison —
 *   quadratic (20,000 numbers took 0.7 s, a million ran the process out of memory).
 *   Without a comparator: the engine's own stable sort, same order. With one: a merge
 *   sort of our own, n log n calls of the comparator (each an evaluation the budget
 *   counts), swapping when it returns true, as JSONata's does.
 * - `$distinct(array)` compares every item with every kept one — quadratic (100,000
 *   items: seconds). Replaced by one pass keyed by each item's canonical JSON, with
 *   JSONata's deep equality (objects equal whatever the order of their keys).
 * - `$toMillis(text, picture)` parses a picture with backtracking regular expressions
 *   that grow with the text; timestamps are short, so long ones are refused.
 * - `$match(text, regex)` collects every match in one call (JSONata awaits each, but
 *   only as a microtask): 200,000 matches held the loop 20–50 ms, within the matching
 *   work one call may do. Same loop, letting the event loop in every so many matches.
 * - `$eval(text)` parses the text in one call and runs what no publish check saw: the
 *   text is held to MAX_EVAL_TEXT characters and gets the same checks as a
 *   definition's expressions (a 500,000-item literal built at run time held the loop
 *   13 s).
 *
 * - `$pad(text, width, chars)` with several pad characters cuts the padding to length
 *   through an array of every character of it (100,000 pad characters: 15–20 ms in one
 *   call, and garbage that then cost a server 30 ms of collection). Cut as text when
 *   no character needs two UTF-16 units (the width itself is held to MAX_STRING_LENGTH
 *   where `$pad` is bound, expressions.ts).
 * - `$zip(arrays…)` builds every tuple in one call (100,000 pairs: 15 ms, and as much
 *   again collecting them). Same loop, letting the event loop in.
 *
 * Each replacement returns what JSONata's would: the tests compare them. Long loops
 * share the event loop's turns with everything else, as evaluation steps do.
 */

export const MAX_TO_MILLIS_TEXT = 200;
/** Longest text `$eval` runs: expressions are short; parsing 10,000 characters takes about a millisecond. */
export const MAX_EVAL_TEXT = 10_000;
export const EVAL_REFUSED_CODE = "WEFT-EVAL";

const builtin = {
  distinct: undefined as jsonata.Expression | undefined,
  toMillis: undefined as jsonata.Expression | undefined,
  eval: undefined as ((this: unknown, text: unknown, focus?: unknown) => Promise<unknown>) | undefined,
};

/** Lets the event loop in, every `every` items (a power of two), once this turn's slice is spent. */
async function shareTurn(index: number, every = 1024): Promise<void> {
  if ((index & (every - 1)) === every - 1 && turnIsSpent(performance.now())) await nextTurn();
}

/** JSONata hands a lambda to a native function as an async JS function. */
type Comparator = (a: unknown, b: unknown) => unknown;

async function mergeSort(items: readonly unknown[], swap: Comparator): Promise<unknown[]> {
  let from = [...items];
  let to = new Array<unknown>(from.length);
  let steps = 0;
  for (let width = 1; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const middle = Math.min(start + width, from.length);
      const end = Math.min(start + 2 * width, from.length);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        // true means "these two are out of order": take the right one first (JSONata's rule).
        if (await swap(from[left], from[right])) to[out++] = from[right++];
        else to[out++] = from[left++];
        await shareTurn(steps++);
      }
      while (left < middle) to[out++] = from[left++];
      while (right < end) to[out++] = from[right++];
    }
    [from, to] = [to, from];
  }
  return from;
}

interface JsonataSequence extends Array<unknown> {
  sequence?: boolean;
}

function isFunctionValue(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return record._jsonata_lambda === true || record._jsonata_function === true;
}

export async function sort(array: unknown, comparator?: unknown): Promise<unknown> {
  if (array === undefined) return undefined;
  const items = Array.isArray(array) ? array : [array];
  if (items.length <= 1) return array;
  if (typeof comparator === "function") {
    const compare = comparator as Comparator;
    return mergeSort(items, async (a, b) => Boolean(await compare(a, b)));
  }
  const numbers = items.every((item) => typeof item === "number");
  const strings = !numbers && items.every((item) => typeof item === "string");
  if (!numbers && !strings) {
    throw {
      code: "D3070",
      message:
        "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
    };
  }
  // Stable, as JSONata's merge sort is: equal items keep their order.
  return [...items].sort((a, b) =>
    (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0,
  );
}

export async function distinct(array: unknown): Promise<unknown> {
  if (!Array.isArray(array) || array.length <= 1) return array;
  if (array.some(isFunctionValue)) {
    builtin.distinct ??= jsonata("$distinct(array)");
    return builtin.distinct.evaluate({ array });
  }
  const seen = new Set<string>();
  const results: JsonataSequence = [];
  if ((array as JsonataSequence).sequence === true) results.sequence = true;
  const budget = { nodes: 0 };
  for (const [index, item] of array.entries()) {
    await shareTurn(index);
    const key = canonicalKey(item, budget);
    if (seen.has(key)) continue;
    seen.add(key);
    results.push(item);
  }
  return results;
}

/** What a JSONata matcher (a regex, or a function standing for one) returns per match. */
interface MatchDetails {
  match: unknown;
  start: unknown;
  end?: unknown;
  groups: unknown;
  next: () => unknown;
}

/**
 * JSONata's `evaluateMatcher`: the matcher's answer, checked for the shape of a match.
 * A matcher is a function, or a JSONata lambda (an object with an `apply` of its own).
 */
async function evaluateMatcher(matcher: unknown, text?: unknown): Promise<MatchDetails | undefined> {
  const found = (await (matcher as { apply(self: unknown, args: unknown[]): unknown }).apply(undefined, [text])) as
    Partial<MatchDetails> | undefined;
  if (found && !(typeof found.start === "number" || Array.isArray(found.groups) || typeof found.next === "function")) {
    throw { code: "T1010", stack: new Error().stack };
  }
  return found as MatchDetails | undefined;
}

export async function match(this: unknown, text: unknown, matcher: unknown, limit?: unknown): Promise<unknown> {
  if (text === undefined) return undefined;
  if (typeof limit === "number" && limit < 0) throw { stack: new Error().stack, value: limit, code: "D3040", index: 3 };
  // `this` is JSONata's focus: its sequences honour the evaluation's length limit.
  const focus = this as { createSequence?: () => JsonataSequence } | undefined;
  const results: JsonataSequence = focus?.createSequence?.() ?? Object.assign([], { sequence: true });
  if (limit !== undefined && !(typeof limit === "number" && limit > 0)) return results;
  let found = await evaluateMatcher(matcher, text);
  for (let count = 0; found !== undefined && (limit === undefined || count < (limit as number)); count++) {
    results.push({ match: found.match, index: found.start, groups: found.groups });
    // Each match builds objects here and in JSONata's matcher (~3 µs): pause every 256.
    await shareTurn(count, 256);
    found = await evaluateMatcher(found.next);
  }
  return results;
}

export async function toMillis(timestamp: unknown, picture?: unknown): Promise<unknown> {
  for (const [what, value] of [
    ["timestamp", timestamp],
    ["picture", picture],
  ] as const) {
    if (typeof value === "string" && value.length > MAX_TO_MILLIS_TEXT) {
      throw {
        code: "WEFT-TOMILLIS",
        message: `$toMillis() ${what} is ${value.length} characters long; at most ${MAX_TO_MILLIS_TEXT} are accepted`,
      };
    }
  }
  builtin.toMillis ??= jsonata("$toMillis(timestamp, picture)");
  return builtin.toMillis.evaluate({ timestamp, picture });
}

/**
 * `$eval` with its text checked first. `this` is what JSONata hands a native function
 * (`{ environment, input }`): JSONata's own `$eval` evaluates in the caller's
 * environment, so the text still runs with the evaluation's hooks and budget.
 */
export async function evalText(this: unknown, text: unknown, focus?: unknown): Promise<unknown> {
  if (typeof text === "string") {
    if (text.length > MAX_EVAL_TEXT) {
      throw {
        code: EVAL_REFUSED_CODE,
        message: `$eval() was given a text of ${text.length} characters; at most ${MAX_EVAL_TEXT} are evaluated — write the expression into the definition instead`,
      };
    }
    let ast: unknown;
    try {
      ast = jsonata(text).ast();
    } catch {
      // JSONata's $eval reports the syntax error itself (D3120).
    }
    const unrunnable = ast === undefined ? undefined : findUnrunnablePart(ast);
    if (unrunnable !== undefined) {
      throw { code: EVAL_REFUSED_CODE, message: `$eval() refused its text (at position ${unrunnable.position}): ${unrunnable.message}` };
    }
  }
  // JSONata's built-ins are values { implementation, signature } in its own frame.
  builtin.eval ??= ((await jsonata("$eval").evaluate({})) as { implementation: NonNullable<typeof builtin.eval> }).implementation;
  return builtin.eval.call(this, text, focus);
}

/** A UTF-16 unit that is half of a pair: JSONata counts such a pair as one character. */
const SURROGATE = /[\ud800-\udfff]/;

function characterCount(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** JSONata's `$pad`: `width` > 0 pads on the right, < 0 on the left, to |width| characters. */
export async function pad(text: unknown, width: number, chars?: string): Promise<unknown> {
  if (typeof text !== "string") return undefined;
  const padChars = chars === undefined || chars.length === 0 ? " " : chars;
  const target = Math.trunc(width);
  const padLength = Math.abs(target) - characterCount(text);
  if (!(padLength > 0)) return text;
  let padding: string;
  if (padChars.length === 1 || !SURROGATE.test(padChars)) {
    padding = padChars.repeat(Math.ceil(padLength / padChars.length)).slice(0, padLength);
  } else {
    // Characters of two units: the first padLength characters, as JSONata cuts them. Only
    // as many copies as that takes: padLength copies of a long pad text ran past the
    // longest string V8 makes ("Invalid string length").
    const characters: string[] = [];
    for (const character of padChars.repeat(Math.ceil(padLength / characterCount(padChars)))) {
      if (characters.length === padLength) break;
      characters.push(character);
    }
    padding = characters.join("");
  }
  return target > 0 ? text + padding : padding + text;
}

/** JSONata's `$zip`: the i-th items of every array, as long as the shortest array. */
export async function zip(...arrays: unknown[]): Promise<unknown[]> {
  // Each array was checked as a value (at most a sequence's length) before the call.
  const length = Math.min(...arrays.map((array) => (Array.isArray(array) ? array.length : 0)));
  const tuples: unknown[] = new Array(length);
  for (let index = 0; index < length; index += 1) {
    tuples[index] = arrays.map((array) => (array as unknown[])[index]);
    await shareTurn(index);
  }
  return tuples;
}

/**
 * A text that two items share exactly when JSONata's deep equality holds for them:
 * the type is part of it (1 and "1" differ), and object keys are sorted. The exit hook
 * refuses values too large to expand (value-limits.ts); the keys of one call count
 * their nodes too, so a shared value that slipped past it still cannot hold the loop.
 */
function canonicalKey(value: unknown, budget: { nodes: number }): string {
  if (++budget.nodes > MAX_EXPANDED_WEIGHT) {
    throw {
      code: TOO_LARGE_CODE,
      message: `$distinct() compared values larger than ${MAX_EXPANDED_WEIGHT} nodes in all (counting each shared part as often as it is used); compare fewer or smaller values`,
    } satisfies TooLargeFailure;
  }
  if (value === undefined) return "u";
  if (value === null || typeof value !== "object") return `${typeof value}:${JSON.stringify(value)}`;
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalKey(item, budget)).join(",")}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalKey(record[key], budget)}`)
    .join(",")}}`;
}
