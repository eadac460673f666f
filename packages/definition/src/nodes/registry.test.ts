import { describe, expect, it } from "vitest";
import { NODE_TYPES } from "../node-types.js";
import { NODE_KINDS, NODE_SCHEMAS, nodeKindOf } from "./registry.js";

describe("the node kind registry", () => {
  it("holds one kind and one schema for every node type, each under its own type", () => {
    for (const type of NODE_TYPES) expect(NODE_KINDS[type].type).toBe(type);
    const schemaTypes = NODE_SCHEMAS.map((schema) => schema.shape.type.value);
    expect([...schemaTypes].sort()).toEqual([...NODE_TYPES].sort());
  });

  it("finds no kind for text that is not a node type, prototype names included", () => {
    for (const type of ["", "approval", "constructor", "__proto__", "toString", 42, undefined]) {
      expect(nodeKindOf(type)).toBeUndefined();
    }
  });
});
