import type { WorkflowDefinition } from "@weft/definition";
import { describe, expect, it } from "vitest";
import orderProcessing from "../../../../examples/order-processing.json";
import videoPipeline from "../../../../examples/video-pipeline.json";
import { definitionToFlow, flowToDefinition } from "./mapping";
import { createDesignerStore } from "./store";

const blank = { id: "w", name: "W", nodes: [], edges: [] } as unknown as WorkflowDefinition;

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("mapping between the definition and React Flow", () => {
  it("round-trips both shipped examples unchanged, key order included", () => {
    for (const example of [orderProcessing, videoPipeline]) {
      const back = flowToDefinition(definitionToFlow(example as never));
      expect(JSON.stringify(back)).toBe(JSON.stringify(example));
    }
  });

  it("keeps unknown node, edge and document properties", () => {
    const def = {
      id: "x",
      name: "X",
      "x-owner": { team: "video" },
      nodes: [{ id: "start", type: "start", position: { x: 1, y: 2 }, "x-note": "hi", color: 3 }],
      edges: [{ id: "e", source: "start", target: "start", "x-weight": 2 }],
    };
    const graph = definitionToFlow(def);
    expect(graph.nodes[0]?.data.settings).toEqual({ "x-note": "hi", color: 3 });
    expect(flowToDefinition(graph)).toEqual(def);
  });

  it("puts settings under data and parentId on the React Flow node", () => {
    const graph = definitionToFlow(videoPipeline as never);
    const transcode = graph.nodes.find((n) => n.id === "transcode")!;
    expect(transcode.parentId).toBe("transcodeAll");
    expect(transcode.type).toBe("activity");
    expect(transcode.data.settings.activity).toBe("video.transcode");
    expect(transcode.data.settings.retry).toEqual({ maxAttempts: 3, firstIntervalMs: 2000 });
  });
});

describe("designer store", () => {
  it("adds a node after the selected one, connected by a next edge", () => {
    const store = createDesignerStore(blank);
    const start = store.getState().addNode("start", { position: { x: 0, y: 0 } });
    const echo = store.getState().addNode("activity", { after: start, settings: { activity: "util.echo", label: "Echo" } });
    const { nodes, edges } = store.getState();
    expect(nodes.map((n) => n.id)).toEqual(["start", "echo"]);
    expect(nodes[1]?.position.x).toBeGreaterThan(nodes[0]!.position.x);
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ source: start, target: echo, sourceHandle: "next" });
    expect(store.getState().toDefinition().nodes[1]).toEqual({
      id: "echo",
      type: "activity",
      label: "Echo",
      position: nodes[1]!.position,
      activity: "util.echo",
    });
  });

  it("undoes and redoes every edit", () => {
    const store = createDesignerStore(orderProcessing as never);
    const s = () => store.getState();
    const before = s().toDefinition();
    s().updateNode("save", { label: "Store order" });
    s().onConnect({ source: "video", target: "closed", sourceHandle: "error", targetHandle: null });
    expect(s().edges.at(-1)?.data?.settings.kind).toBe("error");
    s().undo();
    expect(s().edges.some((e) => e.source === "video" && e.target === "closed")).toBe(false);
    expect(s().nodes.find((n) => n.id === "save")?.data.settings.label).toBe("Store order");
    s().undo();
    expect(s().toDefinition()).toEqual(before);
    s().redo();
    expect(s().nodes.find((n) => n.id === "save")?.data.settings.label).toBe("Store order");
    s().redo();
    expect(s().edges.at(-1)).toMatchObject({ source: "video", target: "closed" });
    expect(s().future).toHaveLength(0);
  });

  it("makes keystrokes in one field a single undo step", () => {
    const time = clock();
    const store = createDesignerStore(orderProcessing as never, { now: time.now });
    for (const text of ["S", "Sa", "Sav"]) {
      store.getState().updateNode("save", { label: text }, "label");
      time.advance(100);
    }
    time.advance(5000);
    store.getState().updateNode("save", { label: "Saved!" }, "label");
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === "save")?.data.settings.label).toBe("Sav");
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === "save")?.data.settings.label).toBe("Save order");
  });

  it("deletes the selection with its edges as one undo step", () => {
    const store = createDesignerStore(orderProcessing as never);
    store.getState().select({ nodeId: "merge" });
    store.getState().deleteSelection();
    const { nodes, edges } = store.getState();
    expect(nodes.some((n) => n.id === "merge")).toBe(false);
    expect(edges.some((e) => e.source === "merge" || e.target === "merge")).toBe(false);
    store.getState().undo();
    expect(store.getState().toDefinition()).toEqual(orderProcessing);
  });

  it("deleting a map deletes its body", () => {
    const store = createDesignerStore(videoPipeline as never);
    store.getState().select({ nodeId: "transcodeAll" });
    store.getState().deleteSelection();
    expect(store.getState().nodes.some((n) => n.id === "transcode")).toBe(false);
  });

  it("copies and pastes nodes with the edges between them under new ids", () => {
    const store = createDesignerStore(orderProcessing as never);
    const s = () => store.getState();
    s().onNodesChange([
      { type: "select", id: "pdf", selected: true },
      { type: "select", id: "video", selected: true },
      { type: "select", id: "merge", selected: true },
    ]);
    s().copySelection();
    s().paste();
    const pasted = s().nodes.filter((n) => n.selected);
    expect(pasted.map((n) => n.id)).toEqual(["pdf2", "video2", "merge2"]);
    expect(pasted[0]!.position).toEqual({ x: 700, y: 140 });
    const newEdges = s().edges.filter((e) => pasted.some((n) => n.id === e.source));
    expect(newEdges.map((e) => `${e.source}->${e.target}`).sort()).toEqual(["pdf2->merge2", "video2->merge2"]);
    expect(s().nodes.find((n) => n.id === "video2")?.data.settings.retry).toEqual({
      maxAttempts: 3,
      firstIntervalMs: 1000,
      backoffCoefficient: 2,
    });
    s().undo();
    expect(s().nodes).toHaveLength(orderProcessing.nodes.length);
  });

  it("records a drag as one undo step and bumps the revision when it ends", () => {
    const store = createDesignerStore(orderProcessing as never);
    const s = () => store.getState();
    const r0 = s().revision;
    s().beginDrag();
    s().onNodesChange([{ type: "position", id: "save", position: { x: 300, y: 300 }, dragging: true }]);
    expect(s().revision).toBe(r0);
    s().onNodesChange([{ type: "position", id: "save", position: { x: 310, y: 310 }, dragging: false }]);
    expect(s().revision).toBe(r0 + 1);
    s().undo();
    expect(s().nodes.find((n) => n.id === "save")?.position).toEqual({ x: 220, y: 200 });
  });

  it("refuses edits when read-only but still selects", () => {
    const store = createDesignerStore(orderProcessing as never, { readOnly: true });
    store.getState().updateNode("save", { label: "x" });
    store.getState().onNodesChange([{ type: "select", id: "save", selected: true }]);
    expect(store.getState().nodes.find((n) => n.id === "save")).toMatchObject({
      selected: true,
      data: { settings: { label: "Save order" } },
    });
    expect(store.getState().past).toHaveLength(0);
  });
});

describe("moving nodes in and out of a map", () => {
  it("reparents a node into a map's body after the map, and back out", () => {
    const store = createDesignerStore(videoPipeline as never);
    const s = () => store.getState();
    s().beginDrag();
    s().reparent("thumbnail", "transcodeAll", { x: 40, y: 160 });
    const ids = s().nodes.map((n) => n.id);
    expect(ids.indexOf("thumbnail")).toBe(ids.indexOf("transcodeAll") + 1);
    expect(
      s()
        .toDefinition()
        .nodes.find((n) => n.id === "thumbnail"),
    ).toMatchObject({ parentId: "transcodeAll", position: { x: 40, y: 160 } });
    s().reparent("thumbnail", undefined, { x: 1800, y: 400 });
    expect(
      s()
        .toDefinition()
        .nodes.find((n) => n.id === "thumbnail"),
    ).not.toHaveProperty("parentId");
    s().undo();
    expect(s().toDefinition()).toEqual(videoPipeline);
  });
});
