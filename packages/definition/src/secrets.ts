/**
 * Secrets never enter history: `$secret("name")` in an expression evaluates to a
 * placeholder, `{{secret:name}}`, which is what the history records. The server
 * puts the real value in just before an activity runs, and takes it out of
 * whatever the activity returns or throws.
 */

export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

const PLACEHOLDER = /\{\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,99})\}\}/g;

export function secretPlaceholder(name: string): string {
  if (typeof name !== 'string' || !SECRET_NAME_PATTERN.test(name)) {
    throw new Error(`$secret() needs a secret name of letters, digits, '.', '_' or '-', such as "stripe-key"; got ${JSON.stringify(name)}.`);
  }
  return `{{secret:${name}}}`;
}

/** Replaces every placeholder in strings inside `value` with the secret's value; unknown names are an error. */
export function revealSecrets(value: unknown, lookup: (name: string) => string | undefined): unknown {
  return mapStrings(value, (text) =>
    text.replace(PLACEHOLDER, (_, name: string) => {
      const secret = lookup(name);
      if (secret === undefined) throw new Error(`The secret '${name}' is not set; set it with PUT /api/secrets/${name} or "weft secret set ${name}".`);
      return secret;
    }),
  );
}

/** Replaces every occurrence of a secret's value inside strings in `value` with its placeholder. */
export function redactSecrets(value: unknown, secrets: ReadonlyMap<string, string>): unknown {
  const known = [...secrets.entries()].filter(([, v]) => v.length >= 4).sort((a, b) => b[1].length - a[1].length);
  if (known.length === 0) return value;
  return mapStrings(value, (text) => {
    let out = text;
    for (const [name, secret] of known) if (out.includes(secret)) out = out.split(secret).join(`{{secret:${name}}}`);
    return out;
  });
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out;
  }
  return value;
}
