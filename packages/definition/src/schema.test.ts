import { describe, expect, it } from "vitest";
import { definitionJsonSchema, workflowNodeSchema } from "./schema.js";
import { NODE_TYPES } from "./node-types.js";

describe("definitionJsonSchema", () => {
  it("describes the document with one alternative per node type", () => {
    const schema = definitionJsonSchema();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(["id", "name", "nodes", "edges"]);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.id?.pattern).toBe("^[a-z0-9][a-z0-9-]{0,62}$");
    const nodeItems = properties.nodes?.items as { oneOf: Array<{ properties: { type: { const: string } } }> };
    expect(nodeItems.oneOf.map((option) => option.properties.type.const)).toEqual(NODE_TYPES);
  });

  it("keeps node settings at the top level of a node and allows extra properties", () => {
    const schema = definitionJsonSchema();
    const nodeItems = (schema.properties as Record<string, { items: { oneOf: Array<Record<string, unknown>> } }>).nodes?.items.oneOf;
    const activity = nodeItems?.find((option) => (option.properties as { type: { const: string } }).type.const === "activity") as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: unknown;
    };
    expect(Object.keys(activity.properties)).toEqual(
      expect.arrayContaining(["id", "type", "position", "label", "parentId", "activity", "input", "retry", "timeoutMs"]),
    );
    expect(activity.required).toEqual(expect.arrayContaining(["id", "type", "position", "activity"]));
    expect(activity.additionalProperties).toEqual({});
  });

  it("returns a fresh copy that callers may change", () => {
    const first = definitionJsonSchema();
    first.title = "changed";
    expect(definitionJsonSchema().title).toBe("WorkflowDefinition");
    expect(() => JSON.stringify(definitionJsonSchema())).not.toThrow();
  });
});

describe("workflowNodeSchema", () => {
  it("requires maxAttempts in a retry policy and nothing else", () => {
    const base = { id: "a", type: "activity", position: { x: 0, y: 0 }, activity: "util.echo" };
    expect(workflowNodeSchema.safeParse({ ...base, retry: { maxAttempts: 1 } }).success).toBe(true);
    expect(workflowNodeSchema.safeParse({ ...base, retry: {} }).success).toBe(false);
    expect(workflowNodeSchema.safeParse({ ...base, retry: { maxAttempts: 2.5 } }).success).toBe(false);
    expect(workflowNodeSchema.safeParse({ ...base, retry: { maxAttempts: 2, backoffCoefficient: 0.5 } }).success).toBe(false);
    expect(workflowNodeSchema.safeParse({ ...base, retry: { maxAttempts: 2, backoffCoefficient: 1.5 } }).success).toBe(true);
  });

  it('accepts a sub-workflow version that is a number or "latest"', () => {
    const base = { id: "s", type: "subWorkflow", position: { x: 0, y: 0 }, workflow: "video-pipeline" };
    expect(workflowNodeSchema.safeParse({ ...base, version: 3 }).success).toBe(true);
    expect(workflowNodeSchema.safeParse({ ...base, version: "latest" }).success).toBe(true);
    expect(workflowNodeSchema.safeParse({ ...base, version: 0 }).success).toBe(false);
    expect(workflowNodeSchema.safeParse({ ...base, version: "newest" }).success).toBe(false);
  });
});
