import { compileLinearRegex, unsupportedRegexMessage } from "./linear-regex.js";

/**
 * What an expression may not contain because it could not run safely, found by walking
 * its parse tree when the expression is compiled (so at validate and publish time).
 * The same checks run again while an evaluation runs (see evaluation-budget.ts), for
 * the parts `$eval` parses from text at run time.
 */
export interface UnrunnablePart {
  message: string;
  position: number;
}

/**
 * At most one `+` parameter and a few optional ones in a function signature. JSONata
 * checks the arguments of every call against a JavaScript RegExp built from the
 * signature: each `+` is a `[sm]+` group, so `<s+s+s+…n>` backtracks through every way
 * of splitting the arguments (14 of them and 30 arguments: 3.4 s of one blocked event
 * loop). With one `+` and up to eight `?`/`-` the number of ways stays small.
 */
export const MAX_SIGNATURE_REPEATS = 1;

/**
 * At most this many items written out in one array constructor (`[a, b, …]`). JSONata
 * starts every item at once (`Promise.all`), so the pauses between evaluation steps
 * cannot interleave, and then appends the items one by one, copying the array each
 * time: a 20,000-item literal (~40 KB of definition) held the event loop 420 ms.
 */
export const MAX_ARRAY_CONSTRUCTOR_ITEMS = 1000;

/**
 * Of those, at most this many computed ones (a path, a variable, a call…): each can
 * be an array, and the copying then grows with the items times the result's length —
 * 1,000 variables of 100 items each held the loop 250 ms, 64 of 1,500 each take ~15 ms.
 * Literal items (numbers, texts, true/false/null, [ … ] and { … }) add one item each.
 */
export const MAX_ARRAY_CONSTRUCTOR_COMPUTED_ITEMS = 64;

function isLiteralItem(item: unknown): boolean {
  if (typeof item !== "object" || item === null) return false;
  const node = item as { type?: unknown; value?: unknown; predicate?: unknown; group?: unknown };
  if (node.predicate !== undefined || node.group !== undefined) return false;
  if (node.type === "number" || node.type === "string" || node.type === "value") return true;
  return node.type === "unary" && (node.value === "[" || node.value === "{");
}

function arrayConstructorProblem(items: readonly unknown[]): string | undefined {
  const instead = "pass long lists in the workflow's input or a variable, or build them with a range such as [1..100] or $append";
  if (items.length > MAX_ARRAY_CONSTRUCTOR_ITEMS) {
    return `An array written out with ${items.length} items is too long to evaluate: at most ${MAX_ARRAY_CONSTRUCTOR_ITEMS} are allowed in one [ … ] — ${instead}`;
  }
  const computed = items.filter((item) => !isLiteralItem(item)).length;
  if (computed > MAX_ARRAY_CONSTRUCTOR_COMPUTED_ITEMS) {
    return `An array written out with ${computed} computed items (paths, variables, function calls) is too costly to evaluate: at most ${MAX_ARRAY_CONSTRUCTOR_COMPUTED_ITEMS} are allowed in one [ … ], besides literal numbers, texts and nested [ … ] or { … } — ${instead}`;
  }
  return undefined;
}
export const MAX_SIGNATURE_OPTIONALS = 8;

/**
 * @example
 * findUnrunnablePart(jsonata('$match(s, /(a)\\1/)').ast()); // { message: 'The regular expression /(a)\1/ …', position: 17 }
 */
export function findUnrunnablePart(ast: unknown): UnrunnablePart | undefined {
  const stack: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    const record = node as { type?: unknown; value?: unknown; position?: unknown; signature?: unknown };
    const position = typeof record.position === "number" ? record.position : 0;
    if (record.type === "regex" && record.value instanceof RegExp) {
      const compiled = compileLinearRegex(record.value);
      if (!compiled.ok) return { message: unsupportedRegexMessage(record.value, compiled.message), position };
    }
    if (record.type === "lambda") {
      const problem = signatureProblem(record.signature);
      if (problem !== undefined) return { message: problem, position };
    }
    const items = (node as { expressions?: unknown }).expressions;
    if (record.type === "unary" && record.value === "[" && Array.isArray(items)) {
      const problem = arrayConstructorProblem(items);
      if (problem !== undefined) return { message: problem, position };
    }
    for (const value of Object.values(node)) if (value && typeof value === "object") stack.push(value);
  }
  return undefined;
}

/** Why a lambda's signature (JSONata's `{ definition }` object) is refused, if it is. */
export function signatureProblem(signature: unknown): string | undefined {
  if (typeof signature !== "object" || signature === null) return undefined;
  const definition = (signature as { definition?: unknown }).definition;
  if (typeof definition !== "string") return undefined;
  // Only the parameters count (the return type after ':' is not matched), and a
  // type parameter such as a<s+> is not matched against the arguments' symbols.
  const parameters = topLevel(definition.split(":")[0] ?? "");
  const repeats = count(parameters, "+");
  const optionals = count(parameters, "?") + count(parameters, "-");
  if (repeats <= MAX_SIGNATURE_REPEATS && optionals <= MAX_SIGNATURE_OPTIONALS) return undefined;
  return `The function signature ${definition} has ${repeats} repeated (+) and ${optionals} optional (? or -) parameters; at most ${MAX_SIGNATURE_REPEATS} repeated and ${MAX_SIGNATURE_OPTIONALS} optional are allowed, because checking arguments against more can take exponential time — pass an array instead`;
}

function topLevel(parameters: string): string {
  let depth = 0;
  let out = "";
  // Skip the outer '<' and drop what is inside nested <…> and (…).
  for (const char of parameters.slice(1)) {
    if (char === "<" || char === "(") depth += 1;
    else if (char === ">" || char === ")") depth -= 1;
    else if (depth === 0) out += char;
  }
  return out;
}

function count(text: string, char: string): number {
  let total = 0;
  for (const each of text) if (each === char) total += 1;
  return total;
}
