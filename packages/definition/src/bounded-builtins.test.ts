import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { distinct } from "./bounded-builtins.js";
import { evaluateExpression, ExpressionError } from "./index.js";
import { measureLoopGaps } from "./test-kit/loop-gaps.js";
import { TOO_LARGE_CODE } from "./value-limits.js";

const options = () => ({ now: () => Date.parse("2024-05-01T09:30:00Z"), random: () => 0.5, maxSteps: 200_000 });

/** JSONata's own answer, for comparison (its built-ins, none of ours). */
async function original(source: string): Promise<unknown> {
  return JSON.parse(JSON.stringify((await jsonata(source).evaluate({})) ?? null));
}

async function ours(source: string): Promise<unknown> {
  return JSON.parse(JSON.stringify((await evaluateExpression(source, {}, options())) ?? null));
}

describe("the built-ins that could hold the event loop give JSONata’s answers", () => {
  it.each([
    "$sort([3, 1, 2])",
    '$sort(["b", "a", "B", "ä", "a"])',
    "$sort([1.5, -2, 1e3, 0])",
    "$sort(5)",
    "$sort([])",
    '$sort([{"n":2},{"n":1}], function($a, $b) { $a.n > $b.n })',
    '[{"n":2},{"n":1},{"n":3}]^(n).n',
    '$distinct([1, "1", 1, 2, [1, 2], [1, 2], [2, 1], {"a": 1, "b": 2}, {"b": 2, "a": 1}, null, null, true, true])',
    "$distinct([1])",
    '$distinct("a")',
    '$distinct([{"a":[1,{"b":2}]},{"a":[1,{"b":2}]}])',
    '[{"x":1},{"x":1},{"x":2}].x ~> $distinct()',
    '[{"x":1},{"x":1}].x ~> $distinct()',
    '$toMillis("2024-05-01T09:30:00.000Z")',
    '$toMillis("2024-05-01", "[Y0001]-[M01]-[D01]")',
    '"2024-05-01T09:30:00Z".$toMillis()',
    '$match("ababbabbcc", /a(b+)/)',
    '$match("ababbabbcc", /a(b+)/, 2)',
    '$match("ababbabbcc", /a(b+)/, 0)',
    '$match("ababbabbcc", /(x)?b/)',
    '$match("no match here", /\\d+/)',
    '$match("abc", function($s) { {"match": "b", "start": 1, "end": 2, "groups": [], "next": function() { undefined }} })',
    '"a1b22c333".$match(/\\d+/).match',
    '$count($match("a".$pad(3000, "a"), /a/))',
    '$pad("abc", 8, "xy")',
    '$pad("abc", -8, "xy")',
    '$pad("abc", 6)',
    '$pad("abcdef", 3, "xy")',
    '$pad("ab", 5.9, "-")',
    '$pad("😀", 4, "ab")',
    '$pad("ab", 5, "😀x")',
    '$pad("ab", -5, "x😀")',
    '$pad("ab", 9, "😀xyz")',
    '$pad("ab", -12, "😀xy")',
    '$pad("", 4, "")',
    '$zip([1, 2, 3], ["a", "b", "c"])',
    "$zip([1, 2, 3], [4])",
    "$zip([1], [2], [3, 4])",
    "$zip([1, 2], [])",
    '$zip([[1], {"a": 2}], [null, true])',
    "$zip(1, [2, 3])",
  ])("%s", async (source) => {
    expect(await ours(source)).toEqual(await original(source));
  });

  it("refuses what JSONata refuses, the same way", async () => {
    const error = await evaluateExpression('$sort([1, "a"])', {}, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toMatch(/array of strings or an array of numbers/);
    for (const source of ['$match("abc", /b/, -1)', '$match("abc", function($s) { 5 })']) {
      const theirs = await jsonata(source)
        .evaluate({})
        .catch((e: { message?: string }) => e.message);
      const mine = await evaluateExpression(source, {}, options()).catch((e: ExpressionError) => e.message);
      expect(mine, source).toContain(theirs as string);
    }
  });
});

describe("no single built-in call holds the event loop", () => {
  // Before: $sort of 20,000 numbers held it 0.7 s (a million ran out of memory);
  // $distinct of 20,000 items 0.15 s and quadratic; $string of a million items 0.14 s.
  it.each([
    ["$sort", "$count($sort([1..100000]))"],
    ["$sort of strings", "$count($sort([1..100000].$string()))"],
    ["$distinct", "$count($distinct([1..100000]))"],
    ["$distinct of objects", "$count($distinct($zip([1..100000], [1..100000])))"],
    ["$zip", "($a := [1..100000]; $count($zip($a, $a)))"],
    ["$string of the longest sequence", "$length($string([1..100000]))"],
    ["a sequence past the limit", "$count([1..1000000])"],
    ["$toMillis of a long text", '$toMillis($join([1..400].("Monday"), " "), "[FNn] [D1] [MNn] [Y]")'],
  ])("%s", async (_, source) => {
    await evaluateExpression("$sort([2, 1])", {}, options()); // warm: compile the helpers
    expect((await measureLoopGaps(() => evaluateExpression(source, {}, options()))).worstGapMs).toBeLessThan(60);
  });

  it("lets the event loop in while $match collects many matches", async () => {
    // Before: one call, stopped by the matching work budget after ~6,000 matches, held the
    // loop 36 ms (best of three, warm; 50 ms cold); now it pauses every 256 matches.
    const source = '$count($match($pad("", 200000, "a"), /a/))';
    await evaluateExpression(source, {}, options()).catch(() => undefined); // warm
    const { result, worstGapMs } = await measureLoopGaps(() => evaluateExpression(source, {}, options()));
    expect((result as Error).message).toMatch(/units of work in one function call/);
    expect(worstGapMs).toBeLessThan(25);
  });

  it("pads with several pad characters without spelling the padding out", async () => {
    // Before: JSONata cut the padding through an array of its 100,000 characters, 13–20 ms
    // in one call (best of three, warm) and garbage a server then spent 30 ms collecting.
    const source = '$pad("", 100000, "ba") & $pad("", -100000, "ab")';
    await evaluateExpression(source, {}, options()); // warm
    const { result, worstGapMs } = await measureLoopGaps(() => evaluateExpression(source, {}, options()));
    expect((result as string).length).toBe(200_000);
    expect(worstGapMs).toBeLessThan(8);
  });

  it("pads with a long pad text of two-unit characters, taking only what the width needs", async () => {
    // 2,000 copies of "😀ab": repeated once per missing character, that was 600 million
    // UTF-16 units, past the longest string V8 makes.
    const result = await evaluateExpression('$pad("", 100000, $join([1..2000].("😀ab"), ""))', {}, options());
    expect([...(result as string)].length).toBe(100_000);
    expect((result as string).startsWith("😀ab😀ab")).toBe(true);
  });

  it("refuses a $toMillis text longer than a timestamp can be", async () => {
    const error = await evaluateExpression('$toMillis($join([1..400].("Monday"), " "))', {}, options()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/at most 200 are accepted/);
  });

  it("stops $distinct comparing values that share sub-objects past the node budget, even if handed one directly", async () => {
    let shared: unknown = 1;
    for (let level = 0; level < 24; level += 1) shared = { l: shared, r: shared };
    const started = performance.now();
    const error = await distinct([shared, shared]).catch((e: unknown) => e);
    expect((error as { code?: unknown }).code).toBe(TOO_LARGE_CODE);
    // Before: every one of the 2^25 paths was written into one key (seconds, then out of memory).
    expect(performance.now() - started).toBeLessThan(500);
  });
});
