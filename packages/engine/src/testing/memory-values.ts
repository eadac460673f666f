/** What the memory store does to values on the way in and out, as a database would. */

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A copy through JSON: the caller's object and the stored one never share anything. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
