import { redactSecrets } from "@weft/definition";

/** How deep a cause chain is followed; deeper causes are cut off (a chain can be circular). */
const MAX_CAUSES = 8;

/**
 * What an activity threw, with every secret taken out: the message, the stack, the
 * `details` and `failure` the engine records, and the `cause` chain (a library error
 * that quotes a URL usually carries it there). The error is changed in place so that
 * its class survives — the worker tells a dead isolated process
 * (ActivityProcessDiedError) from other failures by `instanceof`. Anything else
 * thrown (a string, a plain object) is redacted as a value.
 */
export function redactThrown(thrown: unknown, secrets: ReadonlyMap<string, string>, depth = 0): unknown {
  if (!(thrown instanceof Error)) return redactSecrets(thrown, secrets);
  const error = thrown as Error & { details?: unknown; failure?: unknown; cause?: unknown };
  try {
    error.message = redactSecrets(error.message, secrets) as string;
    if (typeof error.stack === "string") error.stack = redactSecrets(error.stack, secrets) as string;
    if (error.details !== undefined) error.details = redactSecrets(error.details, secrets);
    if (error.failure !== undefined) error.failure = redactSecrets(error.failure, secrets);
    // Library errors hang the input on their own fields too (TypeError: Invalid URL has `input`).
    for (const key of Object.keys(error)) {
      if (key === "details" || key === "failure" || key === "cause") continue;
      (error as unknown as Record<string, unknown>)[key] = redactSecrets((error as unknown as Record<string, unknown>)[key], secrets);
    }
    if (error.cause !== undefined) {
      error.cause = depth < MAX_CAUSES ? redactThrown(error.cause, secrets, depth + 1) : "[cause chain cut off]";
    }
    return error;
  } catch {
    // A frozen error, or one with read-only fields: throw a plain one in its place.
    const replacement = new Error(redactSecrets(error.message, secrets) as string);
    replacement.name = error.name;
    replacement.stack = redactSecrets(error.stack ?? "", secrets) as string;
    return Object.assign(replacement, { nonRetryable: (error as { nonRetryable?: unknown }).nonRetryable === true });
  }
}
