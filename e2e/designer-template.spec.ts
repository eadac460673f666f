import { expect, test } from "@playwright/test";
import { node, screenshot, settled } from "./helpers";

for (const template of [
  { title: "Video pipeline", key: "video-pipeline", first: "start", last: "done", inside: "transcode" },
  { title: "Order flow", key: "order-processing", first: "start", last: "done", inside: undefined },
]) {
  test(`the ${template.title} template opens, auto-layouts left to right and publishes`, async ({ page }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "New from template" }).click();
    await page.getByRole("menuitem", { name: new RegExp(template.title) }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Id")).toHaveValue(new RegExp(`^${template.key}-\\d+$`));
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(page).toHaveURL(new RegExp(`/workflows/${template.key}-\\d+$`));
    await expect(node(page, template.first)).toBeVisible();

    const before = await node(page, template.last).boundingBox();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await expect.poll(async () => JSON.stringify(await node(page, template.last).boundingBox())).not.toBe(JSON.stringify(before));
    await settled(node(page, template.last));
    await expect(page.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
    const first = await node(page, template.first).boundingBox();
    const last = await node(page, template.last).boundingBox();
    expect(first && last && first.x < last.x).toBe(true);
    if (template.inside) {
      const map = await page.locator(".react-flow__node-map").boundingBox();
      const body = await node(page, template.inside).boundingBox();
      expect(
        map &&
          body &&
          body.x > map.x &&
          body.y > map.y &&
          body.x + body.width < map.x + map.width &&
          body.y + body.height < map.y + map.height,
      ).toBe(true);
    }
    await expect(page.getByRole("region", { name: "Problems" }).getByText("No problems — ready to publish")).toBeVisible();
    await screenshot(page, `template-${template.key}`);

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.getByText("Published version 1", { exact: true })).toBeVisible();
  });
}

test("the designer in the dark theme", async ({ page }) => {
  await page.goto("/workflows/order-processing");
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await node(page, "approve").click();
  await screenshot(page, "designer-dark");
  await page.getByRole("button", { name: "Switch to light theme" }).click();
});

test("a published version opens read-only and two versions compare side by side", async ({ page }) => {
  await page.goto("/workflows/order-processing");
  await node(page, "save").click();
  await page.getByRole("complementary", { name: "Inspector" }).getByLabel("Label").fill("Store the order");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.locator(".toast-title", { hasText: /Published version \d+/ })).toBeVisible();

  await page.getByRole("button", { name: "Versions" }).click();
  await page.getByRole("button", { name: "Open version 1" }).click();
  await expect(page).toHaveURL(/\?version=1$/);
  await expect(page.getByText("Version 1 · read-only")).toBeVisible();
  await expect(node(page, "save")).toContainText("Save order");

  await page.getByRole("button", { name: "Versions" }).click();
  const dialog = page.getByRole("dialog", { name: "Version history" });
  await dialog.getByLabel("Compare from").selectOption("1");
  await dialog.getByLabel("Compare to").selectOption("draft");
  await dialog.getByRole("button", { name: "Compare" }).click();
  await expect(page.getByRole("heading", { name: "Compare version 1 with the draft" })).toBeVisible();
  const right = page.getByRole("region", { name: "the draft" });
  await expect(right.getByTestId("node-save")).toHaveClass(/diff-changed/);
  await expect(right.getByTestId("node-save")).toContainText("label");
  // Issue 17, item 9: the change list says what each setting was and is.
  const change = page.getByRole("list", { name: "Changes" }).getByRole("listitem").filter({ hasText: "node save changed" });
  await expect(change).toContainText("label");
  await expect(change.locator(".before")).toHaveText("Save order");
  await expect(change.locator(".after")).toHaveText("Store the order");
  await screenshot(page, "compare-versions");

  // …and a published version can be restored as the draft (after asking).
  await page.goto("/workflows/order-processing?version=1");
  await page.getByRole("button", { name: "Restore as draft" }).click();
  const confirm = page.getByRole("dialog", { name: "Restore version 1 as the draft?" });
  await confirm.getByRole("button", { name: "Restore" }).click();
  await expect(page).toHaveURL(/\/workflows\/order-processing$/);
  await expect(node(page, "save")).toContainText("Save order");
  await expect(page.getByText("read-only")).toHaveCount(0);
});
