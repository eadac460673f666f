import type { z } from "zod";

/** A JSON Schema object as `z.toJSONSchema` produces it. */
export type JsonSchema = Record<string, unknown>;

export interface PlainIssue {
  /** `input.ms`, `input.headers.accept`, `input.items[0]`. */
  readonly path: string;
  /** The whole sentence: `input.ms must be a number ≥ 0`. */
  readonly message: string;
}

// Zod writes `.int()` as the safe-integer range; saying "≥ -9007199254740991" helps nobody.
const SAFE_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Turns zod issues into sentences a person filling in a form understands. The
 * expectation is read from the field's JSON Schema (the same one the form is drawn
 * from), so "must be" names the type and the bounds together: a string where a
 * number ≥ 0 belongs and a -1 both read "input.ms must be a number ≥ 0".
 */
export function plainIssues(issues: readonly z.core.$ZodIssue[], schema: JsonSchema | undefined, root = "input"): PlainIssue[] {
  return issues.map((issue) => {
    const path = formatPath(root, issue.path);
    const node = schema === undefined ? undefined : schemaAt(schema, issue.path);
    const expected = node === undefined ? undefined : describeSchema(node);
    return { path, message: `${path} ${phrase(issue, expected)}` };
  });
}

function phrase(issue: z.core.$ZodIssue, expected: string | undefined): string {
  // Parsed with `reportInput`, so a missing field shows as an issue whose input is undefined.
  const missing = "input" in issue && issue.input === undefined;
  switch (issue.code) {
    case "invalid_type":
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "invalid_value":
    case "not_multiple_of":
    case "invalid_union": {
      const want = expected ?? (issue.code === "invalid_type" ? article(issue.expected) : fallbackExpectation(issue));
      return missing ? `is required (${want})` : `must be ${want}`;
    }
    case "unrecognized_keys":
      return `has unknown ${issue.keys.length === 1 ? "field" : "fields"} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
    default:
      return issue.message;
  }
}

function fallbackExpectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small":
      return `${issue.inclusive === false ? ">" : "≥"} ${String(issue.minimum)}${unitOf(issue.origin)}`;
    case "too_big":
      return `${issue.inclusive === false ? "<" : "≤"} ${String(issue.maximum)}${unitOf(issue.origin)}`;
    case "invalid_format":
      return `a valid ${issue.format}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return "valid";
  }
}

function unitOf(origin: string): string {
  if (origin === "string") return " characters long";
  if (origin === "array" || origin === "set") return " items long";
  return "";
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** The sub-schema that describes the value at `path`, following properties, items and unions. */
export function schemaAt(schema: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (node === undefined) return undefined;
    node = childSchema(node, key);
  }
  return node;
}

function childSchema(node: JsonSchema, key: PropertyKey): JsonSchema | undefined {
  const properties = asSchema(node.properties);
  if (typeof key === "string" && properties !== undefined) {
    const property = asSchema(properties[key]);
    if (property !== undefined) return property;
  }
  if (typeof key === "number") {
    const items = asSchema(node.items);
    if (items !== undefined) return items;
  }
  const additional = asSchema(node.additionalProperties);
  if (typeof key === "string" && additional !== undefined && Object.keys(additional).length > 0) return additional;
  for (const alternative of alternativesOf(node)) {
    const found = childSchema(alternative, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** "a number ≥ 0", "one of GET, POST", "a URL", "a list of at least 1 item". */
export function describeSchema(node: JsonSchema): string | undefined {
  const alternatives = alternativesOf(node);
  if (alternatives.length > 0) {
    const parts = [...new Set(alternatives.map(describeSchema).filter((d): d is string => d !== undefined))];
    return parts.length > 0 ? parts.join(" or ") : undefined;
  }
  if (Array.isArray(node.enum)) return `one of ${node.enum.map(literal).join(", ")}`;
  if ("const" in node) return `exactly ${literal(node.const)}`;
  const type = node.type;
  if (Array.isArray(type)) return type.map((t) => describeType(String(t), node)).join(" or ");
  if (typeof type === "string") return describeType(type, node);
  return undefined;
}

function describeType(type: string, node: JsonSchema): string {
  switch (type) {
    case "number":
    case "integer":
      return `${type === "integer" ? "a whole number" : "a number"}${numberBounds(node)}`;
    case "string":
      return describeString(node);
    case "boolean":
      return "true or false";
    case "array": {
      const min = numberOr(node.minItems);
      const max = numberOr(node.maxItems);
      if (min !== undefined && max !== undefined) return `a list of ${min} to ${max} items`;
      if (min !== undefined) return `a list of at least ${min} ${min === 1 ? "item" : "items"}`;
      if (max !== undefined) return `a list of at most ${max} ${max === 1 ? "item" : "items"}`;
      return "a list";
    }
    case "object":
      return "an object";
    case "null":
      return "null";
    default:
      return article(type);
  }
}

function numberBounds(node: JsonSchema): string {
  const min = bound(node.minimum);
  const max = bound(node.maximum);
  const exMin = bound(node.exclusiveMinimum);
  const exMax = bound(node.exclusiveMaximum);
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`≥ ${min}`);
  if (exMin !== undefined) parts.push(`> ${exMin}`);
  if (max !== undefined) parts.push(`≤ ${max}`);
  if (exMax !== undefined) parts.push(`< ${exMax}`);
  return parts.length > 0 ? ` ${parts.join(" and ")}` : "";
}

function bound(value: unknown): number | undefined {
  return typeof value === "number" && Math.abs(value) < SAFE_LIMIT ? value : undefined;
}

function describeString(node: JsonSchema): string {
  const formats: Record<string, string> = {
    uri: "a URL",
    email: "an email address",
    "date-time": "a date and time (ISO 8601)",
    date: "a date (YYYY-MM-DD)",
    uuid: "a UUID",
  };
  const format = typeof node.format === "string" ? formats[node.format] : undefined;
  if (format !== undefined) return format;
  const min = numberOr(node.minLength);
  const max = numberOr(node.maxLength);
  let text = min === 1 ? "a non-empty string" : "a string";
  if (min !== undefined && min > 1) text += ` of at least ${min} characters`;
  if (max !== undefined) text += `${min !== undefined && min > 1 ? " and" : ""} of at most ${max} characters`;
  if (typeof node.pattern === "string") text += ` matching /${node.pattern}/`;
  return text;
}

function alternativesOf(node: JsonSchema): JsonSchema[] {
  const list = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : [];
  return list.map(asSchema).filter((s): s is JsonSchema => s !== undefined);
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function literal(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}
