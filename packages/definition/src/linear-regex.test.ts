import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileLinearRegex, createLinearRegexEngine, MAX_MATCH_WORK, mayScanPastMatch } from "./linear-regex.js";
import { translateRegex } from "./regex-translation.js";

const LinearRegExp = createLinearRegexEngine();

// What JavaScript's RegExp gives, through JSONata exactly as it ran before RE2.
async function native(source: string, input: unknown): Promise<unknown> {
  return jsonata(source).evaluate(input);
}
async function linear(source: string, input: unknown): Promise<unknown> {
  return jsonata(source, { RegexEngine: LinearRegExp } as unknown as jsonata.JsonataOptions).evaluate(input);
}

const TEXTS = [
  "Order 42 shipped to Ada Lovelace on 2024-05-01; order 7 pending.",
  "line one\nline two\nLINE three\n\nend",
  "tabs\tand  spaces\u00a0nbsp\u2003em\ufeffbom\vvt",
  "é café naïve Ωmega",
  "a,b,,c;d ; e",
  "",
];

const PATTERNS = [
  "/\\d+/",
  "/(\\d{4})-(\\d{2})-(\\d{2})/",
  "/[A-Z][a-z]+ [A-Z][a-z]+/",
  "/order (\\d+)/i",
  "/^line/m",
  "/^line.*$/m",
  "/three$/im",
  "/\\s+/",
  "/\\S+/",
  "/[\\s,;]+/",
  "/[^\\s]+/",
  "/\\w+/",
  "/\\b\\w/",
  "/\\Bn/",
  "/./",
  "/.+/",
  "/(a)|(b)/",
  "/(?:x)?(o)(r)?/",
  "/(?<word>[a-z]+)@?/",
  "/é|ï|Ω/",
  "/[à-ÿ]+/",
  "/\\u00e9/",
  "/\\x41|\\x61/",
  "/a{2,}|e{1,2}/",
  "/o.*?e/",
  "/[.]/",
  "/[\\]\\[]/",
  "/\\//",
  "/\\-|\\;/",
  "/,/",
  "/(?<=order )\\d+/i",
];

describe("the linear-time regex engine gives what JavaScript gives", () => {
  for (const pattern of PATTERNS) {
    it(`$match, $replace, $split and $contains with ${pattern}`, async () => {
      for (const text of TEXTS) {
        const input = { text };
        for (const template of [
          `$match(text, ${pattern})`,
          `$replace(text, ${pattern}, "<$0>")`,
          `$replace(text, ${pattern}, function($m){ $string($m.index) & ":" & $join($m.groups, "|") })`,
          `$split(text, ${pattern})`,
          `$contains(text, ${pattern})`,
          `$match(text, ${pattern}, 2)`,
        ]) {
          let expected: unknown;
          try {
            expected = await native(template, input);
          } catch (error) {
            // A zero-length match loops forever in JSONata (D1004); both engines must say so.
            await expect(linear(template, input), `${template} on ${JSON.stringify(text)}`).rejects.toMatchObject({
              code: (error as { code: string }).code,
            });
            continue;
          }
          expect(await linear(template, input), `${template} on ${JSON.stringify(text)}`).toEqual(expected);
        }
      }
    });
  }

  it("reports group positions and unmatched groups as RegExp.exec does", () => {
    const engine = new LinearRegExp(/(x)?(o)(r)?/g);
    const text = "for or o";
    const native = /(x)?(o)(r)?/g;
    for (;;) {
      const ours = engine.exec(text);
      const theirs = native.exec(text);
      expect(ours === null ? null : { values: [...ours], index: ours.index }).toEqual(
        theirs === null ? null : { values: [...theirs], index: theirs.index },
      );
      expect(engine.lastIndex).toBe(native.lastIndex);
      if (theirs === null) break;
    }
  });
});

describe("where RE2 and JavaScript differ (documented in regex-translation.ts)", () => {
  it("with the m flag, a line ends at \\n only, not at \\r", async () => {
    const input = { text: "one\r\ntwo" };
    expect(await native("$contains(text, /one$/m)", input)).toBe(true);
    expect(await linear("$contains(text, /one$/m)", input)).toBe(false);
  });

  it("an emoji is one character, not two halves", async () => {
    const input = { text: "😀" };
    expect(await native("$count($match(text, /./))", input)).toBe(2);
    expect(await linear("$count($match(text, /./))", input)).toBe(1);
  });
});

describe("patterns the linear-time engine cannot run", () => {
  it("refuses backreferences and lookahead with a message that says what to write instead", () => {
    const backreference = compileLinearRegex(/(a)\1/);
    expect(backreference).toMatchObject({ ok: false, offset: 3 });
    if (!backreference.ok) expect(backreference.message).toMatch(/backreference \(\\1\).*compare it in a second step/);
    const named = compileLinearRegex(/(?<x>a)\k<x>/);
    expect(named.ok).toBe(false);
    const lookahead = compileLinearRegex(/a(?=b)/);
    expect(lookahead).toMatchObject({ ok: false, offset: 1 });
    if (!lookahead.ok) expect(lookahead.message).toMatch(/lookahead/);
    const negative = compileLinearRegex(/a(?!b)/);
    expect(negative.ok).toBe(false);
  });

  it("refuses repetition counts over 1000, which RE2 cannot compile, saying so", () => {
    const result = compileLinearRegex(/a{1001}/);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/at most 1000/);
  });

  it('keeps JavaScript identity escapes (\\a is "a", not a bell) and [] / [^]', () => {
    expect(translateRegex("\\a\\e\\p", "")).toEqual({ ok: true, source: "aep", lookbehind: false });
    // Built from text: a literal empty class reads as a typo to the linter, but here it is the input under test.
    const empty = new LinearRegExp(new RegExp("[]", "g"));
    expect(empty.exec("abc")).toBeNull();
    const any = new LinearRegExp(/[^]/g);
    expect(any.exec("\n")?.[0]).toBe("\n");
  });
});

describe("linear time", () => {
  it("matches /^(a+)+$/ and /^(a|a)*$/ on long texts in milliseconds", () => {
    for (const regex of [/^(a+)+$/g, /^(a|a)*$/g, /(x+x+)+y/g]) {
      const engine = new LinearRegExp(regex);
      const started = performance.now();
      expect(engine.exec(`${"a".repeat(5000)}b`)).toBeNull();
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it("refuses a match whose text length times program size passes the work limit, before running it", () => {
    const engine = new LinearRegExp(/([a-z]{1,10}){1,10}$/g);
    const text = "a".repeat(Math.ceil(MAX_MATCH_WORK / 100));
    const started = performance.now();
    expect(() => engine.exec(text)).toThrow();
    try {
      engine.exec(text);
    } catch (error) {
      expect((error as { message: string }).message).toMatch(/too costly to run on a text of \d+ characters/);
    }
    expect(performance.now() - started).toBeLessThan(20);
  });
});

describe("which patterns may scan past their match (and pay for the whole rest of the text per search)", () => {
  it.each([
    ["(?:a.*c)|a", true],
    ["(\\d+)(\\.\\d+)?", true],
    ["(ab)+c", true],
    ["x.*?y", true],
    ["a{2,}|b", true],
    ["\\s+", false],
    ["[a-z]+@[a-z]+\\.com", false],
    ["colou?r|cat|dog", false],
    ["[|?*+]+", false],
    ["\\|\\?", false],
    ["(?:abc)", false],
    ["(?<year>\\d{4})-(?<month>\\d{2})", false],
  ])("%s → %s", (source, expected) => {
    expect(mayScanPastMatch(source)).toBe(expected);
  });
});
