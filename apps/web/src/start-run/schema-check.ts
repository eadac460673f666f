import type { JsonSchema } from "@weft/client";

/**
 * Checks a run's input against the workflow's inputSchema before it is sent: types,
 * required properties, enums, nested objects and arrays. The server checks it fully
 * (422); this gives the message as the person types. Returns messages, empty when fine.
 */
export function checkAgainstSchema(value: unknown, schema: JsonSchema | undefined, path = "input"): string[] {
  if (!schema || typeof schema !== "object") return [];
  const problems: string[] = [];
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types && !types.some((t) => matchesType(value, t))) {
    problems.push(`${path} must be ${types.join(" or ")}, not ${typeName(value)}.`);
    return problems;
  }
  if (schema.enum && !schema.enum.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
    problems.push(`${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}.`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${path}.${name} is required.`);
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (name in record) problems.push(...checkAgainstSchema(record[name], sub, `${path}.${name}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => problems.push(...checkAgainstSchema(v, schema.items, `${path}[${i}]`)));
  return problems;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** A starting input for the editor: the required (or all) properties with empty values of their type. */
export function sampleInput(schema: JsonSchema | undefined): unknown {
  if (!schema || schema.type !== "object" || !schema.properties) return {};
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(schema.properties)) {
    const type = Array.isArray(sub.type) ? sub.type[0] : sub.type;
    out[name] =
      sub.default ??
      (type === "string"
        ? ""
        : type === "number" || type === "integer"
          ? 0
          : type === "array"
            ? []
            : type === "boolean"
              ? false
              : type === "object"
                ? {}
                : null);
  }
  return out;
}
