import { expect, test } from "@playwright/test";
import {
  connect,
  createWorkflow,
  dragFromPalette,
  freshName,
  inputHandle,
  inspector,
  nextHandle,
  node,
  palette,
  screenshot,
  waitSaved,
} from "./helpers";

test("builds a workflow from an empty canvas, fixes a dangling branch, publishes and runs it", async ({ page }) => {
  const name = freshName("Build");
  const id = await createWorkflow(page, name);
  await expect(page.getByText("An empty canvas.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();

  await dragFromPalette(page, "Start", { x: 100, y: 200 });
  await dragFromPalette(page, /^Echo \(util\.echo\)$/, { x: 320, y: 200 });
  await dragFromPalette(page, /^Send notification \(notify\.send\)$/, { x: 540, y: 200 });
  await dragFromPalette(page, "End", { x: 760, y: 200 });
  for (const id of ["start", "echo", "send", "end"]) await expect(node(page, id)).toBeVisible();

  await connect(page, nextHandle(page, "Start"), inputHandle(page, "Echo"));
  await connect(page, nextHandle(page, "Echo"), inputHandle(page, "Send notification"));
  await connect(page, nextHandle(page, "Send notification"), inputHandle(page, "End"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);
  await screenshot(page, "built-from-palette");

  // Configure the notification in the inspector: one field per property of its schema.
  await node(page, "send").click();
  await expect(inspector(page).getByRole("heading", { name: "Activity" })).toBeVisible();
  await inspector(page).getByLabel("to *").fill('"ops@example.com"');
  await inspector(page).getByLabel("subject *").fill('"Built in the designer"');
  await inspector(page).getByLabel("body *").fill("$string(steps.echo)");
  await inspector(page).getByLabel("Retry on failure").check();
  await screenshot(page, "inspector-activity");

  // A parallel whose single branch never meets a join: an inline error on the canvas.
  await node(page, "echo").click();
  await palette(page).getByRole("button", { name: "Parallel", exact: true }).click();
  const problem = node(page, "parallel").getByRole("button", { name: /problems? on Parallel/ });
  await expect(problem).toBeVisible();
  await problem.hover();
  await expect(page.getByRole("tooltip")).toContainText(/branch/i);
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  const problems = page.getByRole("region", { name: "Problems" });
  await expect(problems.getByText(/error/).first()).toBeVisible();
  await screenshot(page, "problems-panel");

  // Clicking the problem selects the node; Delete removes it (with its edge).
  await problems.getByRole("button", { name: /Parallel 'parallel'/ }).click();
  await expect(node(page, "parallel")).toHaveClass(/is-selected/);
  await page.keyboard.press("Delete");
  await expect(node(page, "parallel")).toHaveCount(0);
  await expect(problems.getByText("No problems — ready to publish")).toBeVisible();

  await waitSaved(page);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByText("Published version 1", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Latest published version 1")).toBeVisible();

  // The draft survived on the server: a reload shows it.
  await page.reload();
  await expect(node(page, "send")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);

  await page.getByRole("button", { name: "▶ Run" }).click();
  const dialog = page.getByRole("dialog", { name: "Run version 1" });
  await dialog.getByLabel("Input (JSON)").fill('{ "hello": "world" }');
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  const instanceId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const response = await page.request.get(`/api/instances/${encodeURIComponent(instanceId)}`);
  expect(response.ok()).toBe(true);
  expect((await response.json()).workflowId).toBe(id);
});

test("the run dialog checks the input against the input schema", async ({ page }) => {
  await page.goto("/workflows/order-processing");
  await page.getByRole("button", { name: "▶ Run" }).click();
  const dialog = page.getByRole("dialog", { name: /Run version/ });
  await dialog.getByLabel("Input (JSON)").fill("{}");
  await expect(dialog.getByText("input.orderId is required.")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Start run" })).toBeDisabled();
  await dialog.getByLabel("Input (JSON)").fill('{ "orderId": "A-1" }');
  await expect(dialog.getByRole("button", { name: "Start run" })).toBeEnabled();
});
