import { describe, expect, it } from "vitest";
import { rejection } from "./test-kit/expressions.js";
import { ExpressionErrorCode } from "./expression-error.js";
import {
  clearExpressionCache,
  evaluateExpression,
  expressionCacheSize,
  parseExpression,
  type EvaluateExpressionOptions,
} from "./expressions.js";

const NOW = Date.UTC(2024, 4, 1, 9, 30, 0);

function fixedOptions(overrides: Partial<EvaluateExpressionOptions> = {}): EvaluateExpressionOptions {
  return { now: () => NOW, random: () => 0.25, ...overrides };
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("parseExpression", () => {
  it("accepts a valid expression", () => {
    expect(parseExpression('steps.approve.decision = "Approved"')).toEqual({ ok: true });
    expect(parseExpression('{ "url": input.video.url, "size": steps.meta.bytes }')).toEqual({ ok: true });
  });

  it("reports a syntax error with the position where reading stopped", () => {
    const result = parseExpression("1 +");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe("Unexpected end of expression");
    expect(result.error.position).toBe(3);
    expect(result.error.code).toBe("S0207");
  });

  it("points at the offending token in the middle of an expression", () => {
    const result = parseExpression('{ "a": }');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain("}");
    expect(result.error.position).toBe(8);
    expect(result.error.token).toBe("}");
  });

  it("never throws, even on absurdly nested or non-text sources", () => {
    const deep = `${"(".repeat(20_000)}1${")".repeat(20_000)}`;
    const result = parseExpression(deep);
    expect(result.ok).toBe(false);
    expect(parseExpression(42 as unknown as string).ok).toBe(false);
    expect(parseExpression("").ok).toBe(false);
  });
});

describe("evaluateExpression", () => {
  it("exposes input, steps, vars, item, index and instance as top-level fields", async () => {
    const context = {
      input: { orderId: "o-1" },
      steps: { approve: { decision: "Approved" } },
      vars: { total: 42 },
      item: 3,
      index: 1,
      instance: { id: "i-1", workflowId: "order-processing", version: 2 },
    };
    await expect(
      evaluateExpression(
        '{ "order": input.orderId, "ok": steps.approve.decision = "Approved", "total": vars.total, "double": item * 2, "index": index, "where": instance.workflowId & "@" & $string(instance.version) }',
        context,
        fixedOptions(),
      ),
    ).resolves.toEqual({ order: "o-1", ok: true, total: 42, double: 6, index: 1, where: "order-processing@2" });
  });

  it("returns undefined when a path matches nothing", async () => {
    await expect(evaluateExpression("steps.missing.value", { steps: {} }, fixedOptions())).resolves.toBeUndefined();
  });

  it("gives $now() and $millis() the injected time, not the wall clock", async () => {
    await expect(evaluateExpression("$now()", {}, fixedOptions())).resolves.toBe("2024-05-01T09:30:00.000Z");
    await expect(evaluateExpression("$millis()", {}, fixedOptions())).resolves.toBe(NOW);
    await expect(evaluateExpression('$now("[Y0001]-[M01]-[D01]")', {}, fixedOptions())).resolves.toBe("2024-05-01");
    await expect(evaluateExpression("$fromMillis($millis())", {}, fixedOptions())).resolves.toBe("2024-05-01T09:30:00.000Z");
  });

  it("reads the clock once per evaluation, as JSONata does", async () => {
    let calls = 0;
    const options = fixedOptions({ now: () => NOW + 1000 * calls++ });
    await expect(evaluateExpression("[$millis(), $millis(), $now()]", {}, options)).resolves.toEqual([
      NOW,
      NOW,
      "2024-05-01T09:30:00.000Z",
    ]);
    expect(calls).toBe(1);
  });

  it("gives $random() the injected random source, so a replay computes the same values", async () => {
    const first = await evaluateExpression("[$random(), $random(), $random()]", {}, fixedOptions({ random: seededRandom(7) }));
    const again = await evaluateExpression("[$random(), $random(), $random()]", {}, fixedOptions({ random: seededRandom(7) }));
    expect(again).toEqual(first);
    expect(new Set(first as number[]).size).toBe(3);
    await expect(evaluateExpression("$random()", {}, fixedOptions())).resolves.toBe(0.25);
  });

  it("returns plain JSON: sequences become plain arrays", async () => {
    const result = await evaluateExpression("[1, 2, 3].($ * 2)", {}, fixedOptions());
    expect(result).toEqual([2, 4, 6]);
    expect(Object.keys(result as object)).toEqual(["0", "1", "2"]);
  });

  it("does not let two evaluations of one cached expression share their time", async () => {
    const [a, b] = await Promise.all([
      evaluateExpression("$distinct([1..50].($millis()))", {}, fixedOptions({ now: () => 1 })),
      evaluateExpression("$distinct([1..50].($millis()))", {}, fixedOptions({ now: () => 2 })),
    ]);
    expect([a, b]).toEqual([1, 2]);
  });

  it("stops a runaway tail-recursive loop once it runs past its time box", async () => {
    const started = Date.now();
    const error = await rejection(evaluateExpression("($f := function($x){ $f($x+1) }; $f(0))", {}, fixedOptions({ timeoutMs: 200 })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.name).toBe("ExpressionError");
    expect(error.code).toBe(ExpressionErrorCode.Timeout);
    expect(error.message).toContain("took longer than 200ms");
    expect(error.message).toContain("$f := function");
    expect(error.expression).toBe("($f := function($x){ $f($x+1) }; $f(0))");
  });

  it("time-boxes a runaway loop at one second by default", async () => {
    const started = Date.now();
    const error = await rejection(evaluateExpression("($f := function($x){ $f($x+1) }; $f(0))", {}, fixedOptions()));
    expect(error.message).toContain("took longer than 1000ms");
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("stops a runaway loop after the same number of steps on every run when maxSteps is set", async () => {
    const runaway = "($f := function($x){ $f($x+1) }; $f(0))";
    const error = await rejection(evaluateExpression(runaway, {}, fixedOptions({ maxSteps: 5000 })));
    expect(error.code).toBe(ExpressionErrorCode.StepLimit);
    expect(error.message).toContain("took more than 5000 evaluation steps");
    // A budget is counted per evaluation, and the same work always costs the same steps.
    const work = "$sum([1..100].($ * 2))";
    let needed = 0;
    for (let budget = 1; budget < 2000 && needed === 0; budget += 1) {
      try {
        await evaluateExpression(work, {}, fixedOptions({ maxSteps: budget }));
        needed = budget;
      } catch {
        // not enough yet
      }
    }
    expect(needed).toBeGreaterThan(100);
    for (let run = 0; run < 3; run++) {
      await expect(evaluateExpression(work, {}, fixedOptions({ maxSteps: needed }))).resolves.toBe(10100);
      await expect(evaluateExpression(work, {}, fixedOptions({ maxSteps: needed - 1 }))).rejects.toThrow(/evaluation steps/);
    }
  });

  it("stops runaway recursion that grows the stack when it exceeds the depth limit", async () => {
    const error = await rejection(evaluateExpression("($f := function($x){ 1 + $f($x+1) }; $f(0))", {}, fixedOptions({ maxDepth: 500 })));
    expect(error.code).toBe(ExpressionErrorCode.DepthExceeded);
    expect(error.message).toContain("maximum depth of 500");
  });

  it("allows honest recursion within the depth limit", async () => {
    await expect(evaluateExpression("($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))", {}, fixedOptions())).resolves.toBe(
      3628800,
    );
  });

  it("refuses a huge range instead of allocating it", async () => {
    const started = Date.now();
    const huge = await rejection(evaluateExpression("[1..100000000]", {}, fixedOptions()));
    expect(huge.code).toBe(ExpressionErrorCode.TooLarge);
    const large = await rejection(evaluateExpression("$sum([1..9999999])", {}, fixedOptions()));
    expect(large.code).toBe(ExpressionErrorCode.TooLarge);
    expect(large.message).toContain("100000 items");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("time-boxes an expression that $eval runs too", async () => {
    const error = await rejection(
      evaluateExpression('$eval("($f := function($x){ $f($x+1) }; $f(0))")', {}, fixedOptions({ timeoutMs: 100 })),
    );
    expect(error.code).toBe(ExpressionErrorCode.Timeout);
  });

  it("rejects with a syntax ExpressionError when the source does not parse", async () => {
    const error = await rejection(evaluateExpression("steps.a = ", {}, fixedOptions()));
    expect(error.code).toBe(ExpressionErrorCode.Syntax);
    expect(error.position).toBe(10);
    expect(error.message).toContain('"steps.a ="');
  });

  it("names the expression and the JSONata error when evaluation fails", async () => {
    const error = await rejection(evaluateExpression("input.name + 1", { input: { name: "x" } }, fixedOptions()));
    expect(error.code).toBe(ExpressionErrorCode.Evaluation);
    expect(error.jsonataCode).toBe("T2001");
    expect(error.message).toContain('"input.name + 1" failed');
    expect(error.message).toContain("must evaluate to a number");
  });

  it("refuses to return a function, which the history could not store", async () => {
    const error = await rejection(evaluateExpression("function($x){ $x }", {}, fixedOptions()));
    expect(error.code).toBe(ExpressionErrorCode.NotJson);
  });

  it("keeps compiled expressions in a bounded cache", async () => {
    clearExpressionCache();
    await evaluateExpression("input.a", { input: { a: 1 } }, fixedOptions());
    await evaluateExpression("input.a", { input: { a: 2 } }, fixedOptions());
    expect(expressionCacheSize()).toBe(1);
    for (let index = 0; index < 1200; index++) parseExpression(`input.a + ${index}`);
    expect(expressionCacheSize()).toBe(1000);
  });
});

describe("expressions that could stall or crash the process", () => {
  const options = { now: () => 0, random: () => 0.5 };

  it("accepts a regex with nested repetition (it runs in linear time) and refuses, with its position, one that needs backtracking", () => {
    expect(parseExpression('$match("aaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)').ok).toBe(true);
    const result = parseExpression('$match("abab", /(ab)\\1/)');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain("/(ab)\\1/");
      expect(result.error.position).toBeGreaterThan(0);
    }
    expect(parseExpression('$match("abc", /^a[bc]+$/)').ok).toBe(true);
  });

  it("fails $pad with a width past the limit instead of building a string V8 cannot hold", async () => {
    await expect(evaluateExpression('$length($pad("x", 200000000) & $pad("y", 200000000))', {}, options)).rejects.toMatchObject({
      name: "ExpressionError",
    });
    expect(await evaluateExpression('$pad("x", 5, "-")', {}, options)).toBe("x----");
    expect(await evaluateExpression('$pad("x", -3)', {}, options)).toBe("  x");
  });
});
