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

// Issue 17, bug 3: the order's wait for approval has a timeout edge to "not approved", which
// a rejection also reaches through the choice.
const order = {
  id: "order",
  name: "Order",
  nodes: [
    { id: "approve", type: "waitForEvent", event: "OrderApprovalResult", timeoutMs: 60_000, position: at(0) },
    { id: "decide", type: "choice", position: at(200) },
    { id: "email", type: "activity", activity: "util.echo", position: at(400) },
    { id: "notApproved", type: "activity", activity: "util.echo", position: at(400) },
  ],
  edges: [
    { id: "approve-decide", source: "approve", target: "decide" },
    { id: "approve-timeout", source: "approve", target: "notApproved", kind: "timeout" },
    { id: "decide-approved", source: "decide", target: "email", condition: 'steps.approve.decision = "Approved"' },
    { id: "decide-rejected", source: "decide", target: "notApproved", default: true },
  ],
} as unknown as WorkflowDefinition; // a literal fixture, not wire data

describe("a run's drawing of a wait with a timeout edge", () => {
  const classes = (states: NodeStates) => Object.fromEntries(toRunEdges(order, states, true).map((e) => [e.id, e.className]));

  it("draws the timeout edge as not taken when the event came, even if its target ran by another way", () => {
    const rejected = classes({
      approve: { status: "succeeded" },
      decide: { status: "succeeded", takenEdge: "default" },
      notApproved: { status: "succeeded" },
    } as unknown as NodeStates);
    expect(rejected["approve-decide"]).toContain("is-taken");
    expect(rejected["approve-timeout"]).toContain("is-not-taken");
    expect(rejected["decide-rejected"]).toContain("is-taken");
  });

  it("draws the timeout edge as taken, and the event's edge as not, when the wait timed out", () => {
    const timedOut = classes({
      approve: { status: "succeeded", timedOut: true },
      notApproved: { status: "succeeded" },
    } as unknown as NodeStates);
    expect(timedOut["approve-timeout"]).toContain("is-taken");
    expect(timedOut["approve-decide"]).toContain("is-not-taken");
  });

  it("draws taken edges over the others, so a shared stretch shows the branch taken", () => {
    const approved = toRunEdges(
      order,
      {
        approve: { status: "succeeded" },
        decide: { status: "succeeded", takenEdge: "decide-approved" },
        email: { status: "succeeded" },
      } as unknown as NodeStates,
      true,
    ).map((e) => e.id);
    expect(approved.indexOf("decide-approved")).toBeGreaterThan(approved.indexOf("decide-rejected"));
  });

  it("takes an error edge only when its source failed", () => {
    const withError = {
      ...definition,
      nodes: [...definition.nodes, { id: "work", type: "activity", activity: "util.echo", position: at(600) }],
      edges: [
        { id: "w-yes", source: "work", target: "yes" },
        { id: "w-no", source: "work", target: "no", kind: "error" },
      ],
    } as unknown as WorkflowDefinition;
    const failed = Object.fromEntries(
      toRunEdges(withError, { work: { status: "failed" }, no: { status: "succeeded" } } as unknown as NodeStates, true).map((e) => [
        e.id,
        e.className,
      ]),
    );
    expect(failed["w-no"]).toContain("is-taken");
    expect(failed["w-yes"]).toContain("is-not-taken");
  });
});
