/**
 * An activity's input is one JSONata expression. When it is an object constructor of
 * `"key": expression` pairs, the inspector shows one field per key; these helpers split
 * such an expression into its pairs and put it back together.
 */
export interface InputField {
  key: string;
  expression: string;
}

/** The pairs of `{ "a": x, "b": y }`, or undefined when the expression is anything else. */
export function splitObjectExpression(source: string | undefined): InputField[] | undefined {
  if (source === undefined) return [];
  const text = source.trim();
  if (text === "") return [];
  if (!text.startsWith("{") || !text.endsWith("}")) return undefined;
  const inner = text.slice(1, -1);
  const parts = splitTopLevel(inner, ",");
  if (parts === undefined) return undefined;
  const fields: InputField[] = [];
  for (const part of parts) {
    if (part.trim() === "") {
      if (parts.length === 1) return [];
      return undefined;
    }
    const pieces = splitTopLevel(part, ":", 1);
    if (!pieces || pieces.length !== 2) return undefined;
    const keySource = pieces[0]!.trim();
    const match = /^"((?:[^"\\]|\\.)*)"$/.exec(keySource);
    if (!match) return undefined;
    let key: string;
    try {
      key = JSON.parse(`"${match[1]}"`) as string;
    } catch {
      return undefined;
    }
    const expression = pieces[1]!.trim();
    if (expression === "") return undefined;
    fields.push({ key, expression });
  }
  return fields;
}

/** `{ "a": x, "b": y }` from pairs; fields with an empty expression are left out. */
export function joinObjectExpression(fields: readonly InputField[]): string | undefined {
  const used = fields.filter((f) => f.expression.trim() !== "");
  if (used.length === 0) return undefined;
  return `{ ${used.map((f) => `${JSON.stringify(f.key)}: ${f.expression.trim()}`).join(", ")} }`;
}

/** Splits on a separator outside strings, brackets, braces, parentheses and comments. */
function splitTopLevel(text: string, separator: string, limit = Infinity): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth < 0) return undefined;
    } else if (ch === separator && depth === 0 && parts.length < limit) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts;
}
