import { expect, test } from "@playwright/test";
import { createWorkflow, freshName, inspector, node, palette } from "./helpers";

test("undo and redo restore an edit, from the toolbar and with the keyboard", async ({ page }) => {
  await createWorkflow(page, freshName("Undo"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page)
    .getByRole("button", { name: /^Echo \(util\.echo\)$/ })
    .click();
  await expect(node(page, "echo")).toBeVisible();

  const label = inspector(page).getByLabel("Label");
  await label.fill("Say it back");
  await expect(node(page, "echo")).toContainText("Say it back");

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(node(page, "echo")).toContainText("Echo");
  await expect(node(page, "echo")).not.toContainText("Say it back");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(node(page, "echo")).toContainText("Say it back");

  // Keyboard, with the focus on the canvas: Ctrl+Z undoes, Ctrl+Shift+Z redoes.
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(node(page, "echo")).not.toContainText("Say it back");
  await page.keyboard.press("Control+z");
  await expect(node(page, "echo")).toHaveCount(0);
  await page.keyboard.press("Control+Shift+z");
  await expect(node(page, "echo")).toBeVisible();

  // Copy and paste.
  await node(page, "echo").click();
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await expect(node(page, "echo2")).toBeVisible();
});

test("the keyboard shortcuts are listed in a help dialog", async ({ page }) => {
  await page.goto("/workflows/order-processing");
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog.getByText("Undo", { exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});
