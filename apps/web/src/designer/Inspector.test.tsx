import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { createWeftClient, type ActivityInfo } from "@weft/client";
import { ReactFlowProvider } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import orderProcessing from "../../../../examples/order-processing.json";
import { WeftClientProvider } from "../api/WeftClientContext";
import { TooltipProvider } from "../ui/Tooltip";
import { DesignerStoreProvider } from "./DesignerStoreContext";
import { Inspector } from "./Inspector";
import { createDesignerStore, type DesignerStore } from "./store";

const activities: ActivityInfo[] = [
  {
    name: "notify.send",
    title: "Send notification",
    description: "Sends a message.",
    category: "Notifications",
    inputSchema: {
      type: "object",
      required: ["to"],
      properties: { to: { type: "string", description: "Who gets it." }, subject: { type: "string" }, body: { type: "string" } },
    },
    outputSchema: {},
    source: "built-in",
  },
  {
    name: "util.echo",
    title: "Echo",
    description: "Returns its input.",
    category: "Utilities",
    inputSchema: {},
    outputSchema: {},
    source: "built-in",
  },
];

function setup(select: { nodeId?: string; edgeId?: string } | null, definition: object = orderProcessing) {
  const store = createDesignerStore(definition as never);
  store.getState().select(select);
  const fetch = (async () => new Response("[]", { status: 200 })) as typeof globalThis.fetch;
  const client = createWeftClient({ fetch });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <WeftClientProvider client={client}>
        <TooltipProvider>
          <ReactFlowProvider>
            <DesignerStoreProvider store={store}>
              <Inspector activities={activities} problems={[]} />
            </DesignerStoreProvider>
          </ReactFlowProvider>
        </TooltipProvider>
      </WeftClientProvider>
    </QueryClientProvider>,
  );
  return store;
}

const settings = (store: DesignerStore, id: string) => store.getState().nodes.find((n) => n.id === id)!.data.settings;
const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

const withNotify = {
  id: "n",
  name: "N",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "send", type: "activity", position: { x: 200, y: 0 }, activity: "notify.send", input: '{ "to": input.email }' },
  ],
  edges: [{ id: "e1", source: "start", target: "send" }],
};

describe("Inspector", () => {
  it("edits an activity's input as one expression field per schema property, with type and description hints", () => {
    const store = setup({ nodeId: "send" }, withNotify);
    const inspector = screen.getByRole("complementary", { name: "Inspector" });
    expect(within(inspector).getByLabelText("to *")).toHaveProperty("value", "input.email");
    expect(inspector.textContent).toContain("Who gets it.");
    expect(inspector.textContent).toContain("string");
    type("subject", '"Hello"');
    expect(settings(store, "send").input).toBe('{ "to": input.email, "subject": "Hello" }');
    type("to *", "");
    expect(settings(store, "send").input).toBe('{ "subject": "Hello" }');
  });

  it("edits the input as raw JSONata", () => {
    const store = setup({ nodeId: "send" }, withNotify);
    fireEvent.mouseDown(screen.getByRole("tab", { name: "JSONata" }));
    type("Input expression", '$merge([input, { "to": "ops" }])');
    expect(settings(store, "send").input).toBe('$merge([input, { "to": "ops" }])');
  });

  it("switches the activity and sets a label", () => {
    const store = setup({ nodeId: "send" }, withNotify);
    type("Label", "Tell the team");
    fireEvent.change(screen.getByLabelText("Activity"), { target: { value: "util.echo" } });
    expect(settings(store, "send")).toMatchObject({ label: "Tell the team", activity: "util.echo" });
  });

  it("sets a retry policy and a timeout", () => {
    const store = setup({ nodeId: "save" });
    fireEvent.click(screen.getByLabelText("Retry on failure"));
    expect(settings(store, "save").retry).toEqual({ maxAttempts: 3 });
    type("Max attempts", "5");
    type("First interval (ms)", "250");
    expect(settings(store, "save").retry).toEqual({ maxAttempts: 5, firstIntervalMs: 250 });
    type("Timeout per attempt (ms)", "30000");
    expect(settings(store, "save").timeoutMs).toBe(30000);
    fireEvent.click(screen.getByLabelText("Retry on failure"));
    expect(settings(store, "save").retry).toBeUndefined();
  });

  it("edits a wait's event name, timeout and approval choices", () => {
    const store = setup({ nodeId: "approve" });
    type("Event name", "Decision");
    type("Timeout (ms)", "60000");
    type("Choices (comma-separated)", "Yes, No, Maybe");
    expect(settings(store, "approve")).toMatchObject({
      event: "Decision",
      timeoutMs: 60000,
      approval: { title: "Approve order", choices: ["Yes", "No", "Maybe"] },
    });
    fireEvent.click(screen.getByLabelText("Ask a person to approve"));
    expect(settings(store, "approve").approval).toBeUndefined();
  });

  it("edits the conditions of a choice's branches", () => {
    const store = setup({ nodeId: "decide" });
    const conditions = screen.getAllByLabelText(/^Condition to/);
    expect(conditions.length).toBe(2);
    type("Condition to Send confirmation", 'steps.approve.decision = "Yes"');
    const edge = store.getState().edges.find((e) => e.source === "decide" && e.target === "email")!;
    expect(edge.data?.settings.condition).toBe('steps.approve.decision = "Yes"');
  });

  it("edits an edge's kind and condition", () => {
    const store = setup({ edgeId: store0EdgeId() });
    fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "error" } });
    const edge = store.getState().edges.find((e) => e.id === store0EdgeId())!;
    expect(edge.data?.settings.kind).toBe("error");
    expect(edge.sourceHandle).toBe("error");
  });

  it("edits a map's items and concurrency and a delay's duration", () => {
    const def = {
      id: "m",
      name: "M",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "each", type: "map", position: { x: 200, y: 0 }, items: "[]" },
      ],
      edges: [],
    };
    const store = setup({ nodeId: "each" }, def);
    type("Items (expression giving an array)", "input.files");
    type("Max concurrency", "4");
    expect(settings(store, "each")).toMatchObject({ items: "input.files", maxConcurrency: 4 });
  });

  it("edits the workflow's own settings when nothing is selected", () => {
    const store = setup(null);
    type("Name", "Process an order");
    fireEvent.change(screen.getByLabelText("Trigger"), { target: { value: "webhook" } });
    expect(store.getState().meta).toMatchObject({ name: "Process an order", trigger: { type: "webhook", path: "order-processing" } });
  });
});

function store0EdgeId() {
  return orderProcessing.edges[0]!.id;
}
