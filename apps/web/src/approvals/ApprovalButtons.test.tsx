import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeClient, problem, Providers } from "../runs/test-utils";
import { ApprovalButtons } from "./ApprovalButtons";

describe("ApprovalButtons", () => {
  it("labels one button per choice and sends {decision} as the awaited event", async () => {
    const { client, calls } = fakeClient(() => [202, { accepted: true }]);
    render(
      <Providers client={client}>
        <ApprovalButtons instanceId="order 1" event="OrderApprovalResult" choices={["Approved", "Rejected"]} title="Approve order" />
      </Providers>,
    );
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Approved", "Rejected"]);
    await userEvent.click(screen.getByRole("button", { name: "Approved" }));
    await screen.findByText("Sent “Approved”");
    expect(calls).toEqual([{ method: "POST", url: "/api/instances/order%201/events/OrderApprovalResult", body: { decision: "Approved" } }]);
    expect(screen.getByRole("button", { name: "Rejected" })).toHaveProperty("disabled", true);
  });

  it("adds the optional comment", async () => {
    const { client, calls } = fakeClient(() => [202, { accepted: true }]);
    render(
      <Providers client={client}>
        <ApprovalButtons instanceId="i1" event="Go" choices={["Yes", "No"]} />
      </Providers>,
    );
    await userEvent.type(screen.getByRole("textbox", { name: "Comment (optional)" }), "out of stock");
    await userEvent.click(screen.getByRole("button", { name: "No" }));
    await waitFor(() => expect(calls[0]?.body).toEqual({ decision: "No", comment: "out of stock" }));
  });

  it("shows the server's refusal and lets the person try again", async () => {
    const { client } = fakeClient(() => problem(409, "Conflict", "Instance 'i1' is completed; it takes no more events."));
    render(
      <Providers client={client}>
        <ApprovalButtons instanceId="i1" event="Go" choices={["Approved", "Rejected"]} />
      </Providers>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Approved" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Conflict: Instance 'i1' is completed; it takes no more events.");
    expect(screen.getByRole("button", { name: "Approved" })).toHaveProperty("disabled", false);
  });
});
