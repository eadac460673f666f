import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { MIN_REDACTED_LENGTH, redactSecrets, revealSecrets } from "./index.js";

// A value with a space, a slash, a quote, a backslash, a plus and a non-ASCII letter:
// each of them is written differently by some encoder.
const SECRET = 'Sk_live/8c7f 3a"9d\\+é';
const secrets = new Map([["api", SECRET]]);
const PLACEHOLDER = "{{secret:api}}";
const redact = (text: string) => redactSecrets(text, secrets) as string;

/** Redacts `form` inside other text and says what is left; the secret must be gone. */
function expectGone(form: string): void {
  const out = redact(`before ${form} after`);
  expect(out, `${JSON.stringify(form)} survived`).toContain(PLACEHOLDER);
  expect(out.startsWith("before ") && out.endsWith(" after"), out).toBe(true);
}

describe("redactSecrets", () => {
  it("replaces the exact value, and the value lower-cased, upper-cased or in mixed case", () => {
    for (const form of [SECRET, SECRET.toLowerCase(), SECRET.toUpperCase(), 'sK_LiVe/8C7f 3A"9d\\+É']) expectGone(form);
    expect(redact(`a${SECRET}b${SECRET.toUpperCase()}c`)).toBe(`a${PLACEHOLDER}b${PLACEHOLDER}c`);
  });

  it("replaces the value percent-encoded as encodeURIComponent, encodeURI, URLSearchParams and the URL parser write it, in either hex case and double-encoded", () => {
    const forms = [
      encodeURIComponent(SECRET),
      encodeURIComponent(SECRET).toLowerCase(),
      encodeURI(SECRET),
      new URLSearchParams({ q: SECRET }).toString().slice(2), // + for the space
      new URL(`https://example.com/${SECRET}`).pathname, // the parser's own choice of what to encode
      new URL(`https://example.com/?key=${SECRET}`).search.slice(5),
      new URL(`https://user:${encodeURIComponent(SECRET)}@example.com/`).password,
      encodeURIComponent(encodeURIComponent(SECRET)),
    ];
    for (const form of forms) expectGone(form);
    expect(redact(new URL(`https://example.com/charge?key=${encodeURIComponent(SECRET)}&n=1`).href)).toBe(
      `https://example.com/charge?key=${PLACEHOLDER}&n=1`,
    );
  });

  it("replaces the value JSON-escaped once and twice, with \\u escapes, and as HTML entities", () => {
    const once = JSON.stringify(SECRET).slice(1, -1);
    const twice = JSON.stringify(JSON.stringify(SECRET)).slice(1, -1);
    const unicode = [...SECRET].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const html = SECRET.replace(/"/g, "&quot;");
    for (const form of [once, twice, unicode, unicode.toUpperCase(), html]) expectGone(form);
    expect(redact(JSON.stringify({ body: JSON.stringify({ token: SECRET }) }))).not.toMatch(/Sk_live|8c7f/i);
  });

  it("replaces the value hex-encoded in either case", () => {
    const hex = Buffer.from(SECRET).toString("hex");
    for (const form of [hex, hex.toUpperCase()]) expectGone(form);
  });

  it("replaces the value base64- and base64url-encoded at each of the three alignments, taking out the whole encoded run", () => {
    for (const prefix of ["", "u:", "us:", "user:", "admin:", "x"]) {
      for (const encoding of ["base64", "base64url"] as const) {
        const encoded = Buffer.from(`${prefix}${SECRET}!`).toString(encoding);
        expect(redact(`Authorization: Basic ${encoded}`), `${encoding} of ${prefix}<secret>`).toBe(`Authorization: Basic ${PLACEHOLDER}`);
      }
    }
  });

  it("redacts object keys, nested values and numbers that spell a secret, and leaves the rest as it is", () => {
    const numeric = new Map([["pin", "12345678"]]);
    const value = { [SECRET]: [{ header: `Bearer ${SECRET.toLowerCase()}` }], count: 12345678, other: 7, flag: true, none: null };
    expect(redactSecrets(value, secrets)).toEqual({
      [PLACEHOLDER]: [{ header: `Bearer ${PLACEHOLDER}` }],
      count: 12345678,
      other: 7,
      flag: true,
      none: null,
    });
    expect(redactSecrets({ count: 12345678, other: 1234567 }, numeric)).toEqual({ count: "{{secret:pin}}", other: 1234567 });
  });

  it(`leaves values shorter than ${MIN_REDACTED_LENGTH} characters alone, and text that only shares pieces or letters with a secret`, () => {
    expect(redactSecrets({ a: "abc", b: "xabcx" }, new Map([["short", "abc"]]))).toEqual({ a: "abc", b: "xabcx" });
    const key = new Map([["key", "sk_live_8c7f3a9d2e41"]]);
    const ordinary = {
      id: "0b9c6a1e-4f1d-4c55-9a0e-2f8d7c3b1a90",
      at: "2026-12-06T22:34:37.562Z",
      text: "sk_live_ is the prefix of a live key; 8c7f3a9d is not a key; sk_test_8c7f3a9d2e41 is another key",
      encoded: Buffer.from("sk_live_9c7f3a9d2e41").toString("base64"),
      hex: Buffer.from("sk_live_9c7f3a9d2e41").toString("hex"),
      html: "<p>Hello &amp; welcome</p>",
      url: "https://example.com/a%20b?c=d+e",
    };
    expect(redactSecrets(ordinary, key)).toEqual(ordinary);
  });

  it("scans hostile text in linear time: 1 MiB made of the characters that start an escape or a secret", () => {
    // Every character of these texts starts an escape or a match: a backtracking matcher would explore each.
    const hostile: [string, string][] = [
      ["letters", "sssssssssssssssssssy"],
      ["slashes", `${"\\".repeat(16)}x`],
    ];
    for (const [name, value] of hostile) {
      for (const fill of ["s", "S%", "&#", "\\", "\\u005c", "%5c"]) {
        const text = fill.repeat(Math.ceil(1_048_576 / fill.length)) + value;
        const started = performance.now();
        const out = redactSecrets(text, new Map([[name, value]])) as string;
        const elapsed = performance.now() - started;
        expect(out.endsWith(`{{secret:${name}}}`), `${name} in 1 MiB of ${JSON.stringify(fill)}`).toBe(true);
        expect(elapsed, `${name} in 1 MiB of ${JSON.stringify(fill)}`).toBeLessThan(1_500);
      }
    }
  });

  it("reveals placeholders and names a secret that is not set", () => {
    expect(revealSecrets({ h: `Bearer ${PLACEHOLDER}` }, (name) => secrets.get(name))).toEqual({ h: `Bearer ${SECRET}` });
    expect(() => revealSecrets("{{secret:missing}}", () => undefined)).toThrow(/The secret 'missing' is not set/);
  });
});
