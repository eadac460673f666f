import { describe, expect, it } from "vitest";
import { constructedKeys } from "./input-checks.js";
import { validate } from "./validate.js";

const at = (x: number) => ({ x, y: 0 });
const withSend = (input: string | undefined) => ({
  id: "send-one",
  name: "send-one",
  nodes: [
    { id: "start", type: "start", position: at(0) },
    { id: "send", type: "activity", activity: "notify.send", ...(input === undefined ? {} : { input }), position: at(200) },
    { id: "end", type: "end", position: at(400) },
  ],
  edges: [
    { id: "e1", source: "start", target: "send" },
    { id: "e2", source: "send", target: "end" },
  ],
});
const catalog = { activities: ["notify.send"], requiredInputs: { "notify.send": ["to", "subject", "body"] } };

describe("required activity inputs (issue 17, item 5)", () => {
  it("reports the required properties an input written as an object leaves out", () => {
    const problems = validate(withSend('{ "to": "ops@example.com" }'), catalog);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "error",
        nodeId: "send",
        message: expect.stringMatching(/its input has no 'subject', 'body', which 'notify\.send' requires/),
      }),
    ]);
  });

  it("is satisfied by every required property, and does not guess about other expressions or an empty input", () => {
    expect(validate(withSend('{ "to": "a@b.c", "subject": "s", "body": input.text }'), catalog)).toEqual([]);
    expect(validate(withSend("input.message"), catalog)).toEqual([]);
    expect(validate(withSend('$merge([input, { "to": "a@b.c" }])'), catalog)).toEqual([]);
    expect(validate(withSend(undefined), catalog)).toEqual([]);
    // Without the schemas (the CLI's offline check) nothing is said.
    expect(validate(withSend('{ "to": "x" }'), { activities: ["notify.send"] })).toEqual([]);
  });

  it("reads keys only from a literal object constructor", () => {
    expect(constructedKeys('{ "a": 1, "b": input.b }')).toEqual(["a", "b"]);
    expect(constructedKeys("{ input.key: 1 }")).toBeUndefined();
    expect(constructedKeys("input")).toBeUndefined();
    expect(constructedKeys("{ ")).toBeUndefined();
  });
});

describe("map items (issue 17, item 5)", () => {
  const withMap = (items: string | undefined) => ({
    id: "mapper",
    name: "mapper",
    nodes: [
      { id: "start", type: "start", position: at(0) },
      { id: "each", type: "map", ...(items === undefined ? {} : { items }), position: at(200) },
      { id: "echo", type: "activity", activity: "util.echo", parentId: "each", position: at(20) },
      { id: "end", type: "end", position: at(600) },
    ],
    edges: [
      { id: "e1", source: "start", target: "each" },
      { id: "e2", source: "each", target: "end" },
    ],
  });

  it("is a problem when missing, a warning when written as the empty placeholder list", () => {
    expect(validate(withMap(undefined)).filter((p) => p.nodeId === "each" && p.severity === "error")).not.toEqual([]);
    expect(validate(withMap("[ ]"))).toEqual([
      expect.objectContaining({ severity: "warning", nodeId: "each", message: expect.stringMatching(/items is an empty list/) }),
    ]);
    expect(validate(withMap("input.orders"))).toEqual([]);
  });
});
