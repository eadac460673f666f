// For tests (`@weft/definition/testing`): what "the secret appears nowhere" has to look for.

/**
 * The ways a secret's value can be written where a test looks for it: as is, in
 * either case, percent-encoded (as encodeURIComponent, URLSearchParams and the URL
 * parser write it), JSON-escaped, hex, and the base64/base64url characters that only
 * its bytes decide at each of the three alignments (what survives inside
 * `Basic base64(user:secret)`).
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([
    value,
    value.toLowerCase(),
    value.toUpperCase(),
    encodeURIComponent(value),
    encodeURIComponent(value).toLowerCase(),
    new URLSearchParams({ v: value }).toString().slice(2),
    new URL(`http://x/${value}`).pathname.slice(1),
    JSON.stringify(value).slice(1, -1),
    JSON.stringify(JSON.stringify(value)).slice(1, -1),
    hex(value),
    hex(value).toUpperCase(),
  ]);
  const bytes = new TextEncoder().encode(value);
  for (let shift = 0; shift < 3; shift++) {
    const encoded = btoa(String.fromCharCode(...new Array<number>(shift).fill(0), ...bytes));
    const core = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
    forms.add(core);
    forms.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms];
}

/** The forms of `value` found in `text` (empty when none). */
export function formsIn(text: string, value: string): string[] {
  return secretForms(value).filter((form) => text.includes(form));
}

function hex(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
