import safeRegex from 'safe-regex2';

/**
 * JSONata runs regular expressions on the main thread, where no time box can
 * interrupt them: one with catastrophic backtracking (`/^(a+)+$/`) would stall the
 * whole process. Regexes in JSONata only come from literals, so they are checked
 * when the expression is compiled, and the unsafe ones refused.
 */
export interface UnsafeRegex {
  source: string;
  position: number;
}

export function findUnsafeRegex(ast: unknown): UnsafeRegex | undefined {
  const stack: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const record = node as { type?: unknown; value?: unknown; position?: unknown };
    if (record.type === 'regex' && record.value instanceof RegExp && !safeRegex(record.value)) {
      return { source: record.value.source, position: typeof record.position === 'number' ? record.position : 0 };
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') stack.push(value);
  }
  return undefined;
}
