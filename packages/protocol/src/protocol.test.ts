import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as protocol from "./index.js";

describe("the wire contract's schemas", () => {
  it("all become JSON Schema for the OpenAPI document", () => {
    const schemas = Object.entries(protocol).flatMap(([name, value]) => (value instanceof z.ZodType ? [[name, value] as const] : []));
    expect(schemas.length).toBeGreaterThan(40);
    for (const [name, schema] of schemas) {
      expect(() => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), name).not.toThrow();
    }
  });

  it("describe each stream message as the event name and its data", () => {
    const stream = protocol.streamMessagesSchema(protocol.instancesStreamMessages);
    expect(stream.safeParse({ event: "purged", data: { instanceId: "a" } }).success).toBe(true);
    expect(stream.safeParse({ event: "purged", data: {} }).success).toBe(false);
    expect(stream.safeParse({ event: "unknown", data: { instanceId: "a" } }).success).toBe(false);
  });

  it("refuses an instance id twice in one batch, naming the item", () => {
    const result = protocol.batchStartBody.safeParse({ items: [{ instanceId: "a" }, { instanceId: "a" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["items", 1, "instanceId"], message: expect.stringContaining("item 0") });
  });

  it("takes events by ids or by filter, never both", () => {
    expect(protocol.batchEventBody.safeParse({ instanceIds: ["a"] }).success).toBe(true);
    expect(protocol.batchEventBody.safeParse({ filter: { workflow: "orders" } }).success).toBe(true);
    expect(protocol.batchEventBody.safeParse({ instanceIds: ["a"], filter: { workflow: "orders" } }).success).toBe(false);
    expect(protocol.batchEventBody.safeParse({}).success).toBe(false);
  });

  it("keeps a failure's cause, recursively", () => {
    const failure = {
      name: "TaskFailedError",
      message: "step failed",
      cause: { name: "Error", message: "boom", cause: { name: "E", message: "root" } },
    };
    expect(protocol.failureSchema.parse(failure)).toEqual(failure);
    expect(protocol.failureSchema.safeParse({ name: "E", message: "x", cause: { name: 1 } }).success).toBe(false);
  });

  it("checks a listing's statuses and says which are allowed", () => {
    expect(protocol.instanceListQuery.parse({ status: "running, failed" }).status).toEqual(["running", "failed"]);
    const bad = protocol.instanceListQuery.safeParse({ status: "runing" });
    expect(bad.error?.issues[0]?.message).toContain("pending, running");
  });

  it("reads the terminal statuses", () => {
    expect(protocol.isTerminalStatus("failed")).toBe(true);
    expect(protocol.isTerminalStatus("suspended")).toBe(false);
  });
});
