import { createSecretRedactor, type SecretRedactor } from "./secret-redaction.js";

/**
 * Secrets never enter history: `$secret("name")` in an expression evaluates to a
 * placeholder, `{{secret:name}}`, which is what the history records. The server
 * puts the real value in just before an activity runs, and takes it out of
 * whatever the activity returns or throws.
 */

export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

const PLACEHOLDER = /\{\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,99})\}\}/g;

export function secretPlaceholder(name: string): string {
  if (typeof name !== "string" || !SECRET_NAME_PATTERN.test(name)) {
    throw new Error(
      `$secret() needs a secret name of letters, digits, '.', '_' or '-', such as "stripe-key"; got ${JSON.stringify(name)}.`,
    );
  }
  return `{{secret:${name}}}`;
}

/** Replaces every placeholder in strings inside `value` with the secret's value; unknown names are an error. */
export function revealSecrets(value: unknown, lookup: (name: string) => string | undefined): unknown {
  return mapStrings(value, (text) =>
    text.replace(PLACEHOLDER, (_, name: string) => {
      const secret = lookup(name);
      if (secret === undefined) throw new Error(`The secret '${name}' is not set; set it with PUT /api/secrets/${name}.`);
      return secret;
    }),
  );
}

const redactors = new WeakMap<ReadonlyMap<string, string>, SecretRedactor>();

/**
 * Replaces every occurrence of a secret's value inside `value` — strings, object
 * keys, numbers that spell one — with its placeholder, in any of the forms listed in
 * secret-redaction.ts (case, percent, JSON, HTML, hex, base64). The redactor for a
 * map is built once and kept while the map lives: pass the same map again.
 */
export function redactSecrets(value: unknown, secrets: ReadonlyMap<string, string>): unknown {
  let redactor = redactors.get(secrets);
  if (!redactor) {
    redactor = createSecretRedactor(secrets, (name) => `{{secret:${name}}}`);
    redactors.set(secrets, redactor);
  }
  return redactor.redact(value);
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out;
  }
  return value;
}
