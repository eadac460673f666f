import { describe, expect, it } from "vitest";
import { joinObjectExpression, splitObjectExpression } from "./input-fields";

describe("activity input as fields", () => {
  it("splits an object constructor into its pairs, respecting nesting and strings", () => {
    expect(splitObjectExpression('{ "url": input.url, "file": steps.copy, "s": "a, b: c", "o": { "x": [1, 2] } }')).toEqual([
      { key: "url", expression: "input.url" },
      { key: "file", expression: "steps.copy" },
      { key: "s", expression: '"a, b: c"' },
      { key: "o", expression: '{ "x": [1, 2] }' },
    ]);
    expect(splitObjectExpression(undefined)).toEqual([]);
    expect(splitObjectExpression("{}")).toEqual([]);
  });

  it("gives up on anything that is not a plain object of pairs", () => {
    expect(splitObjectExpression("input")).toBeUndefined();
    expect(splitObjectExpression("{ input.a: 1 }")).toBeUndefined();
    expect(splitObjectExpression('{ "a": 1 } ~> $merge')).toBeUndefined();
  });

  it("joins fields back, leaving out empty ones", () => {
    expect(
      joinObjectExpression([
        { key: "to", expression: "input.email" },
        { key: "subject", expression: "" },
      ]),
    ).toBe('{ "to": input.email }');
    expect(joinObjectExpression([])).toBeUndefined();
  });
});
