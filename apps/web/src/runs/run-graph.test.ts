import type { NodeStates, WorkflowDefinition } from "@weft/definition";
import { describe, expect, it } from "vitest";
import { toRunEdges, toRunNodes } from "./run-graph";
import { MIN_READABLE_ZOOM, viewportFor } from "./run-viewport";

const at = (x: number) => ({ x, y: 0 });
const definition = {
  id: "choose",
  name: "Choose",
  nodes: [
    { id: "start", type: "start", position: at(0) },
    { id: "pick", type: "choice", position: at(200) },
    { id: "yes", type: "end", position: at(400) },
    { id: "no", type: "end", position: at(400) },
  ],
  edges: [
    { id: "s-p", source: "start", target: "pick" },
    { id: "p-yes", source: "pick", target: "yes", condition: "input.ok" },
    { id: "p-no", source: "pick", target: "no", default: true },
  ],
} as unknown as WorkflowDefinition; // a literal fixture, not wire data

const states = {
  start: { status: "succeeded" },
  pick: { status: "succeeded", takenEdge: "default" },
  no: { status: "succeeded" },
} as unknown as NodeStates; // only the fields the drawing reads

describe("a run's drawing", () => {
  it("marks the branch a choice took as taken and the other as not taken", () => {
    const edges = Object.fromEntries(toRunEdges(definition, states, true).map((e) => [e.id, e.className]));
    expect(edges["s-p"]).toContain("is-taken");
    expect(edges["p-no"]).toContain("is-taken");
    expect(edges["p-yes"]).toContain("is-not-taken");
  });

  it("labels each node with its kind's title and carries its state", () => {
    const nodes = toRunNodes(definition, states);
    expect(nodes.map((n) => n.id)).toEqual(["start", "pick", "yes", "no"]);
    expect(nodes.find((n) => n.id === "pick")?.data.state).toEqual({ status: "succeeded", takenEdge: "default" });
    expect(nodes.find((n) => n.id === "yes")?.data.state).toBeUndefined();
  });

  it("fits a small drawing, and keeps a long one readable around the step that matters", () => {
    const small = viewportFor(toRunNodes(definition, {}), { width: 1200, height: 400 }, undefined);
    expect(small.zoom).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    const long = {
      ...definition,
      nodes: Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, type: "end", position: at(i * 200) })),
      edges: [],
    } as unknown as WorkflowDefinition;
    const view = viewportFor(toRunNodes(long, {}), { width: 800, height: 300 }, "n30");
    // Fitting all 40 would need a zoom of ~0.09: the view stays readable and shows part of it.
    expect(view.zoom).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    expect(40 * 200 * view.zoom).toBeGreaterThan(800);
    // n30 sits near the middle of the view.
    const centre = 30 * 200 * view.zoom + view.x;
    expect(centre).toBeGreaterThan(200);
    expect(centre).toBeLessThan(600);
  });
});
