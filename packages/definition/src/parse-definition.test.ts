import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parseDefinition } from "./parse-definition.js";
import { workflowDefinitionSchema, type ActivityNode, type WorkflowDefinition } from "./schema.js";
import { chainOf, definitionOf } from "./testing.js";

function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../examples/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
}

function problemsOf(json: unknown) {
  const result = parseDefinition(json);
  return result.ok ? [] : result.problems;
}

describe("parseDefinition", () => {
  it("accepts the shipped examples and returns a typed copy", () => {
    for (const name of ["order-processing", "video-pipeline"]) {
      const json = example(name);
      const result = parseDefinition(json);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.definition).toEqual(json);
      expect(result.definition).not.toBe(json);
      expectTypeOf(result.definition).toEqualTypeOf<WorkflowDefinition>();
    }
  });

  it("keeps unknown node, edge and document properties so the web app's fields survive a round trip", () => {
    const json = chainOf("echo");
    const nodes = json.nodes as Array<Record<string, unknown>>;
    nodes[1] = { ...nodes[1], width: 180, selected: true, data: { color: "blue" } };
    (json.edges as Array<Record<string, unknown>>)[0] = { ...(json.edges as object[])[0], sourceHandle: null, animated: true };
    json.viewport = { x: 0, y: 0, zoom: 1 };
    const result = parseDefinition(json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.nodes[1]).toMatchObject({ width: 180, selected: true, data: { color: "blue" } });
    expect(result.definition.edges[0]).toMatchObject({ sourceHandle: null, animated: true });
    expect(result.definition.viewport).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it("narrows nodes by type so a compiler can read their settings", () => {
    const result = parseDefinition(example("order-processing"));
    if (!result.ok) throw new Error("example should parse");
    const video = result.definition.nodes.find((node) => node.id === "video");
    if (video?.type !== "activity") throw new Error("video should be an activity");
    expectTypeOf(video).toEqualTypeOf<ActivityNode>();
    expect(video.retry?.maxAttempts).toBe(3);
  });

  it("drops __proto__ keys and never pollutes a prototype", () => {
    const json = JSON.parse(
      '{"id":"x","name":"X","__proto__":{"polluted":1},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0},"__proto__":{"polluted":2},"constructor":{"prototype":{"polluted":3}},"data":{"__proto__":{"polluted":4}}}],"edges":[]}',
    ) as unknown;
    const result = parseDefinition(json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const start = result.definition.nodes[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(result.definition)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(start)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(start.data)).toBe(Object.prototype);
    expect(Object.hasOwn(start, "__proto__")).toBe(false);
    expect(start.constructor).toEqual({ prototype: { polluted: 3 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((result.definition as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses node ids and variable names that would reach a prototype", () => {
    const json = definitionOf({
      nodes: [
        { id: "start", type: "start" },
        { id: "constructor", type: "transform", assign: { prototype: "1", ok: "2" } },
      ],
      edges: [["start", "constructor"]],
    });
    const messages = problemsOf(json).map((problem) => problem.message);
    expect(messages).toContain("Transform 'constructor': id must not be __proto__, constructor or prototype (it is \"constructor\")");
    expect(messages).toContain(
      "Transform 'constructor': assign has the name 'prototype', which must not be __proto__, constructor or prototype",
    );
  });

  it("says which setting of which node is wrong and what is expected", () => {
    const json = example("order-processing");
    const video = (json.nodes as Array<Record<string, unknown>>).find((node) => node.id === "video") as Record<string, unknown>;
    video.retry = { maxAttempts: 0 };
    delete video.label;
    expect(problemsOf(json)).toEqual([
      {
        severity: "error",
        code: "bad-setting",
        message: "Activity 'video': retry.maxAttempts must be a whole number ≥ 1 (it is 0)",
        nodeId: "video",
      },
    ]);
  });

  it("reports a missing setting with a hint of what to write", () => {
    const json = definitionOf({
      nodes: [
        { id: "start", type: "start" },
        { id: "each", type: "map" },
      ],
      edges: [],
    });
    expect(problemsOf(json)).toEqual([
      expect.objectContaining({
        code: "bad-setting",
        nodeId: "each",
        message: "Map 'each': items is missing; write an expression that gives the list of items, e.g. input.orders",
      }),
    ]);
  });

  it("names an unknown node type and lists the known ones", () => {
    const json = definitionOf({
      nodes: [
        { id: "start", type: "start" },
        { id: "x", type: "webhookCall" },
      ],
      edges: [],
    });
    const [problem] = problemsOf(json);
    expect(problem?.nodeId).toBe("x");
    expect(problem?.message).toMatch(/^Node 'x': type must be one of "start", "activity", .* \(it is "webhookCall"\)$/);
  });

  it("suggests the right name for a misspelt retry setting", () => {
    const json = chainOf({ id: "call", type: "activity", activity: "util.echo", retry: { maxAttempts: 2, maxAttempt: 3 } });
    expect(problemsOf(json)[0]?.message).toBe(
      "Activity 'call': retry has an unknown setting 'maxAttempt' (did you mean 'maxAttempts'?); the settings are maxAttempts, firstIntervalMs, backoffCoefficient, maxIntervalMs, totalTimeoutMs",
    );
  });

  it("reports problems outside nodes with the schema code and the path", () => {
    const json = { ...chainOf("a"), id: "Order Processing", trigger: { type: "schedule", cron: "every minute" } };
    const problems = problemsOf(json);
    expect(problems.map((problem) => problem.code)).toEqual(["schema", "schema"]);
    expect(problems[0]?.message).toContain("Workflow: id must be 1 to 63 lower-case letters");
    expect(problems[1]?.message).toBe(
      'Workflow: trigger.cron must be a cron expression with five fields, e.g. "*/5 * * * *" (it is "every minute")',
    );
  });

  it("accepts each trigger type", () => {
    for (const trigger of [
      { type: "manual" },
      { type: "webhook", path: "new-purchase" },
      { type: "webhook", path: "new-purchase", secret: "s3cret" },
      { type: "schedule", cron: "*/5 * * * *", input: { batch: true } },
    ]) {
      expect(problemsOf({ ...chainOf("a"), trigger })).toEqual([]);
    }
    expect(problemsOf({ ...chainOf("a"), trigger: { type: "webhook", path: "../etc" } })).toHaveLength(1);
    expect(problemsOf({ ...chainOf("a"), trigger: { type: "email" } })).toHaveLength(1);
  });

  it("reports edges by id", () => {
    const json = chainOf("a");
    (json.edges as Array<Record<string, unknown>>)[0] = { id: "e1", source: "start", target: "a", kind: "failure" };
    expect(problemsOf(json)).toEqual([
      {
        severity: "error",
        code: "bad-setting",
        message: 'Edge \'e1\': kind must be "next", "error" or "timeout" (it is "failure")',
        edgeId: "e1",
      },
    ]);
  });

  it("parses a draft with dangling edges: graph rules are for validate", () => {
    const json = chainOf("a");
    (json.edges as unknown[]).push({ id: "loose", source: "a", target: "nowhere" });
    expect(parseDefinition(json).ok).toBe(true);
  });

  it("refuses what is not a definition object without throwing", () => {
    for (const json of [null, undefined, 42, "text", [], [chainOf("a")], () => 1]) {
      const problems = problemsOf(json);
      expect(problems).toEqual([
        {
          severity: "error",
          code: "schema",
          message: "The workflow definition must be a JSON object with id, name, nodes and edges",
        },
      ]);
    }
  });

  it("reports a document nested deeper than any workflow needs", () => {
    const json = chainOf("a");
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let level = 0; level < 100_000; level++) {
      const next = {};
      deep.next = next;
      deep = next;
    }
    (json.nodes as Array<Record<string, unknown>>)[1]!.data = root;
    const problems = problemsOf(json);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "bad-setting", nodeId: "a" });
    expect(problems[0]?.message).toContain("is nested more than 200 levels deep");
  });

  it("agrees with the full zod schema on arbitrary input", () => {
    const base = chainOf("a", "b");
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("id", "name", "nodes", "edges", "trigger", "extra"), fc.jsonValue()), (patch) => {
        const json = { ...base, ...patch };
        expect(parseDefinition(json).ok).toBe(workflowDefinitionSchema.safeParse(json).success);
      }),
      { numRuns: 300 },
    );
  });
});
