import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { InstanceDetail } from "@weft/client";
import type { NodeStates } from "@weft/definition";
import { describe, expect, it } from "vitest";
import { InstanceActions } from "./InstanceActions";
import { fakeClient, problem, Providers } from "./test-utils";

const instance = (status: InstanceDetail["status"]): InstanceDetail => ({
  instanceId: "i1",
  workflowId: "video-pipeline",
  version: 1,
  status,
  customStatus: null,
  waitingFor: [],
  lastError: null,
  createdAt: "2026-03-10T12:00:00.000Z",
  updatedAt: "2026-03-10T12:00:00.000Z",
  completedAt: null,
  input: {},
  output: null,
  error: null,
  parentInstanceId: null,
  pending: { events: [], timers: [], activities: [] },
});
const retrying: NodeStates = { transcode: { nodeId: "transcode", status: "retrying", attempts: 1, maxAttempts: 3, runs: 1 } };

describe("InstanceActions", () => {
  it("offers retry now while a step backs off, and posts it", async () => {
    const { client, calls } = fakeClient(() => [202, { accepted: true }]);
    render(
      <Providers client={client}>
        <InstanceActions instance={instance("running")} states={retrying} />
      </Providers>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Retry now" }));
    await screen.findByText("Retry now: accepted.");
    expect(calls[0]).toMatchObject({ method: "POST", url: "/api/instances/i1/retry-now", body: {} });
  });

  it("hides retry now when nothing backs off, and shows a refused action's problem", async () => {
    const { client } = fakeClient((call) =>
      call.url.endsWith("/rewind") ? problem(409, "Conflict", "Instance 'i1' is not failed.") : [202, {}],
    );
    render(
      <Providers client={client}>
        <InstanceActions instance={instance("failed")} states={{}} />
      </Providers>,
    );
    expect(screen.queryByRole("button", { name: "Retry now" })).toBeNull();
    expect(screen.getByRole("button", { name: "Purge" })).toHaveProperty("disabled", false);
    expect(screen.getByRole("button", { name: "Terminate" })).toHaveProperty("disabled", true);
    await userEvent.click(screen.getByRole("button", { name: "Rewind" }));
    // Rewind asks first (issue 17, item 9).
    const confirm = await screen.findByRole("dialog", { name: "Rewind this run?" });
    await userEvent.click(within(confirm).getByRole("button", { name: "Rewind" }));
    // The refusal shows in the dialog, which stays open.
    expect((await within(confirm).findByRole("alert")).textContent).toContain("Conflict: Instance 'i1' is not failed.");
  });

  it("restarts from a chosen step on a chosen published version and opens the new run", async () => {
    const { client, calls } = fakeClient((call) => {
      if (call.url === "/api/workflows/video-pipeline")
        return [
          200,
          {
            id: "video-pipeline",
            draft: {},
            latestVersion: 2,
            versions: [
              { version: 1, publishedAt: "" },
              { version: 2, publishedAt: "" },
            ],
          },
        ];
      if (call.url.startsWith("/api/workflows/video-pipeline/versions/"))
        return [
          200,
          { id: "video-pipeline", name: "V", version: 2, nodes: [{ id: "notify", type: "activity", label: "Notify" }], edges: [] },
        ];
      if (call.url.includes("/restart-points?version=2")) return [200, { version: 2, nodeIds: ["transcodeAll", "notify"] }];
      if (call.url.includes("/restart-points")) return [200, { version: 1, nodeIds: ["transcodeAll"] }];
      if (call.url.endsWith("/restart-from")) return [202, { instanceId: "i2", workflowId: "video-pipeline", version: 2, links: {} }];
      return [404, {}];
    });
    render(
      <Providers client={client} path="/runs/i1">
        <InstanceActions instance={instance("failed")} states={{}} />
      </Providers>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Restart from step…" }));
    const dialog = await screen.findByRole("dialog", { name: "Restart from a step" });
    await within(dialog).findByRole("option", { name: /^v2/ });
    await userEvent.selectOptions(within(dialog).getByLabelText("Published version"), "2");
    await within(dialog).findByRole("option", { name: "Notify (notify)" });
    await userEvent.selectOptions(within(dialog).getByLabelText("Step"), "notify");
    await userEvent.click(within(dialog).getByRole("button", { name: "Restart from here" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toContain("/runs/i2"));
    expect(calls.find((c) => c.url.endsWith("/restart-from"))).toMatchObject({
      method: "POST",
      url: "/api/instances/i1/restart-from",
      body: { nodeId: "notify", version: 2 },
    });
  });

  it("shows why a restart from a step is refused", async () => {
    const { client } = fakeClient((call) => {
      if (call.url === "/api/workflows/video-pipeline")
        return [200, { id: "video-pipeline", draft: {}, latestVersion: 1, versions: [{ version: 1, publishedAt: "" }] }];
      if (call.url.startsWith("/api/workflows/video-pipeline/versions/"))
        return [200, { id: "video-pipeline", name: "V", version: 1, nodes: [], edges: [] }];
      if (call.url.includes("/restart-points")) return [200, { version: 1, nodeIds: ["notify"] }];
      return problem(409, "Conflict", "Instance 'i1' never reached 'notify'.");
    });
    render(
      <Providers client={client}>
        <InstanceActions instance={instance("failed")} states={{}} />
      </Providers>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Restart from step…" }));
    const dialog = await screen.findByRole("dialog");
    await within(dialog).findByRole("option", { name: "notify" });
    await userEvent.selectOptions(within(dialog).getByLabelText("Step"), "notify");
    await userEvent.click(within(dialog).getByRole("button", { name: "Restart from here" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("never reached 'notify'");
  });
});
