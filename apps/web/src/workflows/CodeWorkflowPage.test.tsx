import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { paletteSections } from "../designer/palette-items";
import { fakeClient, problem, Providers } from "../runs/test-utils";
import { ToastProvider } from "../ui/toast";
import { CodeWorkflowPage } from "./CodeWorkflowPage";
import { WorkflowsHome } from "./WorkflowsHome";

describe("code-first orchestrators", () => {
  it("are marked as code in the Workflows list and still link by name", async () => {
    const { client } = fakeClient(() => [
      200,
      [
        {
          id: "order-processing",
          name: "Process order",
          latestVersion: 2,
          updatedAt: "2026-03-10T12:00:00.000Z",
          trigger: { type: "manual" },
          kind: "drawn",
        },
        {
          id: "order-code",
          name: "Order (code)",
          latestVersion: null,
          updatedAt: "2026-03-10T12:00:00.000Z",
          trigger: { type: "manual" },
          kind: "code",
        },
      ],
    ]);
    render(
      <ToastProvider>
        <Providers client={client}>
          <WorkflowsHome />
        </Providers>
      </ToastProvider>,
    );
    const link = await screen.findByRole("link", { name: "Order (code)" });
    expect(link.getAttribute("href")).toBe("/workflows/order-code");
    const row = link.closest("tr") as HTMLElement;
    expect(within(row).getByText("code")).toBeTruthy();
    expect(within(row).getByText("runs as coded")).toBeTruthy();
    const drawn = (await screen.findByRole("link", { name: "Process order" })).closest("tr") as HTMLElement;
    expect(within(drawn).queryByText("code")).toBeNull();
  });

  it("open a page that says what they are and starts them with an input", async () => {
    const { client, calls } = fakeClient(() => [202, { instanceId: "run-1", workflowId: "order-code", version: null }]);
    render(
      <Providers client={client} path="/workflows/order-code">
        <CodeWorkflowPage
          detail={{ id: "order-code", name: "Order (code)", kind: "code", draft: null, latestVersion: null, versions: [] }}
        />
      </Providers>,
    );
    expect(screen.getByRole("heading", { name: "Order (code)" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "A code-first orchestrator" })).toBeTruthy();
    const input = screen.getByLabelText("Input (JSON)");
    await userEvent.clear(input);
    await userEvent.type(input, '{{"orderId":"A-1"}');
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/runs/run-1"));
    expect(calls.at(-1)).toMatchObject({ method: "POST", url: "/api/workflows/order-code/instances", body: { input: { orderId: "A-1" } } });
  });

  it("shows an input that is not JSON as it is typed, and does not start it", async () => {
    const { client, calls } = fakeClient(() => [202, {}]);
    render(
      <Providers client={client}>
        <CodeWorkflowPage detail={{ id: "order-code", kind: "code", name: "order-code", draft: null, latestVersion: null, versions: [] }} />
      </Providers>,
    );
    const input = screen.getByLabelText("Input (JSON)");
    await userEvent.clear(input);
    await userEvent.type(input, "nope");
    expect(screen.getByRole("status").textContent).toMatch(/not JSON/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const start = screen.getByRole("button", { name: "Start" });
    expect(start.hasAttribute("disabled")).toBe(true);
    await userEvent.click(start);
    expect(calls).toHaveLength(0);
  });

  it("shows the server's refusal beside the input", async () => {
    const { client } = fakeClient(() => problem(422, "Invalid input", "input does not match the input schema"));
    render(
      <Providers client={client}>
        <CodeWorkflowPage detail={{ id: "order-code", kind: "code", name: "order-code", draft: null, latestVersion: null, versions: [] }} />
      </Providers>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/input does not match/);
    expect(screen.getByTestId("location").textContent).not.toMatch(/^\/runs\//);
  });

  it("palette items carry where a project or remote activity comes from", () => {
    const base = { description: "", category: "Mine", inputSchema: {}, outputSchema: {} };
    const sections = paletteSections(
      [
        { ...base, name: "util.echo", title: "Echo", source: "built-in" },
        { ...base, name: "my.greet", title: "Greet", source: "project" },
        { ...base, name: "py.resize", title: "Resize", source: "remote" },
      ],
      "",
    );
    const items = sections.flatMap((s) => s.items);
    expect(items.find((i) => i.hint === "util.echo")?.source).toBeUndefined();
    expect(items.find((i) => i.hint === "my.greet")?.source).toBe("project");
    expect(items.find((i) => i.hint === "py.resize")?.source).toBe("remote");
    expect(
      paletteSections([{ ...base, name: "py.resize", title: "Resize", source: "remote" }], "remote").flatMap((s) => s.items),
    ).toHaveLength(1);
  });
});
