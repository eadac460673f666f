/** The longest instance id the engine takes. */
export const MAX_ID_LENGTH = 200;

// A UTF-16 surrogate without its partner. Databases store text as UTF-8, which cannot
// encode one: SQLite and node-postgres write U+FFFD in its place, so the id read back is
// not the id given, and the instance could no longer be found by it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// NUL cuts text short in C APIs and PostgreSQL refuses it; the other control characters
// make ids that cannot be typed, shown or put in a URL without surprises.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with `value` as an id (undefined when nothing is). Ids are keys in the
 * store, compared after a round trip through the database, so they must be text that
 * survives it unchanged.
 */
export function idProblem(value: unknown, max = MAX_ID_LENGTH): string | undefined {
  if (typeof value !== "string") return "must be text";
  if (value.length === 0) return "must not be empty";
  if (value.length > max) return `must be at most ${max} characters`;
  if (LONE_SURROGATE.test(value)) return "must be well-formed Unicode text (it holds half of a surrogate pair)";
  if (CONTROL.test(value)) return "must not contain control characters (such as NUL, tab or newline)";
  return undefined;
}
