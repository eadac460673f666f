import { RE2JS } from 're2js';
import { LruCache } from './lru-cache.js';
import { translateRegex } from './regex-translation.js';

/**
 * JSONata runs regular expressions on the orchestration's thread, where nothing can
 * interrupt a call that takes long, and JavaScript's RegExp backtracks: `/^(a+)+$/`
 * takes exponential time on "aaaa…b". JSONata lets us swap the engine
 * (`jsonata(source, { RegexEngine })`): every regex, the literals of an expression and
 * those of text handed to `$eval`, runs on RE2 (re2js, a pure-JavaScript port, so the
 * web app can bundle it), whose matching time grows linearly with the text.
 *
 * Linear is not yet short: `([a-z]{1,10}){1,10}$` costs about 13 ns per character per
 * instruction of its program. One match is therefore refused before it starts when the
 * text's length times the program's size passes MAX_MATCH_WORK (about 13 ms of
 * matching at that rate; ordinary patterns run hundreds of times faster).
 */
export const MAX_MATCH_WORK = 1_000_000;

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
export const REGEX_UNSUPPORTED_CODE = 'WEFT-REGEX';
export const REGEX_TOO_COSTLY_CODE = 'WEFT-REGEX-COST';

type Compiled = { ok: true; pattern: RE2JS; groups: number; size: number } | { ok: false; message: string; offset: number };

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
      compiled = { ok: true, pattern, groups: pattern.groupCount(), size: pattern.programSize() };
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
  const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
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
  return class LinearRegExp implements RegexEngineInstance {
    lastIndex = 0;
    readonly #regex: RegExp;
    readonly #compiled: Extract<Compiled, { ok: true }>;

    constructor(regex: RegExp) {
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
      // A search can scan to the end of the text even when it finds an early match (a
      // higher-priority branch such as `a.*c` in `a.*c|a` keeps looking), so the whole
      // rest of the text is charged: deterministic, never less than the real work.
      beforeMatch?.((text.length - this.lastIndex + 1) * size);
      const matcher = pattern.matcher(text);
      const found = matcher.find(this.lastIndex);
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
  };
}
