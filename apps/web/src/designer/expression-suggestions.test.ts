import type { ActivityInfo } from "@weft/client";
import { describe, expect, it } from "vitest";
import { expressionSuggestions } from "./expression-suggestions";
import type { WeftEdge, WeftNode } from "./mapping";

const node = (id: string, type: string, settings: Record<string, unknown> = {}, parentId?: string): WeftNode =>
  ({ id, type, position: { x: 0, y: 0 }, data: { settings, keys: [] }, ...(parentId ? { parentId } : {}) }) as WeftNode;
const edge = (source: string, target: string): WeftEdge =>
  ({ id: `${source}-${target}`, source, target, data: { settings: {}, keys: [] } }) as WeftEdge;

const save = { name: "order.save", outputSchema: { type: "object", properties: { orderId: {}, savedAt: {} } } } as unknown as ActivityInfo;

describe("expression autocomplete (issue 17, item 8)", () => {
  const nodes = [
    node("start", "start"),
    node("save", "activity", { activity: "order.save" }),
    node("approve", "waitForEvent"),
    node("email", "activity", { activity: "util.echo" }),
    node("each", "map"),
    node("inner", "activity", { activity: "util.echo" }, "each"),
  ];
  const edges = [edge("start", "save"), edge("save", "approve"), edge("approve", "email"), edge("save", "each")];
  const inputSchema = { type: "object", properties: { orderId: {}, customer: {} } };

  it("offers the run's input, every step before the node with its output's fields, and a wait's decision", () => {
    const paths = expressionSuggestions("email", nodes, edges, inputSchema, new Map([["order.save", save]]));
    expect(paths).toEqual(
      expect.arrayContaining([
        "input",
        "input.orderId",
        "input.customer",
        "steps.save",
        "steps.save.orderId",
        "steps.approve",
        "steps.approve.decision",
      ]),
    );
    expect(paths).not.toContain("steps.email");
    expect(paths).not.toContain("steps.start");
    expect(paths).not.toContain("item");
  });

  it("offers item and index inside a map's body, and what runs before the map", () => {
    const paths = expressionSuggestions("inner", nodes, edges, inputSchema, new Map([["order.save", save]]));
    expect(paths).toEqual(expect.arrayContaining(["item", "index", "steps.save.orderId"]));
    expect(paths).not.toContain("steps.approve");
  });
});
