import { expect, test } from "@playwright/test";
import { expectStatus, node, publish, slowOrder, startFromApi } from "./runs-helpers";

test.beforeAll(async ({ request }) => {
  await publish(request, slowOrder());
});

test("reloading the instance page mid-run shows the same state", async ({ page, request }) => {
  const instanceId = await startFromApi(request, "order-slow", { orderId: `L-${Date.now()}` });
  await page.goto(`/runs/${instanceId}`);
  await expect(node(page, "video")).toHaveAttribute("data-status", "running", { timeout: 15_000 });
  await page.reload();
  await expect(node(page, "save")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "video")).toHaveAttribute("data-status", /running|succeeded/);
  await expect(node(page, "approve")).toHaveAttribute("data-status", "waiting", { timeout: 15_000 });
  const heading = page.getByRole("heading", { name: /^History/ });
  await expect(heading).toHaveText(/\(12 events\)/);
  await page.reload();
  await expect(node(page, "approve")).toHaveAttribute("data-status", "waiting");
  await expect(node(page, "pdf")).toHaveAttribute("data-status", "succeeded");
  await expectStatus(page, "running");
  await expect(heading).toHaveText(/\(12 events\)/);
});

test("approving in one page updates another without a reload, and the runs list follows live", async ({ browser, request }) => {
  const context = await browser.newContext();
  const watcher = await context.newPage();
  const approver = await context.newPage();
  await watcher.goto("/runs");
  const instanceId = await startFromApi(request, "order-slow", { orderId: `T-${Date.now()}`, email: "two@example.com" });
  // The list gets the new run from /api/stream, no reload.
  await expect(watcher.getByTestId(`run-${instanceId}`)).toBeVisible({ timeout: 10_000 });
  await watcher.getByRole("link", { name: `Run ${instanceId}` }).click();
  await expect(node(watcher, "approve")).toHaveAttribute("data-status", "waiting", { timeout: 15_000 });

  await approver.goto("/approvals");
  const row = approver.getByTestId(`approval-${instanceId}`);
  await row.getByRole("button", { name: "Approved" }).click();
  await expect(row).toHaveCount(0, { timeout: 10_000 });

  await expectStatus(watcher, "completed");
  await expect(node(watcher, "email")).toHaveAttribute("data-status", "succeeded");
  await context.close();
});
