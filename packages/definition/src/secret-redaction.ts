/**
 * Finding a secret's value in text in the forms it takes on its way out: an
 * activity lower-cases a host name, a URL parser percent-encodes part of a path, a
 * body is JSON inside JSON, a header is `Basic base64(user:secret)`. Exact-string
 * redaction misses all of these. Here a secret is found:
 *
 * - **in any letter case, and encoded**: the text is also read decoded, once and
 *   twice (percent-escapes in either hex case, JSON escapes such as `\"` and
 *   `\u00e9`, HTML entities, and — in a second reading — `+` as a space), so
 *   `SK_LIVE`, `sk%5Flive`, `sk\u005flive` and `%2522` (percent-encoded twice) all
 *   match, and so does a URL parser's mix of encoded and plain characters. `\` and
 *   `/` count as the same character (URL parsers turn one into the other).
 * - **as hex** of its UTF-8 bytes, either case;
 * - **as base64 and base64url** of its UTF-8 bytes at each of the three alignments
 *   base64 can put it in (inside `user:secret` the value starts mid-group); a hit
 *   takes out the whole run of base64 characters around it, since the characters at
 *   its edges carry bits of the secret too.
 *
 * Each reading is built once per text, whatever the number of secrets, and every
 * search is a plain substring search: the cost is linear in the text, whatever the
 * text holds (no backtracking over overlapping encodings).
 *
 * Values shorter than {@link MIN_REDACTED_LENGTH} characters are not redacted: they
 * would match ordinary text everywhere. The server refuses to store values shorter
 * than its own minimum, which is larger.
 */
export const MIN_REDACTED_LENGTH = 4;

export interface SecretRedactor {
  /** `text` with every form of every secret replaced by the secret's placeholder. */
  redactText(text: string): string;
  /** A copy of `value` with every string (object keys too) redacted; numbers that spell a secret become its placeholder. */
  redact(value: unknown): unknown;
}

interface Span {
  start: number;
  end: number;
  name: string;
}

interface SecretMatcher {
  name: string;
  /** The secret in canonical form (see {@link canonical}): what the readings are searched for. */
  canonical: string;
  /** Hex of the UTF-8 bytes, lower case. */
  hex: string;
  /** The base64 and base64url characters that only this secret's bytes decide, per alignment. */
  base64: string[];
}

/**
 * A reading of a text: `text` in canonical form (decoded or not), and for each of
 * its UTF-16 units the range of the original text it came from.
 */
interface Reading {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

/** Both alphabets: a url-safe core may sit in a run with `-`, a standard one beside `+`. */
const BASE64_RUN = /[A-Za-z0-9+/=_-]/;

/**
 * A redactor for a set of named secrets (name → value). Make one per set of values
 * and reuse it.
 *
 * @example
 * createSecretRedactor(new Map([["api", "sk_live_8c7f3a9d"]]), (n) => `{{secret:${n}}}`).redactText("key=SK_LIVE_8C7F3A9D") // "key={{secret:api}}"
 */
export function createSecretRedactor(secrets: ReadonlyMap<string, string>, placeholder: (name: string) => string): SecretRedactor {
  // Longest first: where two secrets overlap, the longer one names the span.
  const matchers = [...secrets.entries()]
    .filter(([, value]) => value.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b[1].length - a[1].length)
    .map(([name, value]) => compileSecret(name, value));
  // Any reading of a secret is at least as long as its canonical form.
  const shortest = Math.min(...matchers.map((m) => m.canonical.length));

  const redactText = (text: string): string => {
    if (text.length < shortest) return text;
    const readings: Reading[] = [plainReading(text)];
    if (/[%\\&+]/.test(text)) {
      const once = read(text, false);
      readings.push(once, read(text, true));
      if (/[%\\&+]/.test(once.decoded)) readings.push(compose(once, read(once.decoded, false)), compose(once, read(once.decoded, true)));
    }
    const lowered = text.toLowerCase();
    const hexIn = lowered.length === text.length ? lowered : text;
    const spans: Span[] = [];
    for (const matcher of matchers) {
      for (const reading of readings) {
        for (let at = reading.text.indexOf(matcher.canonical); at !== -1; at = reading.text.indexOf(matcher.canonical, at + 1)) {
          spans.push({ start: reading.from[at] as number, end: reading.to[at + matcher.canonical.length - 1] as number, name: matcher.name });
        }
      }
      for (let at = hexIn.indexOf(matcher.hex); at !== -1; at = hexIn.indexOf(matcher.hex, at + 1)) {
        spans.push({ start: at, end: at + matcher.hex.length, name: matcher.name });
      }
      for (const core of matcher.base64) {
        for (let at = text.indexOf(core); at !== -1; at = text.indexOf(core, at + 1)) {
          spans.push({ ...widenRun(text, at, at + core.length), name: matcher.name });
        }
      }
    }
    return spans.length === 0 ? text : replaceSpans(text, spans, placeholder);
  };

  const redact = (value: unknown): unknown => {
    if (matchers.length === 0) return value;
    if (typeof value === 'string') return redactText(value);
    if (typeof value === 'number' || typeof value === 'bigint') {
      const spelled = String(value);
      const redacted = redactText(spelled);
      return redacted === spelled ? value : redacted;
    }
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[redactText(key)] = redact(inner);
      return out;
    }
    return value;
  };

  return { redactText, redact };
}

function compileSecret(name: string, value: string): SecretMatcher {
  const bytes = new TextEncoder().encode(value);
  const base64 = new Set<string>();
  for (const core of base64Cores(bytes)) {
    base64.add(core);
    base64.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return { name, canonical: canonical(value), hex: toHex(bytes), base64: [...base64] };
}

/**
 * Text as the readings compare it: lower case, final sigma as sigma, and `\` as `/`.
 * Keeps the length (a character whose lower case is longer, such as `İ`, stays as it
 * is), so positions in a reading still point into its ranges.
 */
function canonical(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower.replace(/ς/g, 'σ').replace(/\\/g, '/');
  let out = '';
  for (const ch of text) {
    const low = ch.toLowerCase();
    out += low.length === ch.length ? low : ch;
  }
  return out.replace(/ς/g, 'σ').replace(/\\/g, '/');
}

/**
 * `text` with one layer of percent-escapes, JSON escapes and HTML entities decoded
 * (and `+` read as a space when `plusAsSpace`), in canonical form for searching, with
 * the ranges of the original each unit came from.
 */
function read(text: string, plusAsSpace: boolean): Reading & { decoded: string } {
  const from = new Int32Array(text.length + 1);
  const to = new Int32Array(text.length + 1);
  const parts: string[] = [];
  let length = 0;
  let i = 0;
  let plainFrom = 0;
  const flushPlain = (end: number) => {
    if (end <= plainFrom) return;
    for (let k = plainFrom; k < end; k++) {
      from[length] = k;
      to[length] = k + 1;
      length += 1;
    }
    parts.push(text.slice(plainFrom, end));
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Only these characters start an escape: everything else is copied in runs.
    if (c !== 0x25 && c !== 0x5c && c !== 0x26 && c !== 0x2b) {
      i += 1;
      continue;
    }
    const decoded = decodeAt(text, i, plusAsSpace);
    if (!decoded) {
      i += 1;
      continue;
    }
    flushPlain(i);
    for (let k = 0; k < decoded.ch.length; k++) {
      from[length] = i;
      to[length] = decoded.end;
      length += 1;
    }
    parts.push(decoded.ch);
    i = decoded.end;
    plainFrom = i;
  }
  flushPlain(text.length);
  const decoded = parts.join('');
  return { decoded, text: canonical(decoded), from, to };
}

/** The text as written, in canonical form. */
function plainReading(text: string): Reading {
  const from = new Int32Array(text.length + 1);
  const to = new Int32Array(text.length + 1);
  for (let k = 0; k < text.length; k++) {
    from[k] = k;
    to[k] = k + 1;
  }
  return { text: canonical(text), from, to };
}

/** A reading of a reading: its ranges mapped back to the original text. */
function compose(outer: Reading, inner: Reading): Reading {
  const from = new Int32Array(inner.text.length + 1);
  const to = new Int32Array(inner.text.length + 1);
  for (let k = 0; k < inner.text.length; k++) {
    from[k] = outer.from[inner.from[k] as number] as number;
    to[k] = outer.to[(inner.to[k] as number) - 1] as number;
  }
  return { text: inner.text, from, to };
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
const HTML_ENTITIES: Record<string, string> = { quot: '"', amp: '&', apos: "'", lt: '<', gt: '>' };
const HEX = /^[0-9a-fA-F]+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** The character an escape at `at` stands for, and where the escape ends; undefined when none starts there. */
function decodeAt(text: string, at: number, plusAsSpace: boolean): { ch: string; end: number } | undefined {
  const c = text.charAt(at);
  if (c === '+' && plusAsSpace) return { ch: ' ', end: at + 1 };
  if (c === '%') return decodePercent(text, at);
  if (c === '\\') {
    const next = text.charAt(at + 1);
    if (next === 'u' || next === 'U') {
      const unit = hexAt(text, at + 2, 4);
      if (unit === undefined) return undefined;
      const low = text.charAt(at + 6) === '\\' ? hexAt(text, at + 8, 4) : undefined;
      if (unit >= 0xd800 && unit < 0xdc00 && low !== undefined && low >= 0xdc00 && low < 0xe000 && /[uU]/.test(text.charAt(at + 7))) {
        return { ch: String.fromCharCode(unit, low), end: at + 12 };
      }
      return { ch: String.fromCharCode(unit), end: at + 6 };
    }
    const escaped = JSON_ESCAPES[next];
    return escaped === undefined ? undefined : { ch: escaped, end: at + 2 };
  }
  if (c === '&') {
    // Entities are short: look no further than 12 characters (a search to the end would make text of '&' quadratic).
    const close = text.slice(at, at + 12).indexOf(';') + at;
    if (close < at) return undefined;
    const body = text.slice(at + 1, close);
    const named = HTML_ENTITIES[body.toLowerCase()];
    if (named) return { ch: named, end: close + 1 };
    const code = /^#x[0-9a-f]+$/i.test(body) ? Number.parseInt(body.slice(2), 16) : /^#[0-9]+$/.test(body) ? Number.parseInt(body.slice(1), 10) : Number.NaN;
    return Number.isInteger(code) && code <= 0x10ffff ? { ch: String.fromCodePoint(code), end: close + 1 } : undefined;
  }
  return undefined;
}

/** `%XX`, or the run of `%XX` that spells one UTF-8 character. */
function decodePercent(text: string, at: number): { ch: string; end: number } | undefined {
  const lead = hexAt(text, at + 1, 2);
  if (lead === undefined) return undefined;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (length === 0) return undefined;
  const bytes = [lead];
  for (let k = 1; k < length; k++) {
    const next = text.charAt(at + 3 * k) === '%' ? hexAt(text, at + 3 * k + 1, 2) : undefined;
    if (next === undefined || (next & 0xc0) !== 0x80) return undefined;
    bytes.push(next);
  }
  const ch = UTF8.decode(new Uint8Array(bytes));
  return { ch, end: at + 3 * length };
}

function hexAt(text: string, at: number, digits: number): number | undefined {
  const part = text.slice(at, at + digits);
  return part.length === digits && HEX.test(part) ? Number.parseInt(part, 16) : undefined;
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The base64 characters that depend on the secret's bytes alone, for the secret
 * starting at byte 0, 1 and 2 of a 3-byte group.
 */
function base64Cores(bytes: Uint8Array): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.set(bytes, shift);
    const encoded = toBase64(padded);
    const first = Math.ceil((shift * 8) / 6);
    const last = Math.floor(((shift + bytes.length) * 8) / 6); // exclusive: characters wholly inside the secret's bits
    if (last > first) cores.push(encoded.slice(first, last));
  }
  return cores;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function widenRun(text: string, start: number, end: number): { start: number; end: number } {
  let from = start;
  let to = end;
  while (from > 0 && BASE64_RUN.test(text.charAt(from - 1))) from -= 1;
  while (to < text.length && BASE64_RUN.test(text.charAt(to))) to += 1;
  return { start: from, end: to };
}

function replaceSpans(text: string, spans: Span[], placeholder: (name: string) => string): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  let out = '';
  let at = 0;
  for (const span of merged) {
    out += text.slice(at, span.start) + placeholder(span.name);
    at = span.end;
  }
  return out + text.slice(at);
}
