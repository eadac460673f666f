import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { StartRunDialog } from "./StartRunDialog";
import { fakeClient, Providers } from "./test-utils";

const orders = {
  id: "orders",
  name: "Orders",
  latestVersion: 3,
  updatedAt: "2026-03-10T12:00:00.000Z",
  trigger: { type: "manual" },
  kind: "drawn",
};
const version3 = {
  id: "orders",
  name: "Orders",
  version: 3,
  inputSchema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" } } },
  nodes: [],
  edges: [],
};

describe("the Runs page's Start dialog", () => {
  it("checks the input against the latest version's inputSchema, and starts that version", async () => {
    const { client, calls } = fakeClient((call) => {
      if (call.url === "/api/workflows") return [200, [orders]];
      if (call.url === "/api/workflows/orders/versions/3") return [200, version3];
      return [202, { instanceId: "run-1", workflowId: "orders", version: 3, links: {} }];
    });
    render(
      <Providers client={client}>
        <StartRunDialog open onOpenChange={() => {}} initialWorkflow="orders" />
      </Providers>,
    );
    const input = await screen.findByLabelText("Input (JSON)");
    await waitFor(() => expect(calls.some((c) => c.url === "/api/workflows/orders/versions/3")).toBe(true));
    await userEvent.clear(input);
    await userEvent.type(input, "{{}");
    expect(await screen.findByText(/orderId/)).toBeTruthy();
    expect((screen.getByRole("button", { name: "Start" }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.clear(input);
    await userEvent.type(input, '{{"orderId": "A-1"}');
    await waitFor(() => expect((screen.getByRole("button", { name: "Start" }) as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    await waitFor(() => expect(calls.at(-1)).toMatchObject({ method: "POST", url: "/api/workflows/orders/instances" }));
    expect(calls.at(-1)?.body).toEqual({ input: { orderId: "A-1" }, version: 3 });
  });
});
