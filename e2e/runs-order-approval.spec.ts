import { expect, test } from "@playwright/test";
import { expectStatus, node, publish, shoot, slowOrder, startFromApi, startFromUi } from "./runs-helpers";

test.beforeAll(async ({ request }) => {
  await publish(request, slowOrder());
});

test("an order runs its PDF and video side by side, is approved from the inbox and emails the customer", async ({ page }) => {
  const orderId = `E2E-${Date.now()}`;
  const instanceId = await startFromUi(page, "Process order (slow demo)", { orderId, customer: "Ada", email: "ada@example.com" });

  // Both branches of the parallel split are running at the same moment on the drawing.
  await page.waitForFunction(
    () =>
      ["pdf", "video"].every((id) => document.querySelector(`[data-testid="run-node-${id}"]`)?.getAttribute("data-status") === "running"),
    undefined,
    { timeout: 15_000, polling: "raf" },
  );
  await expect(page.getByTestId("rf__edge-split-video")).toHaveClass(/is-active/);
  await expect(node(page, "save")).toHaveAttribute("data-status", "succeeded");
  await shoot(page, "instance-running");

  await expect(node(page, "approve")).toHaveAttribute("data-status", "waiting", { timeout: 15_000 });
  await expect(node(page, "approve").getByRole("button", { name: "Approved" })).toBeVisible();
  await expect(page.getByTestId("approvals-badge")).toBeVisible();
  await shoot(page, "instance-waiting-for-approval");

  // The inbox lists it with one button per choice.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  const row = page.getByTestId(`approval-${instanceId}`);
  await expect(row).toContainText("Approve order");
  await expect(row).toContainText("order-slow");
  await expect(row.getByRole("button")).toHaveText(["Approved", "Rejected"]);
  await row.getByRole("textbox", { name: "Comment (optional)" }).fill("looks good");
  await row.getByRole("button", { name: "Approved" }).click();
  await expect(row).toHaveCount(0, { timeout: 10_000 });

  await page.goto(`/runs/${instanceId}`);
  await expectStatus(page, "completed");
  await expect(node(page, "email")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "notApproved")).toHaveAttribute("data-status", "skipped");
  await expect(page.getByRole("region", { name: "Output" })).toContainText('"approved": true');
  // Issue 17, bug 3: the taken "Approved" edge is drawn over the "Rejected" one (they leave
  // the choice by one handle), and the wait's timeout edge is not taken.
  await expect(page.getByTestId("rf__edge-decide-approved")).toHaveClass(/is-taken/);
  await expect(page.getByTestId("rf__edge-decide-rejected")).toHaveClass(/is-not-taken/);
  await expect(page.getByTestId("rf__edge-approve-timeout")).toHaveClass(/is-not-taken/);
  const drawnOrder = await page.locator(".react-flow__edge").evaluateAll((edges) => edges.map((e) => e.getAttribute("data-testid")));
  expect(drawnOrder.indexOf("rf__edge-decide-approved")).toBeGreaterThan(drawnOrder.indexOf("rf__edge-decide-rejected"));
  await shoot(page, "instance-completed");

  await page.getByRole("link", { name: "Outbox" }).click();
  await expect(page.getByRole("list", { name: "Messages" })).toContainText(`Your order ${orderId} is confirmed`);
  await expect(page.getByRole("list", { name: "Messages" })).toContainText("ada@example.com");
});

test("rejecting beside the waiting node takes the other branch", async ({ page, request }) => {
  const instanceId = await startFromApi(request, "order-slow", { orderId: `R-${Date.now()}`, email: "bo@example.com" });
  await page.goto(`/runs/${instanceId}`);
  await expect(node(page, "approve")).toHaveAttribute("data-status", "waiting", { timeout: 15_000 });
  // The step inspector (issue 17, item 7) on a waiting step: what it waits for, until when.
  await node(page, "approve").locator(".rnode-head").click();
  await expect(page.getByRole("region", { name: "Step Wait for approval" })).toContainText(
    "Waits for the event OrderApprovalResult, until",
  );
  await node(page, "approve").getByRole("button", { name: "Rejected" }).click();
  await expectStatus(page, "completed");
  await expect(node(page, "notApproved")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "email")).toHaveAttribute("data-status", "skipped");
  await expect(page.getByRole("region", { name: "Output" })).toContainText('"approved": false');
  // Issue 17, bug 3: "not approved" ran through the choice; the timeout edge to it was not taken.
  await expect(page.getByTestId("rf__edge-decide-rejected")).toHaveClass(/is-taken/);
  await expect(page.getByTestId("rf__edge-approve-decide")).toHaveClass(/is-taken/);
  await expect(page.getByTestId("rf__edge-approve-timeout")).toHaveClass(/is-not-taken/);
  await shoot(page, "instance-rejected");
  // The runs list shows it, finished.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await expect(page.getByTestId(`run-${instanceId}`)).toContainText("completed");
});
