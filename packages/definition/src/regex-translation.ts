/**
 * Translates a regular expression as JSONata reads it (JavaScript syntax without the
 * `u` flag, flags `i` and `m` only) into RE2 syntax, so that it runs on a linear-time
 * engine with the meaning JavaScript gives it. Where the two dialects differ for the
 * same text (`\s`, `.`, `[]`, `[^]`, `\b` inside a class, identity escapes such as
 * `\a`), the translation spells out JavaScript's meaning. What needs backtracking
 * (backreferences, lookahead) has no linear-time equivalent: it is refused with a
 * message that says what to write instead.
 *
 * Known differences that remain, on text few workflows hold: with the `m` flag, lines
 * end at `\n` only (JavaScript also ends them at `\r`, U+2028 and U+2029); a group
 * repeated by a quantifier keeps its last match where JavaScript resets it on each
 * repetition; with the `i` flag a few non-ASCII letters fold as Unicode simple case
 * folding does (K and the Kelvin sign); a surrogate pair in the pattern is one
 * character, not two code units.
 */

export type RegexTranslation = { ok: true; source: string; lookbehind: boolean } | { ok: false; message: string; offset: number };

// JavaScript's \s: WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9), wider than RE2's [\t\n\f\r ].
const JS_SPACE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const hex = (code: number): string => `\\x{${code.toString(16)}}`;
const range = ([from, to]: readonly [number, number]): string => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`);
const SPACE_ITEMS = JS_SPACE_RANGES.map(range).join("");
const NOT_SPACE_ITEMS = complement(JS_SPACE_RANGES).map(range).join("");
// JavaScript's `.` without the `s` flag: anything but a line terminator.
const DOT = "[^\\n\\r\\x{2028}\\x{2029}]";
const NOTHING = "[^\\x00-\\x{10ffff}]";
const ANYTHING = "[\\x00-\\x{10ffff}]";

function complement(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let next = 0;
  for (const [from, to] of ranges) {
    if (from > next) result.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

const isHex = (text: string): boolean => /^[0-9a-fA-F]+$/.test(text);
const isAsciiAlphanumeric = (char: string): boolean => /^[0-9A-Za-z]$/.test(char);

/** A character as an RE2 literal: ASCII punctuation escaped, everything else as it is. */
function literal(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80 && !isAsciiAlphanumeric(char) && char !== "_" && char !== " ") return `\\${char}`;
  return char;
}

/**
 * @example
 * translateRegex('^(?<word>\\w+)\\s', 'i'); // { ok: true, source: '(?i)^(?P<word>\\w+)[\\x{9}-\\x{d}…]', lookbehind: false }
 * translateRegex('(a)\\1', '');          // { ok: false, message: 'a backreference (\\1) …', offset: 3 }
 */
export function translateRegex(source: string, flags: string): RegexTranslation {
  const hasNamedGroups = /\(\?<(?![=!])/.test(source);
  let out = "";
  let lookbehind = false;
  let inClass = false;
  let index = 0;
  const refuse = (message: string, offset: number): RegexTranslation => ({ ok: false, message, offset });

  while (index < source.length) {
    const char = source[index] as string;

    if (char === "\\") {
      const next = source[index + 1];
      if (next === undefined) return refuse("the pattern ends with a lone backslash", index);
      const escape = translateEscape(source, index, inClass, hasNamedGroups);
      if ("message" in escape) return refuse(escape.message, index);
      out += escape.text;
      index += escape.length;
      continue;
    }

    if (inClass) {
      if (char === "]") inClass = false;
      // RE2 reads `[:alpha:]` inside a class as a POSIX class; JavaScript reads `[` as itself.
      out += char === "[" ? "\\[" : char;
      index += 1;
      continue;
    }

    switch (char) {
      case "[": {
        // JavaScript's `[]` matches nothing and `[^]` anything; RE2 reads a `]` there as a member.
        if (source.startsWith("[]", index)) {
          out += NOTHING;
          index += 2;
          continue;
        }
        if (source.startsWith("[^]", index)) {
          out += ANYTHING;
          index += 3;
          continue;
        }
        inClass = true;
        out += "[";
        if (source[index + 1] === "^") {
          out += "^";
          index += 1;
        }
        index += 1;
        continue;
      }
      case ".":
        out += DOT;
        index += 1;
        continue;
      case "(": {
        if (source[index + 1] !== "?") {
          out += "(";
          index += 1;
          continue;
        }
        const kind = source.slice(index, index + 4);
        if (kind.startsWith("(?=") || kind.startsWith("(?!")) {
          return refuse(
            "a lookahead ((?=…) or (?!…)) needs backtracking; match the text and test it in a second step, or use a lookbehind",
            index,
          );
        }
        if (kind === "(?<=" || kind === "(?<!") {
          lookbehind = true;
          out += kind;
          index += 4;
          continue;
        }
        if (kind.startsWith("(?<")) {
          out += "(?P<";
          index += 3;
          continue;
        }
        out += "(?";
        index += 2;
        continue;
      }
      case "/":
        out += "\\/";
        index += 1;
        continue;
      default:
        out += char;
        index += 1;
    }
  }

  let prefix = "";
  if (flags.includes("i")) prefix += "i";
  if (flags.includes("m")) prefix += "m";
  if (out === "") out = "(?:)";
  return { ok: true, source: prefix === "" ? out : `(?${prefix})${out}`, lookbehind };
}

type Escape = { text: string; length: number } | { message: string };

function translateEscape(source: string, index: number, inClass: boolean, hasNamedGroups: boolean): Escape {
  const next = source[index + 1] as string;
  switch (next) {
    case "d":
    case "D":
    case "w":
    case "W":
    case "t":
    case "n":
    case "r":
    case "f":
    case "v":
      return { text: `\\${next}`, length: 2 };
    case "b":
      // Inside a class \b is a backspace in JavaScript.
      return { text: inClass ? "\\x{8}" : "\\b", length: 2 };
    case "B":
      return { text: inClass ? "B" : "\\B", length: 2 };
    case "s":
      return { text: inClass ? SPACE_ITEMS : `[${SPACE_ITEMS}]`, length: 2 };
    case "S":
      return { text: inClass ? NOT_SPACE_ITEMS : `[${NOT_SPACE_ITEMS}]`, length: 2 };
    case "x": {
      const digits = source.slice(index + 2, index + 4);
      if (digits.length === 2 && isHex(digits)) return { text: hex(Number.parseInt(digits, 16)), length: 4 };
      return { text: "x", length: 2 };
    }
    case "u": {
      const digits = source.slice(index + 2, index + 6);
      if (digits.length === 4 && isHex(digits)) {
        const code = Number.parseInt(digits, 16);
        if (code >= 0xd800 && code <= 0xdfff) {
          return { message: `a surrogate escape (\\u${digits}) is half a character; write the character itself` };
        }
        return { text: hex(code), length: 6 };
      }
      return { text: "u", length: 2 };
    }
    case "c": {
      const letter = source[index + 2];
      if (letter !== undefined && /^[A-Za-z]$/.test(letter)) return { text: hex(letter.charCodeAt(0) % 32), length: 3 };
      return { text: "\\\\c", length: 2 };
    }
    case "0": {
      // \0 is NUL; \0 followed by octal digits is a legacy octal escape.
      const octal = /^[0-7]{0,2}/.exec(source.slice(index + 2))?.[0] ?? "";
      return { text: hex(Number.parseInt(`0${octal}`, 8)), length: 2 + octal.length };
    }
    case "k":
      if (hasNamedGroups && source[index + 2] === "<") {
        return { message: "a backreference (\\k<name>) needs backtracking; capture the text and compare it in a second step" };
      }
      return { text: "k", length: 2 };
    default:
      break;
  }
  if (/^[1-9]$/.test(next)) {
    if (inClass) {
      // Inside a class, JavaScript reads \1…\7 as octal escapes and \8, \9 as the digits.
      const octal = /^[0-7]{1,3}/.exec(source.slice(index + 1))?.[0];
      if (octal === undefined) return { text: next, length: 2 };
      return { text: hex(Number.parseInt(octal, 8)), length: 1 + octal.length };
    }
    return { message: `a backreference (\\${next}) needs backtracking; capture the text and compare it in a second step` };
  }
  // Identity escapes: JavaScript (without the u flag) reads \a, \e, \p, \z … as the letter
  // itself, where RE2 gives some of them a meaning of their own.
  const code = source.codePointAt(index + 1) ?? 0;
  const char = String.fromCodePoint(code);
  return { text: literal(char), length: 1 + char.length };
}
