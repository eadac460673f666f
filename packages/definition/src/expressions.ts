import jsonata from "jsonata";
import {
  EVAL_REFUSED_CODE,
  distinct as boundedDistinct,
  evalText as boundedEval,
  match as boundedMatch,
  pad as boundedPad,
  sort as boundedSort,
  toMillis as boundedToMillis,
  zip as boundedZip,
} from "./bounded-builtins.js";
import {
  BUDGET_BINDING,
  MATCH_WORK_CODE,
  MAX_MATCH_WORK_PER_CALL,
  SIGNATURE_CODE,
  STEP_LIMIT_CODE,
  TIMEOUT_CODE,
  createBudget,
  onEvaluateEntry,
  onEvaluateExit,
} from "./evaluation-budget.js";
import { findUnrunnablePart } from "./expression-checks.js";
import { REGEX_TOO_COSTLY_CODE, REGEX_UNSUPPORTED_CODE, createLinearRegexEngine } from "./linear-regex.js";
import { secretPlaceholder } from "./secrets.js";
import { ExpressionError, ExpressionErrorCode, expressionPreview } from "./expression-error.js";
import { LruCache } from "./lru-cache.js";
import { MAX_EXPANDED_WEIGHT, MAX_STRING_LENGTH, TOO_LARGE_CODE } from "./value-limits.js";

// JSONata is the only code a definition can carry, and it is Turing-complete: a
// recursive function can loop forever (JSONata optimises tail calls, so such a loop
// does not even grow the stack) and a range can allocate millions of items. Every
// evaluation therefore runs with guardrails, checked on entry to every sub-expression:
// JSONata 2.2's `stack` (depth) and `sequence` (how long any sequence may grow), and
// our `__evaluate_entry` hook (evaluation-budget.ts), set once per compiled expression,
// which finds its evaluation's budget through a binding. The hook counts steps
// (`maxSteps`, a budget a replay spends identically, unlike time), keeps the time box
// on the evaluation's own running time, and pauses the evaluation whenever the event
// loop's turn is spent, so requests are served while expressions run
// (event-loop-turns.ts). Regular expressions run on RE2 (linear-regex.ts), which no
// text can make backtrack. `$eval` evaluates in its caller's environment, so the text
// it runs gets the same hook, budget and regex engine.
// The options JSONata reads at compile time (depth, sequence) are part of the cache key.

export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1000;
export const DEFAULT_EXPRESSION_MAX_DEPTH = 2000;
// 100,000 keeps every single native call on a sequence (`$string`, `$zip`, `$reverse`, a
// native sort) to about 10–20 ms of the event loop; a million took 60–150 ms each. Inputs
// and results are held to the payload limit (256 KiB), so real data stays far below.
export const DEFAULT_EXPRESSION_MAX_SEQUENCE = 100_000;

const CACHE_CAPACITY = 1000;
// Very long sources are compiled but not kept, so the cache's memory stays bounded.
const MAX_CACHED_SOURCE_LENGTH = 10_000;
const MAX_RESULT_DEPTH = 1000;

export interface ExpressionSyntaxError {
  message: string;
  /** Character position JSONata reports (where it stopped reading); 0 when unknown. */
  position: number;
  /** The token at that position, when JSONata names one. */
  token?: string;
  /** JSONata's error code, e.g. "S0207". */
  code?: string;
}

export type ParseExpressionResult = { ok: true } | { ok: false; error: ExpressionSyntaxError };

/** What an expression sees as its top-level fields. */
export interface ExpressionContext {
  input?: unknown;
  steps?: Record<string, unknown>;
  vars?: Record<string, unknown>;
  /** Inside a map body: the current element. */
  item?: unknown;
  /** Inside a map body: the current element's 0-based position. */
  index?: number;
  instance?: { id: string; workflowId: string; version: number };
}

export interface EvaluateExpressionOptions {
  /** The orchestration's deterministic time in epoch milliseconds ($now, $millis). */
  now(): number;
  /** The orchestration's deterministic random number in [0, 1) ($random). */
  random(): number;
  /** Time box of one evaluation (default 1000 ms). */
  timeoutMs?: number;
  /** Deepest nesting of sub-expressions and function calls (default 2000). */
  maxDepth?: number;
  /** Longest sequence an evaluation may build (default 1,000,000 items). */
  maxSequence?: number;
  /**
   * Most evaluation steps (sub-expressions entered) one evaluation may take; unlimited
   * by default. Unlike the time box it fails at the same point on every replay.
   */
  maxSteps?: number;
}

interface Limits {
  timeoutMs: number;
  maxDepth: number;
  maxSequence: number;
  maxSteps: number | undefined;
}

const ENTRY_HOOK = Symbol.for("jsonata.__evaluate_entry");
const EXIT_HOOK = Symbol.for("jsonata.__evaluate_exit");

type Compiled = { ok: true; expression: jsonata.Expression } | { ok: false; error: ExpressionSyntaxError };

const DEFAULT_LIMITS: Limits = {
  timeoutMs: DEFAULT_EXPRESSION_TIMEOUT_MS,
  maxDepth: DEFAULT_EXPRESSION_MAX_DEPTH,
  maxSequence: DEFAULT_EXPRESSION_MAX_SEQUENCE,
  maxSteps: undefined,
};

const cache = new LruCache<string, Compiled>(CACHE_CAPACITY);

/**
 * Checks that `source` is a JSONata expression. Never throws.
 *
 * @example
 * parseExpression('steps.approve.decision = "Approved"'); // { ok: true }
 * parseExpression('1 +'); // { ok: false, error: { message: 'Unexpected end of expression', position: 3, … } }
 */
export function parseExpression(source: string): ParseExpressionResult {
  if (typeof source !== "string") {
    return { ok: false, error: { message: "An expression must be text", position: 0 } };
  }
  const compiled = compile(source, DEFAULT_LIMITS);
  return compiled.ok ? { ok: true } : { ok: false, error: compiled.error };
}

/**
 * Evaluates a JSONata expression against the context's fields (`input`, `steps`, `vars`,
 * `item`, `index`, `instance`), with `$now()`, `$millis()` and `$random()` taken from
 * `options` so that a replay computes the same values. Rejects with an
 * `ExpressionError` when the source does not parse, when evaluation fails, and when it
 * runs past its time box, depth or sequence limit.
 *
 * @example
 * await evaluateExpression('{ "total": input.price * 2, "at": $now() }', { input: { price: 21 } },
 *   { now: () => ctx.now(), random: () => ctx.random() });
 * // → { total: 42, at: "2024-05-01T09:30:00.000Z" }
 */
export async function evaluateExpression(source: string, context: ExpressionContext, options: EvaluateExpressionOptions): Promise<unknown> {
  if (typeof source !== "string") {
    throw new ExpressionError(ExpressionErrorCode.Syntax, "An expression must be text", { expression: String(source) });
  }
  const limits = resolveLimits(options);
  const compiled = compile(source, limits);
  if (!compiled.ok) {
    throw new ExpressionError(
      ExpressionErrorCode.Syntax,
      `Expression ${expressionPreview(source)} is not valid: ${compiled.error.message} (at position ${compiled.error.position})`,
      { expression: source, position: compiled.error.position, jsonataCode: compiled.error.code },
    );
  }
  let result: unknown;
  try {
    const bindings = deterministicBindings(options);
    bindings[BUDGET_BINDING] = createBudget(limits.timeoutMs, limits.maxSteps, limits.maxSequence);
    result = await compiled.expression.evaluate(contextDocument(context), bindings);
  } catch (error) {
    throw toExpressionError(error, source, limits);
  }
  return toJsonResult(result, source);
}

/** Empties the compiled-expression cache (for tests and long-lived tools). */
export function clearExpressionCache(): void {
  cache.clear();
}

/** How many compiled expressions the cache holds. */
export function expressionCacheSize(): number {
  return cache.size;
}

function resolveLimits(options: EvaluateExpressionOptions): Limits {
  return {
    timeoutMs: positiveOr(options.timeoutMs, DEFAULT_LIMITS.timeoutMs),
    maxDepth: positiveOr(options.maxDepth, DEFAULT_LIMITS.maxDepth),
    maxSequence: positiveOr(options.maxSequence, DEFAULT_LIMITS.maxSequence),
    maxSteps: options.maxSteps === undefined ? undefined : positiveOr(options.maxSteps, Number.MAX_SAFE_INTEGER),
  };
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function compile(source: string, limits: Limits): Compiled {
  const key = `${limits.maxDepth}:${limits.maxSequence}:${source}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let compiled: Compiled;
  try {
    const expression = jsonata(source, {
      stack: limits.maxDepth,
      sequence: limits.maxSequence,
      // Replaced per evaluation by one that charges its matching time (evaluation-budget.ts).
      RegexEngine: createLinearRegexEngine(),
    } as jsonata.JsonataOptions);
    expression.assign(ENTRY_HOOK as unknown as string, onEvaluateEntry);
    expression.assign(EXIT_HOOK as unknown as string, onEvaluateExit);
    // Built-ins whose one native call could hold the event loop for seconds (bounded-builtins.ts),
    // with JSONata's own signatures so arguments are checked and coerced as before.
    expression.registerFunction("sort", boundedSort, "<af?:a>");
    expression.registerFunction("distinct", boundedDistinct, "<x:x>");
    expression.registerFunction("match", boundedMatch, "<s-f<s:o>n?:a<o>>");
    expression.registerFunction("toMillis", boundedToMillis, "<s-s?:n>");
    expression.registerFunction("eval", boundedEval, "<sx?:x>");
    expression.registerFunction("zip", boundedZip, "<a+>");
    const unrunnable = findUnrunnablePart(expression.ast());
    compiled = unrunnable ? { ok: false, error: unrunnable } : { ok: true, expression };
  } catch (error) {
    compiled = { ok: false, error: toSyntaxError(error, source) };
  }
  if (source.length <= MAX_CACHED_SOURCE_LENGTH) cache.set(key, compiled);
  return compiled;
}

function toSyntaxError(error: unknown, source: string): ExpressionSyntaxError {
  if (error instanceof RangeError) {
    // The parser is recursive: absurdly deep nesting overflows the stack.
    return { message: "The expression is nested too deeply to read", position: 0 };
  }
  const fields = jsonataFields(error);
  const position = typeof fields.position === "number" ? fields.position : 0;
  const syntaxError: ExpressionSyntaxError = {
    message: fields.message ?? "The expression could not be read",
    position: Math.max(0, Math.min(position, source.length)),
  };
  if (fields.token !== undefined) syntaxError.token = fields.token;
  if (fields.code !== undefined) syntaxError.code = fields.code;
  return syntaxError;
}

interface JsonataErrorFields {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  inner?: JsonataErrorFields;
}

// JSONata throws plain objects ({code, position, token, message}), not Errors.
function jsonataFields(error: unknown, depth = 0): JsonataErrorFields {
  if (typeof error !== "object" || error === null) {
    return { message: typeof error === "string" ? error : undefined };
  }
  const record = error as Record<string, unknown>;
  const fields: JsonataErrorFields = {};
  if (typeof record.code === "string") fields.code = record.code;
  if (typeof record.message === "string") fields.message = record.message;
  if (typeof record.position === "number") fields.position = record.position;
  if (typeof record.token === "string") fields.token = record.token;
  // $eval wraps the error of the expression it evaluated (D3120 / D3121).
  if (depth < 5 && typeof record.error === "object" && record.error !== null) {
    fields.inner = jsonataFields(record.error, depth + 1);
  }
  return fields;
}

function toExpressionError(error: unknown, source: string, limits: Limits): ExpressionError {
  const preview = expressionPreview(source);
  if (error instanceof ExpressionError) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new ExpressionError(
      ExpressionErrorCode.DepthExceeded,
      `Expression ${preview} nested too deeply (the stack overflowed); check for runaway recursion`,
      { expression: source, cause: error },
    );
  }
  const fields = jsonataFields(error);
  const codes = [fields.code, fields.inner?.code, fields.inner?.inner?.code];
  const details = { expression: source, position: fields.position, jsonataCode: fields.code, cause: error };
  if (codes.includes(TIMEOUT_CODE) || codes.includes("D1012")) {
    return new ExpressionError(
      ExpressionErrorCode.Timeout,
      `Expression ${preview} took longer than ${limits.timeoutMs}ms and was stopped; check for a loop that never ends`,
      details,
    );
  }
  if (codes.includes(MATCH_WORK_CODE)) {
    return new ExpressionError(
      ExpressionErrorCode.TooLarge,
      `Expression ${preview} would match regular expressions for more than ${MAX_MATCH_WORK_PER_CALL} units of work in one function call (each search costs the text it may scan times the pattern's instructions, plus a fixed cost per match) and was stopped; match shorter texts, or split and replace with a text instead of a regular expression (e.g. $split(s, ","))`,
      details,
    );
  }
  const refused = [fields, fields.inner, fields.inner?.inner].find(
    (each) =>
      each?.code === REGEX_UNSUPPORTED_CODE ||
      each?.code === REGEX_TOO_COSTLY_CODE ||
      each?.code === SIGNATURE_CODE ||
      each?.code === EVAL_REFUSED_CODE,
  );
  if (refused !== undefined) {
    return new ExpressionError(ExpressionErrorCode.Evaluation, `Expression ${preview} failed: ${shorten(refused.message ?? "")}`, details);
  }
  if (codes.includes(STEP_LIMIT_CODE)) {
    return new ExpressionError(
      ExpressionErrorCode.StepLimit,
      `Expression ${preview} took more than ${limits.maxSteps} evaluation steps and was stopped; check for a loop that never ends`,
      details,
    );
  }
  if (codes.includes("D1011")) {
    return new ExpressionError(
      ExpressionErrorCode.DepthExceeded,
      `Expression ${preview} exceeded the maximum depth of ${limits.maxDepth} and was stopped; check for runaway recursion`,
      details,
    );
  }
  const tooLarge = [fields, fields.inner, fields.inner?.inner].find((each) => each?.code === TOO_LARGE_CODE);
  if (tooLarge !== undefined) {
    return new ExpressionError(ExpressionErrorCode.TooLarge, `Expression ${preview} was stopped: ${tooLarge.message ?? ""}`, details);
  }
  if (codes.includes("D2014") || codes.includes("D2015")) {
    return new ExpressionError(
      ExpressionErrorCode.TooLarge,
      `Expression ${preview} built a sequence longer than ${limits.maxSequence} items and was stopped`,
      details,
    );
  }
  const where = fields.position !== undefined ? ` (at position ${fields.position})` : "";
  const reason = shorten(fields.message ?? (error instanceof Error ? error.message : String(error)));
  return new ExpressionError(ExpressionErrorCode.Evaluation, `Expression ${preview} failed: ${reason}${where}`, details);
}

// JSONata quotes the offending value in its messages (`$number` of a million-character
// text put all of it into the message, and so into the history): keep the start.
const MAX_REASON_LENGTH = 300;

function shorten(reason: string): string {
  return reason.length > MAX_REASON_LENGTH
    ? `${reason.slice(0, MAX_REASON_LENGTH)}… (${reason.length - MAX_REASON_LENGTH} more characters)`
    : reason;
}

function contextDocument(context: ExpressionContext): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  if (context.input !== undefined) document.input = context.input;
  if (context.steps !== undefined) document.steps = context.steps;
  if (context.vars !== undefined) document.vars = context.vars;
  if (context.item !== undefined) document.item = context.item;
  if (context.index !== undefined) document.index = context.index;
  if (context.instance !== undefined) document.instance = context.instance;
  return document;
}

let fromMillis: jsonata.Expression | undefined;

// Bindings passed to `evaluate` shadow JSONata's own $now/$millis/$random, which read
// the wall clock and Math.random. One evaluation sees one "now", as in JSONata.
// No wider than the longest text a step may produce: the exit hook sees the text only after it is built.
const MAX_PAD_WIDTH = MAX_STRING_LENGTH;
let padFn: ReturnType<typeof jsonata> | undefined;

function deterministicBindings(options: EvaluateExpressionOptions): Record<string, unknown> {
  let nowMs: number | undefined;
  const millis = (): number => (nowMs ??= options.now());
  return {
    now: (picture?: unknown, timezone?: unknown): unknown => {
      const ms = millis();
      if (picture === undefined && timezone === undefined) return new Date(ms).toISOString();
      fromMillis ??= jsonata("$fromMillis(ms, picture, timezone)");
      return fromMillis.evaluate({ ms, picture, timezone });
    },
    millis,
    random: (): number => options.random(),
    // A placeholder, never the value: see secrets.ts.
    secret: (name: unknown): string => secretPlaceholder(name as string),
    // JSONata's $pad builds the whole string at once; a huge width would crash V8 outright.
    pad: (text: unknown, width: unknown, char?: unknown): unknown => {
      if (typeof width === "number" && Math.abs(width) > MAX_PAD_WIDTH) {
        throw { code: "D3141", message: `$pad() width ${width} is over the limit of ${MAX_PAD_WIDTH}` };
      }
      // Plain arguments: ours, which does not spell the padding out character by character
      // (bounded-builtins.ts). Anything else: JSONata's, for its argument errors.
      if (typeof text === "string" && typeof width === "number" && (char === undefined || typeof char === "string"))
        return boundedPad(text, width, char);
      padFn ??= jsonata("$pad(text, width, char)");
      return padFn.evaluate({ text, width, char: char ?? " " });
    },
  };
}

// Results go into the durable history: plain JSON only. JSONata marks sequences with
// extra properties and can return functions, which JSON cannot hold. The exit hook has
// already refused values too large to expand (value-limits.ts); the copy counts its
// nodes too, so a value that slipped past the hook still cannot hold the loop long.
function toJsonResult(value: unknown, source: string): unknown {
  const budget = { nodes: 0 };
  return toJson(value, source, 0, budget);
}

function toJson(value: unknown, source: string, depth: number, budget: { nodes: number }): unknown {
  if (++budget.nodes > MAX_EXPANDED_WEIGHT) {
    throw new ExpressionError(
      ExpressionErrorCode.TooLarge,
      `Expression ${expressionPreview(source)} returned a value of more than ${MAX_EXPANDED_WEIGHT} nodes (counting each shared part as often as it is used); return a smaller value`,
      { expression: source },
    );
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined) return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (depth > MAX_RESULT_DEPTH) {
    throw new ExpressionError(
      ExpressionErrorCode.TooLarge,
      `Expression ${expressionPreview(source)} returned a value nested more than ${MAX_RESULT_DEPTH} levels deep`,
      { expression: source },
    );
  }
  if (typeof value === "function" || isJsonataFunction(value)) {
    throw new ExpressionError(
      ExpressionErrorCode.NotJson,
      `Expression ${expressionPreview(source)} returned a function, which cannot be stored; call the function instead`,
      { expression: source },
    );
  }
  if (Array.isArray(value)) {
    return value.map((element: unknown) => {
      const json = toJson(element, source, depth + 1, budget);
      return json === undefined ? null : json;
    });
  }
  if (typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      const json = toJson(element, source, depth + 1, budget);
      if (json !== undefined && key !== "__proto__") copy[key] = json;
    }
    return copy;
  }
  return null;
}

function isJsonataFunction(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return record._jsonata_lambda === true || record._jsonata_function === true;
}
