/**
 * The readings of a text that secret redaction (secret-redaction.ts) searches: the
 * text decoded once or twice, in canonical form, with for each unit of a reading the
 * range of the original text it came from, so that a match in a reading can be taken
 * out of the original.
 *
 * Every function here is a single pass over its text with a bounded look-ahead at
 * each escape (an escape is at most 12 characters): decoding runs on every activity
 * result, so it must stay linear, and cheap per character, on hostile text such as a
 * megabyte of `%41`.
 */

/**
 * A reading of a text: `text` in canonical form (decoded or not), and for each of
 * its UTF-16 units the range of the original text it came from (none when the
 * reading is the text as written: unit k comes from k).
 */
export interface Reading {
  text: string;
  from?: Int32Array;
  to?: Int32Array;
}

/** A decoded reading: it always carries its ranges. */
export type MappedReading = Required<Reading>;

/**
 * Text as the readings compare it: lower case, final sigma as sigma, and `\` as `/`.
 * Keeps the length (a character whose lower case is longer, such as `İ`, stays as it
 * is), so positions in a reading still point into its ranges.
 */
export function canonical(text: string): string {
  let lower = text.toLowerCase();
  if (lower.length !== text.length) lower = lowerKeepingLength(text);
  return lower.includes("\\") || lower.includes("ς") ? foldUnits(lower) : lower;
}

/** `İ` (U+0130) is the one character whose lower case is longer (`i̇`): it stays as it is, and the rest is lower-cased around it. */
function lowerKeepingLength(text: string): string {
  const kept = text
    .split("\u0130")
    .map((part) => part.toLowerCase())
    .join("\u0130");
  if (kept.length === text.length) return kept;
  // Another character that lower-cases longer (none does in Unicode 15): one code point at a time.
  const parts: string[] = [];
  for (const ch of text) {
    const low = ch.toLowerCase();
    parts.push(low.length === ch.length ? low : ch);
  }
  return parts.join("");
}

/**
 * Final sigma as sigma and `\` as `/`, in one pass over the units: a global regex
 * replace builds a list of its matches, which for a megabyte of `\` cost more than
 * everything else the redactor does.
 */
function foldUnits(text: string): string {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    units[i] = c === 0x5c ? 0x2f : c === 0x3c2 ? 0x3c3 : c;
  }
  return fromUnits(units, text.length);
}

/** Whether `text` holds a character that can start an escape; a text without one reads the same decoded. */
export function mayHoldEscapes(text: string): boolean {
  return /[%\\&+]/.test(text);
}

/**
 * `text` with one layer of percent-escapes, JSON escapes and HTML entities decoded
 * (and `+` read as a space when `plusAsSpace`), in canonical form for searching, with
 * the ranges of the original each unit came from.
 */
export function read(text: string, plusAsSpace: boolean): MappedReading & { decoded: string } {
  const n = text.length;
  // Every escape is at least as long as the units it stands for: the reading never outgrows the text.
  const units = new Uint16Array(n);
  const from = new Int32Array(n + 1);
  const to = new Int32Array(n + 1);
  const escape: Escape = { ch: "", end: 0 };
  let length = 0;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    // Only these characters start an escape.
    if ((c === 0x25 || c === 0x5c || c === 0x26 || c === 0x2b) && decodeAt(text, i, plusAsSpace, escape)) {
      for (let k = 0; k < escape.ch.length; k++) {
        units[length] = escape.ch.charCodeAt(k);
        from[length] = i;
        to[length] = escape.end;
        length += 1;
      }
      i = escape.end;
      continue;
    }
    units[length] = c;
    from[length] = i;
    to[length] = i + 1;
    length += 1;
    i += 1;
  }
  const decoded = fromUnits(units, length);
  return { decoded, text: canonical(decoded), from, to };
}

/** A reading of a reading: its ranges mapped back to the original text. */
export function compose(outer: MappedReading, inner: MappedReading): MappedReading {
  const from = new Int32Array(inner.text.length + 1);
  const to = new Int32Array(inner.text.length + 1);
  for (let k = 0; k < inner.text.length; k++) {
    from[k] = outer.from[inner.from[k] as number] as number;
    to[k] = outer.to[(inner.to[k] as number) - 1] as number;
  }
  return { text: inner.text, from, to };
}

/** Stack-safe for `Function.prototype.apply`, and large enough that the joins are few. */
const CHUNK = 8192;

function fromUnits(units: Uint16Array, length: number): string {
  // String.fromCharCode keeps lone surrogates as they are (a UTF-16 TextDecoder would replace them).
  if (length <= CHUNK) return String.fromCharCode.apply(null, units.subarray(0, length) as unknown as number[]);
  const parts: string[] = [];
  for (let at = 0; at < length; at += CHUNK)
    parts.push(String.fromCharCode.apply(null, units.subarray(at, Math.min(at + CHUNK, length)) as unknown as number[]));
  return parts.join("");
}

/** What an escape stands for and where it ends: one object per reading, filled in by {@link decodeAt}. */
interface Escape {
  ch: string;
  end: number;
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };
const HTML_ENTITIES: Record<string, string> = { quot: '"', amp: "&", apos: "'", lt: "<", gt: ">" };
const UTF8 = new TextDecoder("utf-8", { fatal: false });
/** Entities are short: no further than this is looked at for the `;` (a search to the end would make text of `&` quadratic). */
const MAX_ENTITY = 12;

/** Whether an escape starts at `at`; when one does, `escape` holds the character it stands for and where it ends. */
function decodeAt(text: string, at: number, plusAsSpace: boolean, escape: Escape): boolean {
  const c = text.charCodeAt(at);
  if (c === 0x2b) return plusAsSpace && found(escape, " ", at + 1);
  if (c === 0x25) return decodePercent(text, at, escape);
  if (c === 0x5c) {
    const next = text.charAt(at + 1);
    if (next === "u" || next === "U") {
      const unit = hexAt(text, at + 2, 4);
      if (unit < 0) return false;
      const low = text.charCodeAt(at + 6) === 0x5c && (text.charCodeAt(at + 7) | 0x20) === 0x75 ? hexAt(text, at + 8, 4) : -1;
      if (unit >= 0xd800 && unit < 0xdc00 && low >= 0xdc00 && low < 0xe000) return found(escape, String.fromCharCode(unit, low), at + 12);
      return found(escape, String.fromCharCode(unit), at + 6);
    }
    const escaped = JSON_ESCAPES[next];
    return escaped !== undefined && found(escape, escaped, at + 2);
  }
  if (c === 0x26) {
    let close = -1;
    for (let k = at + 1; k < Math.min(at + MAX_ENTITY, text.length); k++) {
      if (text.charCodeAt(k) === 0x3b) {
        close = k;
        break;
      }
    }
    if (close < 0) return false;
    const body = text.slice(at + 1, close);
    const named = HTML_ENTITIES[body.toLowerCase()];
    if (named) return found(escape, named, close + 1);
    const code = /^#x[0-9a-f]+$/i.test(body)
      ? Number.parseInt(body.slice(2), 16)
      : /^#[0-9]+$/.test(body)
        ? Number.parseInt(body.slice(1), 10)
        : Number.NaN;
    return Number.isInteger(code) && code <= 0x10ffff && found(escape, String.fromCodePoint(code), close + 1);
  }
  return false;
}

function found(escape: Escape, ch: string, end: number): true {
  escape.ch = ch;
  escape.end = end;
  return true;
}

/** `%XX`, or the run of `%XX` that spells one UTF-8 character. */
function decodePercent(text: string, at: number, escape: Escape): boolean {
  const lead = hexAt(text, at + 1, 2);
  if (lead < 0) return false;
  if (lead < 0x80) return found(escape, String.fromCharCode(lead), at + 3);
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (length === 0) return false;
  const bytes = new Uint8Array(length);
  bytes[0] = lead;
  for (let k = 1; k < length; k++) {
    const next = text.charCodeAt(at + 3 * k) === 0x25 ? hexAt(text, at + 3 * k + 1, 2) : -1;
    if (next < 0 || (next & 0xc0) !== 0x80) return false;
    bytes[k] = next;
  }
  return found(escape, UTF8.decode(bytes), at + 3 * length);
}

/** The number spelled by `digits` hex digits at `at`, or -1 when they are not all there. */
function hexAt(text: string, at: number, digits: number): number {
  let value = 0;
  for (let k = 0; k < digits; k++) {
    const digit = hexDigit(text.charCodeAt(at + k));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}
