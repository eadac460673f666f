import type { z } from "zod";
import type { JsonPath } from "./json-copy.js";
import { capitalize, nodeTitle, quote } from "./names.js";
import { NODE_TYPES } from "./node-types.js";
import { nodeKindOf } from "./nodes/registry.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";
import { closestMatch } from "./suggest.js";

type Issue = z.core.$ZodIssue;

// What to write when a required setting of an approval is missing; a node kind's own
// hints are in its module (nodes/<kind>.ts).
const APPROVAL_HINTS: ReadonlyMap<string, string> = new Map([
  ["title", 'give the approval a title, e.g. "Approve order"'],
  ["choices", 'list the choices, e.g. ["Approved", "Rejected"]'],
]);

// The settings objects that are strict, so a typo is reported with a suggestion.
const KNOWN_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ["retry", ["maxAttempts", "firstIntervalMs", "backoffCoefficient", "maxIntervalMs", "totalTimeoutMs"]],
  ["approval", ["title", "choices"]],
  ["trigger", ["type", "path", "secret", "cron", "input"]],
]);

/**
 * Turns zod issues into problems that read like the rest of `validate`'s output:
 * "Activity 'video': retry.maxAttempts must be a whole number ≥ 1 (it is 0)".
 * `document` is the checked JSON, used to name the node or edge an issue is in.
 */
export function problemsFromIssues(issues: readonly Issue[], document: unknown, basePath: JsonPath = []): Problem[] {
  return issues.map((issue) => {
    const path = [...basePath, ...issue.path.map(pathKey)];
    if (issue.code === "invalid_key") {
      // The key itself is wrong: report it on the object that holds it.
      const key = path[path.length - 1];
      const inner = issue.issues[0];
      const phrase = inner !== undefined && isPhrase(inner.message) ? inner.message : "is not an allowed name";
      return problemAt(document, path.slice(0, -1), `has the name ${quote(String(key))}, which ${phrase}`);
    }
    return problemAt(document, path, phraseFor(issue, valueAt(document, path), path, missingHint(document, path)));
  });
}

/** A problem about the value at `path`, with the node or edge it belongs to named. */
export function problemAt(document: unknown, path: JsonPath, phrase: string): Problem {
  const [first, second] = path;
  if ((first === "nodes" || first === "edges") && typeof second === "number") {
    const raw = valueAt(document, [first, second]);
    const record = isRecord(raw) ? raw : {};
    const id = typeof record.id === "string" && record.id !== "" ? record.id : undefined;
    const rest = path.slice(2);
    if (first === "nodes") {
      const subject = id !== undefined ? nodeTitle({ id, type: record.type, label: record.label }) : `Node #${second + 1}`;
      return errorProblem(ProblemCode.BadSetting, sentence(subject, rest, phrase), { nodeId: id });
    }
    const subject = id !== undefined ? `Edge ${quote(id)}` : `Edge #${second + 1}`;
    return errorProblem(ProblemCode.BadSetting, sentence(subject, rest, phrase), { edgeId: id });
  }
  if (path.length === 0) return errorProblem(ProblemCode.Schema, `The workflow definition ${phrase}`);
  return errorProblem(ProblemCode.Schema, sentence("Workflow", path, phrase));
}

export function formatPath(path: JsonPath): string {
  let text = "";
  for (const key of path) {
    text += typeof key === "number" ? `[${key}]` : text === "" ? key : `.${key}`;
  }
  return text;
}

export function valueAt(document: unknown, path: JsonPath): unknown {
  let current: unknown = document;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === "number") current = current[key];
    else if (isRecord(current) && typeof key === "string" && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

function sentence(subject: string, path: JsonPath, phrase: string): string {
  return path.length === 0 ? `${subject} ${phrase}` : `${subject}: ${formatPath(path)} ${phrase}`;
}

function missingHint(document: unknown, path: JsonPath): string | undefined {
  const field = path[path.length - 1];
  const owner = path[path.length - 2];
  if (typeof field !== "string") return undefined;
  if (owner === "approval") return APPROVAL_HINTS.get(field);
  if (path.length !== 3 || path[0] !== "nodes") return undefined;
  const hints = nodeKindOf(valueAt(document, [...path.slice(0, 2), "type"]))?.missingHints;
  return hints !== undefined && Object.hasOwn(hints, field) ? hints[field] : undefined;
}

function phraseFor(issue: Issue, value: unknown, path: JsonPath, hint: string | undefined): string {
  const custom = isPhrase(issue.message);
  if (value === undefined && issue.code !== "unrecognized_keys") {
    if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
      return `is missing; it must be one of ${listOptions(issue)}`;
    }
    if (hint !== undefined) return `is missing; ${hint}`;
    return custom ? `is missing; it ${issue.message}` : "is missing";
  }
  if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
    return withValue(`must be one of ${listOptions(issue)}`, value);
  }
  if (issue.code === "unrecognized_keys") {
    const parentKey = [...path].reverse().find((key): key is string => typeof key === "string");
    const known = parentKey !== undefined ? KNOWN_KEYS.get(parentKey) : undefined;
    const names = issue.keys.map((key) => {
      const suggestion = known !== undefined ? closestMatch(key, known) : undefined;
      return suggestion !== undefined ? `${quote(key)} (did you mean ${quote(suggestion)}?)` : quote(key);
    });
    const allowed = known !== undefined ? `; the settings are ${known.join(", ")}` : "";
    return `has ${issue.keys.length === 1 ? "an unknown setting" : "unknown settings"} ${names.join(", ")}${allowed}`;
  }
  if (custom) return withValue(issue.message, value);
  switch (issue.code) {
    case "invalid_type":
      return withValue(`must be ${article(issue.expected)}`, value);
    case "invalid_value":
      return withValue(`must be one of ${issue.values.map((option) => JSON.stringify(option)).join(", ")}`, value);
    case "too_small":
      return withValue(`must be at least ${String(issue.minimum)}`, value);
    case "too_big":
      return withValue(`must be at most ${String(issue.maximum)}`, value);
    default:
      return `is not valid: ${issue.message}`;
  }
}

// Our own phrases all start this way; zod's defaults start with a capital letter.
function isPhrase(message: string): boolean {
  return /^(must|is|has|needs) /.test(message);
}

function listOptions(issue: Issue): string {
  const options = issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options) ? issue.options : [];
  const names = options.length > 0 ? options.map(String) : NODE_TYPES;
  return names.map((name) => `"${name}"`).join(", ");
}

function withValue(phrase: string, value: unknown): string {
  const shown = describeValue(value);
  return shown === "" ? phrase : `${phrase} ${shown}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "(it is null)";
  if (Array.isArray(value)) return `(it has ${value.length} item${value.length === 1 ? "" : "s"})`;
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `(it is ${JSON.stringify(shown)})`;
    }
    case "number":
    case "boolean":
      return `(it is ${String(value)})`;
    case "object":
      return "(it is an object)";
    default:
      return "";
  }
}

function article(expected: string): string {
  const words: Record<string, string> = {
    int: "a whole number",
    number: "a number",
    string: "text",
    boolean: "true or false",
    array: "a list",
    object: "an object",
    record: "an object",
  };
  return Object.hasOwn(words, expected) ? (words[expected] as string) : capitalize(expected);
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === "number" ? key : String(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
