import { RE2JS } from "re2js";
import { LruCache } from "./lru-cache.js";
import { translateRegex } from "./regex-translation.js";

/**
 * JSONata runs regular expressions on the orchestration's thread, where nothing can
 * interrupt a call that takes long, and JavaScript's RegExp backtracks: `/^(a+)+$/`
 * takes exponential time on "aaaa…b". JSONata lets us swap the engine
 * (`jsonata(source, { RegexEngine })`): every regex, the literals of an expression and
 * those of text handed to `$eval`, runs on RE2 (re2js, a pure-JavaScript port, so the
 * web app can bundle it), whose matching time grows linearly with the text.
 *
 * Linear is not yet short: `([a-z]{1,10}){1,10}$` costs about 4–13 ns per character per
 * instruction of its program. One search is therefore refused before it starts when the
 * text's length times the program's size passes MAX_MATCH_WORK (4–13 ms of matching at
 * that rate, the same as one function call's budget in evaluation-budget.ts; ordinary
 * patterns run far faster).
 */
export const MAX_MATCH_WORK = 1_000_000;

/** Work units one search costs besides scanning (measured: about 1.5 µs per match through `$replace`). */
export const SEARCH_OVERHEAD = 150;

/** What JSONata's evaluator uses of a RegExp (`evaluateRegex`). */
export interface RegexEngineInstance {
  lastIndex: number;
  exec(text: string): RegExpExecArray | null;
}
export type RegexEngineConstructor = new (regex: RegExp) => RegexEngineInstance;

/** A regex failure JSONata passes through as it is (a plain object with a code, like its own). */
export interface RegexFailure {
  code: typeof REGEX_UNSUPPORTED_CODE | typeof REGEX_TOO_COSTLY_CODE;
  message: string;
}
export const REGEX_UNSUPPORTED_CODE = "WEFT-REGEX";
export const REGEX_TOO_COSTLY_CODE = "WEFT-REGEX-COST";

type Compiled =
  { ok: true; pattern: RE2JS; groups: number; size: number; scansPastMatch: boolean } | { ok: false; message: string; offset: number };

const compiledCache = new LruCache<string, Compiled>(500);

/**
 * Compiles a JSONata regex literal for the linear-time engine, or says why it cannot run
 * there (with the offset in the pattern). Cached: a regex inside a loop is compiled once.
 *
 * @example
 * compileLinearRegex(/^(a+)+$/); // { ok: true, … }
 * compileLinearRegex(/(a)\1/);   // { ok: false, message: 'a backreference (\1) needs backtracking; …', offset: 3 }
 */
export function compileLinearRegex(regex: RegExp): Compiled {
  const key = `${regex.flags}/${regex.source}`;
  const cached = compiledCache.get(key);
  if (cached !== undefined) return cached;
  let compiled: Compiled;
  const translation = translateRegex(regex.source, regex.flags);
  if (!translation.ok) {
    compiled = translation;
  } else {
    try {
      const pattern = RE2JS.compile(translation.source, translation.lookbehind ? RE2JS.LOOKBEHINDS : 0);
      compiled = {
        ok: true,
        pattern,
        groups: pattern.groupCount(),
        size: pattern.programSize(),
        scansPastMatch: mayScanPastMatch(regex.source),
      };
    } catch (error) {
      compiled = { ok: false, message: explainSyntaxError(error), offset: 0 };
    }
  }
  compiledCache.set(key, compiled);
  return compiled;
}

/** The message for a regex the linear-time engine refuses, as the author should read it. */
export function unsupportedRegexMessage(regex: RegExp, reason: string): string {
  return `The regular expression /${regex.source}/ cannot run on the linear-time regex engine: ${reason}`;
}

function explainSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
  if (/invalid repeat count/.test(message)) return `${message}; a repetition count may be at most 1000`;
  if (/invalid capture in lookbehind/.test(message)) return `${message}; use (?:…) inside a lookbehind`;
  if (/expression too large|too large/.test(message)) return `${message}; split it into simpler patterns`;
  return message;
}

/**
 * A RegExp-shaped class over RE2 for JSONata's `RegexEngine` option. It keeps RegExp's
 * `g`-flag contract that JSONata relies on: `exec` searches from `lastIndex`, sets it to
 * the end of the match (0 when nothing matched) and returns the match array with
 * `index` and unmatched groups as `undefined`.
 *
 * `beforeMatch` is told the work a search may cost (the text it may scan, from
 * `lastIndex` to the end, times the program's size) before it runs, and may throw to
 * stop the evaluation (evaluation-budget.ts counts it per function call).
 */
export function createLinearRegexEngine(beforeMatch?: (work: number) => void): RegexEngineConstructor {
  // A plain function, not a class per engine: one is made for every evaluation
  // (evaluation-budget.ts), and a class with private fields cost ~6 µs to make.
  return function ChargedRegExp(regex: RegExp) {
    return new LinearRegExp(regex, beforeMatch);
  } as unknown as RegexEngineConstructor;
}

class LinearRegExp implements RegexEngineInstance {
  lastIndex = 0;
  readonly #regex: RegExp;
  readonly #compiled: Extract<Compiled, { ok: true }>;
  readonly #beforeMatch: ((work: number) => void) | undefined;

  constructor(regex: RegExp, beforeMatch: ((work: number) => void) | undefined) {
    this.#beforeMatch = beforeMatch;
    const compiled = compileLinearRegex(regex);
    if (!compiled.ok) {
      throw { code: REGEX_UNSUPPORTED_CODE, message: unsupportedRegexMessage(regex, compiled.message) } satisfies RegexFailure;
    }
    this.#regex = regex;
    this.#compiled = compiled;
  }

  exec(text: string): RegExpExecArray | null {
    const { pattern, groups, size } = this.#compiled;
    if (text.length * size > MAX_MATCH_WORK) {
      throw {
        code: REGEX_TOO_COSTLY_CODE,
        message: `The regular expression /${this.#regex.source}/ is too costly to run on a text of ${text.length} characters (its program has ${size} instructions; text length × instructions may be at most ${MAX_MATCH_WORK}); match a shorter text or a simpler pattern`,
      } satisfies RegexFailure;
    }
    if (this.lastIndex > text.length) {
      this.lastIndex = 0;
      return null;
    }
    // What a search may cost, charged before it runs (deterministic, never less than the
    // real work). A search that finds nothing scans the rest of the text. One that finds a
    // match scans to its end — and further only while a higher-priority branch is still
    // alive (`a.*c` in `a.*c|a` looks for its `c` to the end of the text): such patterns
    // are charged the whole rest of the text for every search; the others, what they
    // scanned plus their own length.
    // Each search also pays SEARCH_OVERHEAD for what JSONata does with a match (a
    // `$replace` over 60,000 whitespace runs spends most of its time there).
    const rest = text.length - this.lastIndex + 1;
    if (this.#compiled.scansPastMatch) this.#beforeMatch?.(rest * size + SEARCH_OVERHEAD);
    const matcher = pattern.matcher(text);
    const found = matcher.find(this.lastIndex);
    if (!this.#compiled.scansPastMatch) {
      this.#beforeMatch?.((found ? Math.min(rest, matcher.end(0) - this.lastIndex + size) : rest) * size + SEARCH_OVERHEAD);
    }
    if (!found) {
      this.lastIndex = 0;
      return null;
    }
    const values: Array<string | undefined> = [];
    for (let group = 0; group <= groups; group++) values.push(matcher.group(group) ?? undefined);
    const result = Object.assign(values, { index: matcher.start(0), input: text }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end(0);
    return result;
  }
}

/**
 * Whether a search for this pattern may go on scanning past the match it returns: only
 * when a branch that the engine prefers (an alternative, an optional or repeated group)
 * can keep consuming text without limit — an unbounded repetition inside a pattern that
 * also has such a choice. Conservative: it may say yes where the real engine stops early.
 * (Greedy loops alone extend the match itself, and a choice without loops gives up
 * within the pattern's own length.)
 */
export function mayScanPastMatch(source: string): boolean {
  const plain = source
    .replace(/\\./g, "x") // escapes: a literal character each
    .replace(/\[\^?(?:\\.|[^\]\\])*\]/g, "x") // classes: one character each
    .replace(/\(\?(?:[:=!]|<[=!]|<[A-Za-z_][A-Za-z0-9_]*>|P<[A-Za-z_][A-Za-z0-9_]*>)/g, "(") // group openers
    .replace(/\(\?[a-zA-Z-]+\)/g, ""); // inline flags
  const choice = /[|?]|\{\d+,\d*\}|\)[*+{]/.test(plain);
  const unbounded = /[*+]|\{\d+,\}/.test(plain);
  return choice && unbounded;
}
