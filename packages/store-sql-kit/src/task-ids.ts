/**
 * An activity task's id as the port carries it: the row id, as a decimal string. Anything
 * else (a forged or corrupted id) is no task, so it can never match a row by accident.
 */
export function parseTaskId(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}
