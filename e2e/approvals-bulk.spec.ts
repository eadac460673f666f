import { expect, test } from "@playwright/test";
import { screenshot } from "./helpers";
import { publish, slowOrder, startFromApi } from "./runs-helpers";

test.beforeAll(async ({ request }) => {
  // A name of its own: other specs pick "Process order (slow demo)" by name in the Start dialog.
  await publish(request, { ...slowOrder("order-bulk"), name: "Process order (bulk approvals)" });
});

// Issue 17, item 9: the inbox showed twelve identical rows ("Approve order", the workflow, an
// id) and each had to be answered alone.
test("approvals show each run's input in a line, and several are decided at once", async ({ page, request }) => {
  const tag = Date.now().toString(36);
  const customers = ["Ada", "Bo", "Cy"];
  const ids = await Promise.all(
    customers.map((customer, i) =>
      startFromApi(request, "order-bulk", { orderId: `B-${tag}-${i}`, customer, email: `${customer}@example.com` }),
    ),
  );
  await page.goto("/approvals");
  const rows = ids.map((id) => page.getByTestId(`approval-${id}`));
  for (const [i, row] of rows.entries()) {
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText(`orderId: B-${tag}-${i} · customer: ${customers[i]}`);
  }

  await rows[0]!.getByRole("checkbox").check();
  await rows[1]!.getByRole("checkbox").check();
  const bar = page.getByRole("toolbar", { name: "Decide the selected approvals" });
  await expect(bar).toContainText("2 selected:");
  await screenshot(page, "approvals-bulk-selected");
  await bar.getByRole("button", { name: "Approved all" }).click();
  await expect(bar.getByRole("status")).toHaveText("Sent “Approved” to 2.");
  await expect(rows[0]!).toHaveCount(0);
  await expect(rows[1]!).toHaveCount(0);
  await expect(rows[2]!).toBeVisible();

  for (const id of ids.slice(0, 2)) {
    await expect
      .poll(async () => ((await (await request.get(`/api/instances/${encodeURIComponent(id)}`)).json()) as { status: string }).status, {
        timeout: 20_000,
      })
      .toBe("completed");
  }
});
