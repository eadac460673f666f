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
 * search is a plain substring search that never goes back over text it has passed:
 * overlapping matches (a value such as `aaaaaaaa` matches at every position of a run
 * of `a`) are followed along the text's repetition instead of being found one by one,
 * a base64 hit jumps to the end of its run (whose edges are found once per text), and
 * the spans found are marked in arrays rather than sorted. The cost is linear in the
 * text times the number of secrets, whatever the text holds (no backtracking over
 * overlapping encodings): redaction runs on the event loop, on every activity result,
 * error, log line and outbox record.
 *
 * Values shorter than {@link MIN_REDACTED_LENGTH} characters are not redacted: they
 * would match ordinary text everywhere. The server refuses to store values shorter
 * than its own minimum, which is larger.
 */
import { canonical, compose, mayHoldEscapes, type Reading, read } from "./secret-readings.js";

export const MIN_REDACTED_LENGTH = 4;

export interface SecretRedactor {
  /** `text` with every form of every secret replaced by the secret's placeholder. */
  redactText(text: string): string;
  /** A copy of `value` with every string (object keys too) redacted; numbers that spell a secret become its placeholder. */
  redact(value: unknown): unknown;
}

/** A string to search for, with its smallest period (its length when it does not repeat itself). */
interface Needle {
  text: string;
  period: number;
}

interface SecretMatcher {
  name: string;
  /** The secret in canonical form (see {@link canonical}): what the readings are searched for. */
  canonical: Needle;
  /** Hex of the UTF-8 bytes, lower case. */
  hex: Needle;
  /** The base64 and base64url characters that only this secret's bytes decide, per alignment. */
  base64: string[];
}

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
  const shortest = matchers.reduce((least, m) => Math.min(least, m.canonical.text.length), Number.POSITIVE_INFINITY);
  const placeholders = matchers.map((m) => placeholder(m.name));

  const redactText = (text: string): string => {
    if (text.length < shortest) return text;
    const readings: Reading[] = [{ text: canonical(text) }];
    if (mayHoldEscapes(text)) {
      // A reading that decoded nothing would only search the same text again: every
      // escape is longer than what it stands for, so one that kept the length decoded
      // nothing, and reading `+` as a space only changes a text that has one.
      const once = read(text, false);
      if (once.decoded.length < text.length) {
        readings.push(once);
        if (mayHoldEscapes(once.decoded)) {
          const twice = read(once.decoded, false);
          if (twice.decoded.length < once.decoded.length) readings.push(compose(once, twice));
          if (once.decoded.includes("+")) readings.push(compose(once, read(once.decoded, true)));
        }
      }
      if (text.includes("+")) readings.push(read(text, true));
    }
    const lowered = text.toLowerCase();
    const hexIn = lowered.length === text.length ? lowered : text;
    const spans = new SpanMarks(text.length);
    let runs: Base64Runs | undefined;
    matchers.forEach((matcher, index) => {
      for (const { text: reading, from, to } of readings) {
        forEachMatchRun(reading, matcher.canonical, (start, end) =>
          spans.mark(from ? (from[start] as number) : start, to ? (to[end - 1] as number) : end, index),
        );
      }
      forEachMatchRun(hexIn, matcher.hex, (start, end) => spans.mark(start, end, index));
      for (const core of matcher.base64) {
        // The whole run of base64 characters goes, so one hit settles it: search on from its end.
        for (let at = text.indexOf(core); at !== -1;) {
          runs ??= new Base64Runs(text);
          const end = runs.endOf(at);
          spans.mark(runs.startOf(at), end, index);
          at = text.indexOf(core, end);
        }
      }
    });
    return spans.replace(text, placeholders);
  };

  const redact = (value: unknown): unknown => {
    if (matchers.length === 0) return value;
    if (typeof value === "string") return redactText(value);
    if (typeof value === "number" || typeof value === "bigint") {
      const spelled = String(value);
      const redacted = redactText(spelled);
      return redacted === spelled ? value : redacted;
    }
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === "object") {
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
    base64.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return { name, canonical: needle(canonical(value)), hex: needle(toHex(bytes)), base64: [...base64] };
}

/** `text` with its smallest period: its length less its longest border (a prefix that is also a suffix, as in KMP). */
function needle(text: string): Needle {
  const border = new Int32Array(text.length + 1);
  border[0] = -1;
  for (let i = 1; i <= text.length; i++) {
    let k = border[i - 1] as number;
    while (k >= 0 && text.charCodeAt(k) !== text.charCodeAt(i - 1)) k = border[k] as number;
    border[i] = k + 1;
  }
  return { text, period: text.length - (border[text.length] as number) };
}

/**
 * Calls `found(start, end)` for the matches of `needle` in `haystack` — together
 * they cover what every match, as `indexOf` from each match plus one would find them,
 * covers — in time linear in the haystack. A run of overlapping matches is reported
 * as its first match and then the rest of the run: the first match's own end is what
 * decides which secret names a span where secrets overlap, as it did when each match
 * was a span of its own.
 *
 * A match followed by text that keeps repeating with the needle's period is a match
 * at every period step: the run is followed character by character instead of being
 * found again from each step (a needle such as `aaaaaaaa` in a megabyte of `a` would
 * otherwise cost a search per character). After the run the search resumes just past
 * its last match; a match it then finds inside the run starts at least half the
 * needle's length further on (two periods that fit in the needle would combine into a
 * smaller one), so no text is searched more than a bounded number of times.
 */
function forEachMatchRun(haystack: string, { text, period }: Needle, found: (start: number, end: number) => void): void {
  const length = text.length;
  for (let at = haystack.indexOf(text); at !== -1;) {
    let last = at;
    if (period < length) {
      let end = at + length;
      while (end < haystack.length && haystack.charCodeAt(end) === haystack.charCodeAt(end - period)) end += 1;
      last = at + Math.floor((end - at - length) / period) * period;
    }
    found(at, at + length);
    if (last > at) found(at + period, last + length);
    // A needle that does not repeat itself cannot match again before this match ends.
    at = haystack.indexOf(text, period < length ? last + 1 : last + length);
  }
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
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
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Where each run of base64 characters (both alphabets and `=`: a url-safe core may sit
 * in a run with `-`, a standard one beside `+`) starts and ends, found once per text
 * so that no hit walks its run again.
 */
class Base64Runs {
  readonly #start: Int32Array;
  readonly #end: Int32Array;

  constructor(text: string) {
    const n = text.length;
    this.#start = new Int32Array(n);
    this.#end = new Int32Array(n);
    for (let i = 0; i < n; i++)
      this.#start[i] = i > 0 && isBase64(text.charCodeAt(i - 1)) && isBase64(text.charCodeAt(i)) ? (this.#start[i - 1] as number) : i;
    for (let i = n - 1; i >= 0; i--)
      this.#end[i] = i < n - 1 && isBase64(text.charCodeAt(i + 1)) && isBase64(text.charCodeAt(i)) ? (this.#end[i + 1] as number) : i + 1;
  }

  /** Where the run holding the character at `at` starts. */
  startOf(at: number): number {
    return this.#start[at] as number;
  }

  /** Where the run holding the character at `at` ends (exclusive). */
  endOf(at: number): number {
    return this.#end[at] as number;
  }
}

function isBase64(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f ||
    c === 0x3d ||
    c === 0x5f ||
    c === 0x2d
  );
}

/**
 * The spans of a text to replace, marked by where they start: for each start, the
 * furthest end and the secret (by index, longest first) that reached it first. Reading
 * the marks in order merges overlapping spans as sorting them would, in linear time.
 */
class SpanMarks {
  readonly #length: number;
  #end: Int32Array | undefined;
  #owner: Int32Array | undefined;

  constructor(length: number) {
    this.#length = length;
  }

  mark(start: number, end: number, owner: number): void {
    // Allocated on the first hit: most texts hold no secret.
    this.#end ??= new Int32Array(this.#length);
    this.#owner ??= new Int32Array(this.#length);
    if (end > (this.#end[start] as number)) {
      this.#end[start] = end;
      this.#owner[start] = owner;
    }
  }

  /** `text` with each group of overlapping spans replaced by the placeholder of the secret of its first span. */
  replace(text: string, placeholders: readonly string[]): string {
    const ends = this.#end;
    const owners = this.#owner;
    if (!ends || !owners) return text;
    const parts: string[] = [];
    let copied = 0;
    for (let start = 0; start < ends.length; start++) {
      let end = ends[start] as number;
      if (end === 0) continue;
      const owner = owners[start] as number;
      // Spans that start before this one ends overlap it: one placeholder covers them all.
      for (let i = start + 1; i < end; i++) end = Math.max(end, ends[i] as number);
      parts.push(text.slice(copied, start), placeholders[owner] as string);
      copied = end;
      start = end - 1;
    }
    parts.push(text.slice(copied));
    return parts.join("");
  }
}
