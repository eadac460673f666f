import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSecretRedactor } from "./secret-redaction.js";

/**
 * Redaction runs on every activity result, error, log line and outbox record, on the
 * event loop: its cost must stay linear in the text whatever the text holds. The
 * worst texts are made of a secret whose every encoding repeats itself (8 characters
 * is the shortest value the server takes), so that a match starts at every position.
 */

const MIB = 1_048_576;
/** Sizes in ascending order: on a quadratic redactor the smallest already fails, in seconds rather than hours. */
const SIZES = [65_536, 262_144, MIB];
/** Generous for 1 MiB: a linear scan takes a few tens of milliseconds, a quadratic one took 32 s for 64 KiB. */
const BOUND_MS = 300;
const REPEATING = ["xxxxxxxx", "aaaaaaaa", "00000000"];
const placeholder = (name: string) => `{{secret:${name}}}`;

/** Times one redaction of `text`, and checks the bound with a message naming the case. */
function timed(redact: (text: string) => string, text: string, label: string, bound = BOUND_MS): string {
  const started = performance.now();
  const out = redact(text);
  const elapsed = performance.now() - started;
  expect(elapsed, `${label}: ${text.length} characters took ${elapsed.toFixed(0)} ms`).toBeLessThan(bound);
  return out;
}

/** `text` repeated to `size` characters (whole repeats, so every one is a complete form). */
const fill = (unit: string, size: number) => unit.repeat(Math.max(1, Math.floor(size / unit.length)));

const percent = (value: string, hex: (n: number) => string) => [...value].map((ch) => `%${hex(ch.charCodeAt(0))}`).join("");

/** Every form of `value` that a text can repeat, each decoding to `value` on its own. */
function forms(value: string): [string, string][] {
  const hex = Buffer.from(value).toString("hex");
  return [
    ["as written", value],
    ["upper case", value.toUpperCase()],
    ["percent-encoded (lower-case hex)", percent(value, (n) => n.toString(16))],
    ["percent-encoded (upper-case hex)", percent(value, (n) => n.toString(16).toUpperCase())],
    ["percent-encoded twice", percent(value, (n) => `25${n.toString(16)}`)],
    ["JSON \\u escapes", [...value].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")],
    ["HTML entities", [...value].map((ch) => `&#x${ch.charCodeAt(0).toString(16)};`).join("")],
    ["hex", hex],
    ["hex (upper case)", hex.toUpperCase()],
  ];
}

/** A deterministic stream of numbers in [0, 1), so a failing mix can be run again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("secret redaction on hostile text", () => {
  it("redacts 64 KiB to 1 MiB of a repeating secret, repeated in every readable form, in linear time", () => {
    for (const value of REPEATING) {
      const redactor = createSecretRedactor(new Map([["k", value]]), placeholder);
      for (const [form, unit] of forms(value)) {
        for (const size of SIZES) {
          const label = `${JSON.stringify(value)} ${form}`;
          const out = timed(redactor.redactText, fill(unit, size), label);
          // The repeats overlap into one run: it all goes, as one placeholder.
          expect(out, label).toBe("{{secret:k}}");
        }
      }
    }
  });

  it("redacts 64 KiB to 1 MiB of a repeating secret in base64 and base64url at each alignment in linear time, taking out the whole run", () => {
    for (const value of REPEATING) {
      const redactor = createSecretRedactor(new Map([["k", value]]), placeholder);
      for (const prefix of ["", "u:", "us:"]) {
        for (const encoding of ["base64", "base64url"] as const) {
          for (const size of SIZES) {
            const label = `${JSON.stringify(value)} ${encoding} after ${JSON.stringify(prefix)}`;
            const encoded = Buffer.from(prefix + fill(value, (size * 3) / 4)).toString(encoding);
            const out = timed(redactor.redactText, `Basic ${encoded}, more`, label);
            expect(out, label).toBe("Basic {{secret:k}}, more");
          }
        }
      }
    }
  });

  it("redacts mixes of whole and partial repeats (1 MiB of runs, up to 3 MiB encoded) in linear time, and only the runs that hold the secret", () => {
    for (const value of REPEATING) {
      const redactor = createSecretRedactor(new Map([["k", value]]), placeholder);
      const ch = value.charAt(0);
      const random = seeded(value.charCodeAt(0));
      // Runs of 1 to 20 of the secret's character, between separators that no encoding reads as part of it.
      const runs: string[] = [];
      for (let length = 0; length < MIB;) {
        const run = ch.repeat(1 + Math.floor(random() * 20));
        runs.push(run);
        length += run.length + 1;
      }
      const join = () => (random() < 0.5 ? " " : ".");
      const plain = runs.map((run) => run + join()).join("");
      const plainExpected = plain.replace(new RegExp(`${ch}{${value.length},}`, "gi"), "{{secret:k}}");
      expect(timed(redactor.redactText, plain, `${JSON.stringify(value)} plain mix`)).toBe(plainExpected);
      const upper = plain.toUpperCase();
      expect(timed(redactor.redactText, upper, `${JSON.stringify(value)} upper-case mix`)).toBe(
        upper.replace(new RegExp(`${ch}{${value.length},}`, "gi"), "{{secret:k}}"),
      );

      const hexUnit = Buffer.from(ch).toString("hex");
      const hex = runs.map((run) => hexUnit.repeat(run.length) + join()).join("");
      const hexExpected = hex.replace(new RegExp(`(?:${hexUnit}){${value.length},}`, "g"), "{{secret:k}}");
      expect(timed(redactor.redactText, hex, `${JSON.stringify(value)} hex mix`)).toBe(hexExpected);

      const pct = percent(ch, (n) => n.toString(16));
      const escaped = runs.map((run) => pct.repeat(run.length) + join()).join("");
      const escapedExpected = escaped.replace(new RegExp(`(?:${pct}){${value.length},}`, "g"), "{{secret:k}}");
      expect(timed(redactor.redactText, escaped, `${JSON.stringify(value)} percent mix`)).toBe(escapedExpected);

      // Each run base64-encoded on its own: a run goes whole when its bytes hold the secret, and stays otherwise.
      const encodedRuns = runs.map((run) => Buffer.from(run).toString("base64"));
      const separators = runs.map(join);
      const base64 = encodedRuns.map((run, i) => run + separators[i]).join("");
      const base64Expected = encodedRuns
        .map((run, i) => (Buffer.from(run, "base64").toString().includes(value) ? "{{secret:k}}" : run) + separators[i])
        .join("");
      expect(timed(redactor.redactText, base64, `${JSON.stringify(value)} base64 mix`)).toBe(base64Expected);

      // The same runs as the bytes of one base64 run (between '-' bytes): it holds the secret, so it all goes.
      const oneRun = Buffer.from(runs.join("-")).toString("base64");
      expect(timed(redactor.redactText, `Basic ${oneRun}, more`, `${JSON.stringify(value)} base64 mix in one run`)).toBe(
        "Basic {{secret:k}}, more",
      );
    }
  });

  it("keeps the cost linear in the text times the secrets with 50 repeating secrets that all match", () => {
    // Every secret matches everywhere: 8 to 57 repeats of one character (longer secrets name the span).
    const secrets = new Map(Array.from({ length: 50 }, (_, i) => [`s${i}`, "a".repeat(8 + i)] as [string, string]));
    const redactor = createSecretRedactor(secrets, placeholder);
    const cases: [string, string][] = [
      ["as written", "a".repeat(MIB)],
      ["upper case with percent escapes", fill("A%41", MIB)],
      ["hex", fill("61", MIB)],
      ["base64", Buffer.from("a".repeat((MIB * 3) / 4)).toString("base64")],
      ["base64 runs of 100 characters", fill(`${Buffer.from("a".repeat(75)).toString("base64")} `, MIB)],
    ];
    for (const [form, text] of cases) {
      // 50 secrets cost at most 50 times one secret: 1 MiB in well under a second (it took minutes for 16 KiB).
      const out = timed(redactor.redactText, text, `50 secrets, ${form}`, 2_000);
      expect(out, form).not.toMatch(/a{8}|(?:61){8}|YWFh/i);
    }
  });

  it("reads 1 MiB of text that only looks escaped, or that lower-cases longer, in linear time", () => {
    const redactor = createSecretRedactor(new Map([["k", "sk_live_8c7f3a9d"]]), placeholder);
    const nested = JSON.stringify(JSON.stringify(JSON.stringify({ body: '"\\'.repeat(MIB / 8) })));
    for (const [name, text] of [
      ["\\u", fill("\\u", MIB)],
      ["\\", fill("\\", MIB)],
      ["JSON in JSON in JSON", nested],
      ["İ", fill("İ", MIB)],
      ["ς and Σ", fill("ςΣ", MIB)],
      ["&", fill("&", MIB)],
      ["+", fill("+", MIB)],
      ["%", fill("%", MIB)],
      ["%C3 (half a character)", fill("%C3", MIB)],
      ["%E9%80 (a broken character)", fill("%E9%80", MIB)],
      ["%25", fill("%25", MIB)],
    ]) {
      const out = timed(redactor.redactText, `${text} SK_LIVE_8C7F3A9D`, `1 MiB of ${name}`);
      expect(out.endsWith(" {{secret:k}}"), `the secret after 1 MiB of ${name}`).toBe(true);
    }
  });

  it("covers and names overlapping matches exactly as finding every match one by one does", () => {
    // Texts of `a`, `b` and spaces hold no escape, hex or base64 of such secrets: only the text as written matches.
    const text = fc.array(fc.constantFrom("a", "b", "aab", "aabaa", "abaab", " "), { maxLength: 80 }).map((parts) => parts.join(""));
    const value = fc.array(fc.constantFrom("a", "b"), { minLength: 4, maxLength: 12 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(text, fc.array(value, { minLength: 1, maxLength: 4 }), (input, values) => {
        const secrets = new Map(values.map((v, i) => [`s${i}`, v] as [string, string]));
        expect(createSecretRedactor(secrets, placeholder).redactText(input)).toBe(oneByOne(input, secrets));
      }),
      { numRuns: 3_000 },
    );
  });
});

/**
 * The reference: every match of every secret as a span of its own (a search from each
 * match plus one), sorted by start and then longest first, overlapping spans merged
 * and named by their first — quadratic on repeating text, which is why the redactor
 * does not work this way.
 */
function oneByOne(text: string, secrets: ReadonlyMap<string, string>): string {
  const spans: { start: number; end: number; name: string }[] = [];
  for (const [name, value] of [...secrets].sort((a, b) => b[1].length - a[1].length)) {
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) spans.push({ start: at, end: at + value.length, name });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let copied = 0;
  for (let i = 0; i < spans.length;) {
    const first = spans[i] as (typeof spans)[number];
    let end = first.end;
    for (i += 1; i < spans.length && (spans[i] as (typeof spans)[number]).start < end; i += 1)
      end = Math.max(end, (spans[i] as (typeof spans)[number]).end);
    out += text.slice(copied, first.start) + placeholder(first.name);
    copied = end;
  }
  return out + text.slice(copied);
}
