import { expect, test } from "@playwright/test";
import { canvas, createWorkflow, freshName, node, palette, screenshot } from "./helpers";

// Issue 17, bug 4: a palette item dropped on the problems panel was lost, and the panel grew
// and shrank with the problems, resizing the canvas under the pointer while drawing.
test("the problems panel keeps its height, and a drop on it lands on the canvas just above", async ({ page }) => {
  await createWorkflow(page, freshName("Drop on problems"));
  const problems = page.getByRole("region", { name: "Problems" });
  const canvasBox = async () => (await canvas(page).boundingBox())?.height ?? 0;
  await expect(problems.getByText(/error/).first()).toBeVisible();
  const withProblems = await canvasBox();

  // Start + End: the drawing is complete, its problems go, and the canvas keeps its size.
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page).getByRole("button", { name: "End", exact: true }).click();
  await expect(problems.getByText("No problems — ready to publish")).toBeVisible();
  expect(await canvasBox()).toBe(withProblems);

  // An activity dragged onto the panel: added on the canvas, right above the panel.
  await palette(page)
    .getByRole("button", { name: /^Echo \(util\.echo\)$/ })
    .dragTo(problems, { targetPosition: { x: 300, y: 40 } });
  await expect(node(page, "echo")).toBeVisible();
  const echo = await node(page, "echo").boundingBox();
  const panel = await problems.boundingBox();
  if (!echo || !panel) throw new Error("no boxes");
  expect(echo.y + echo.height).toBeLessThanOrEqual(panel.y);
  expect(echo.y + echo.height).toBeGreaterThan(panel.y - 80);
  await screenshot(page, "dropped-on-problems-panel");
});
