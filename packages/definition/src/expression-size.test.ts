import { describe, expect, it } from "vitest";
import { ExpressionError, ExpressionErrorCode } from "./expression-error.js";
import { evaluateExpression } from "./expressions.js";
import { options, rejection } from "./test-kit/expressions.js";
import { measureLoopGaps } from "./test-kit/loop-gaps.js";
import { MAX_EXPANDED_WEIGHT, MAX_STRING_LENGTH, expandedWeight } from "./value-limits.js";

// Issue #23, finding 3 follow-up: values that grow past what one native call can
// handle — doubled strings (a V8 fatal error, again on every replay) and values that
// share sub-objects (exponential once expanded) — are refused as they are built.
const STRING_DOUBLING = '($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("ab", 26)))';
const DAG = '$f := function($x, $n){ $n = 0 ? $x : $f({"l": $x, "r": $x}, $n - 1) }';

describe("values too large for one native call are refused as they are built", () => {
  it("stops a string that doubles itself (the V8 fatal error of the report) with a clear TooLarge error", async () => {
    const error = await rejection(evaluateExpression(STRING_DOUBLING, {}, options()));
    expect(error.code).toBe(ExpressionErrorCode.TooLarge);
    expect(error.message).toMatch(new RegExp(`A text of \\d+ characters was built; at most ${MAX_STRING_LENGTH} are allowed`));
  });

  it("refuses each single call that used to hold the loop for seconds on a long text", async () => {
    // Each built the text by doubling, then one native call walked it ($replace: 5.6 s on 2^25 characters).
    for (const call of ['$replace($s, "a", "xyz")', "$uppercase($s)", "$base64encode($s)", "$length($s)"]) {
      const source = `($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $s := $f("a", 25); ${call})`;
      const { result: error, worstGapMs } = await measureLoopGaps(() => evaluateExpression(source, {}, options()));
      expect((error as ExpressionError).code, call).toBe(ExpressionErrorCode.TooLarge);
      expect(worstGapMs, call).toBeLessThan(60);
    }
  });

  it("refuses $pad to a width over the text limit before building it", async () => {
    const error = await rejection(evaluateExpression(`$pad("", ${MAX_STRING_LENGTH + 1}, "a")`, {}, options()));
    expect(error.message).toMatch(/width .* is over the limit/);
  });

  it("still builds a text of exactly the limit", async () => {
    expect(await evaluateExpression(`$length($pad("", ${MAX_STRING_LENGTH}, "a"))`, {}, options())).toBe(MAX_STRING_LENGTH);
  });

  it('refuses $split(s, "") that returns more items than the sequence limit', async () => {
    const error = await rejection(evaluateExpression('$count($split($pad("", 200000, "a"), ""))', {}, options()));
    expect(error.code).toBe(ExpressionErrorCode.TooLarge);
    expect(error.message).toMatch(/An array of 200000 items was built; at most 100000 are allowed/);
  });

  it("refuses a value that shares sub-objects once its expanded size passes the budget: returned, $string, =, $distinct", async () => {
    for (const use of ["$f(1, 22)", "$string($f(1, 22))", "$f(1, 22) = $f(1, 22)", "$distinct([$f(1, 22), $f(1, 22)])", "$f(1, 30)"]) {
      const source = `(${DAG}; ${use})`;
      const { result: error, worstGapMs } = await measureLoopGaps(() => evaluateExpression(source, {}, options()));
      expect((error as ExpressionError).code, use).toBe(ExpressionErrorCode.TooLarge);
      expect((error as ExpressionError).message, use).toMatch(new RegExp(`larger than ${MAX_EXPANDED_WEIGHT} nodes`));
      // Before: 2 s ($f(1,22) returned), 2.3 s ($string), out of memory ($f(1,30)).
      expect(worstGapMs, use).toBeLessThan(60);
    }
  });

  it("still returns a shared value under the budget, expanded into plain JSON", async () => {
    const result = await evaluateExpression(`(${DAG}; $f(1, 3))`, {}, options());
    const two = { l: { l: 1, r: 1 }, r: { l: 1, r: 1 } };
    expect(result).toEqual({ l: two, r: two });
    expect(await evaluateExpression(`(${DAG}; $f(1, 10) = $f(1, 10))`, {}, options())).toBe(true);
  });

  it("does not let a transform hide growth by writing into an object already weighed", async () => {
    // The transform writes its update into the copy it matched after the copy was weighed.
    const source = '($g := function($x, $n){ $n = 0 ? $x : $g($x ~> |$|{"l": $x, "r": $x}|, $n - 1) }; $string($g({"a": 1}, 20)))';
    const { result: error, worstGapMs } = await measureLoopGaps(() => evaluateExpression(source, {}, options()));
    expect((error as ExpressionError).code).toBe(ExpressionErrorCode.TooLarge);
    expect(worstGapMs).toBeLessThan(60);
  });

  it("refuses a value that contains itself (a transform can build one) instead of looping", async () => {
    const error = await rejection(evaluateExpression('($o := {"a": 1}; $o ~> |$o|{"self": $o}|; $o)', {}, options()));
    expect(error.code).toBe(ExpressionErrorCode.TooLarge);
  });

  it("weighs shared parts as often as they are reached, texts by their length, and stops past the limit", () => {
    const leaf = { a: "x".repeat(64) };
    expect(expandedWeight(leaf, 1000)).toBe(1 + 3);
    expect(expandedWeight([leaf, leaf], 1000)).toBe(1 + 2 * 4);
    let dag: unknown = 1;
    for (let level = 0; level < 40; level += 1) dag = { l: dag, r: dag };
    expect(expandedWeight(dag, 1000)).toBe(1001);
  });
});

describe("error messages", () => {
  it("quote at most the start of a huge value (it went whole into the history)", async () => {
    const error = await rejection(evaluateExpression('$number("1" & $pad("", 200000, "a"))', {}, options()));
    expect(error.message).toMatch(/Unable to cast value to a number: "1aaa.*… \(\d+ more characters\)/);
    expect(error.message.length).toBeLessThan(600);
  });
});
