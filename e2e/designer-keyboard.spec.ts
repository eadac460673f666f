import { expect, test } from "@playwright/test";
import { createWorkflow, freshName, inspector, node, palette, screenshot, waitSaved } from "./helpers";

// Issue 17, item 11: a visible focus ring on nodes, connecting two nodes without a mouse, and
// a skip link past the canvas's edges to its nodes.
test("a keyboard user reaches the nodes past the edges, sees which is focused and connects two", async ({ page, request }) => {
  const id = await createWorkflow(page, freshName("Keyboard"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page).getByRole("button", { name: "End", exact: true }).click();
  // An echo on its own: placed, not connected (End has no output to follow).
  await palette(page)
    .getByRole("button", { name: /^Echo \(util\.echo\)$/ })
    .click();
  await expect(node(page, "echo")).toBeVisible();
  const edges = page.locator(".react-flow__edge");
  const before = await edges.count();

  // The skip link, shown when focused, takes focus to the first node.
  const skip = page.getByRole("button", { name: "Skip to the nodes" });
  await skip.focus();
  await expect(skip).toBeVisible();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  // Once focus has moved on, the skip link is out of sight again (not over the toolbar).
  expect((await skip.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
  const focused = page.locator(".react-flow__node:focus");
  await expect(focused).toHaveCount(1);
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await screenshot(page, "designer-node-focused");

  // Select a node with the keyboard, then connect it from the inspector.
  await page.keyboard.press("Enter");
  const selectedId = await focused.getAttribute("data-id");
  expect(selectedId).toBeTruthy();
  const connect = inspector(page).getByRole("group", { name: "Connect to" });
  await expect(connect).toBeVisible();
  const target = selectedId === "echo" ? "end" : "echo";
  await connect.getByRole("combobox").first().selectOption({ value: target });
  await connect.getByRole("button", { name: "Connect" }).press("Enter");
  await expect(edges).toHaveCount(before + 1);
  await waitSaved(page);
  const draft = (await (await request.get(`/api/workflows/${encodeURIComponent(id)}`)).json()) as {
    draft: { edges: { source: string; target: string }[] };
  };
  expect(draft.draft.edges).toEqual(expect.arrayContaining([expect.objectContaining({ source: selectedId, target })]));
  await screenshot(page, "designer-connected-by-keyboard");
});
