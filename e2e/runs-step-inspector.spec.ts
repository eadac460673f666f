import { expect, test } from "@playwright/test";
import { expectStatus, node, publish, shoot, startFromApi } from "./runs-helpers";

// A step that fails every attempt, with backoffs long enough to watch one.
const flaky = {
  id: "inspect-flaky",
  name: "Inspect a flaky step",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    {
      id: "charge",
      type: "activity",
      label: "Charge card",
      activity: "util.flaky",
      input: '{ "failAttempts": 5 }',
      retry: { maxAttempts: 3, firstIntervalMs: 2500, backoffCoefficient: 1 },
      position: { x: 220, y: 0 },
    },
    { id: "end", type: "end", position: { x: 440, y: 0 } },
  ],
  edges: [
    { id: "e1", source: "start", target: "charge" },
    { id: "e2", source: "charge", target: "end" },
  ],
};

test.beforeAll(async ({ request }) => {
  await publish(request, flaky);
});

// Issue 17, item 7: click a node (or a timeline row) to see its input, output, every
// attempt's error, the next retry time and the idempotency key; a node in backoff says why
// and when it retries.
test("the step inspector shows each attempt, the retry a step waits for and its idempotency keys", async ({ page, request }) => {
  const instanceId = await startFromApi(request, flaky.id, { order: "o-17" });
  await page.goto(`/runs/${encodeURIComponent(instanceId)}`);

  // In backoff: the node itself says when it retries and why.
  await expect(node(page, "charge")).toHaveAttribute("data-status", "retrying", { timeout: 15_000 });
  await expect(node(page, "charge")).toContainText(/retry in \d+ s — Flaky step failed on attempt 1/);

  await node(page, "charge").click();
  const inspector = page.getByRole("region", { name: "Step Charge card" });
  await expect(inspector).toBeVisible();
  await expect(page).toHaveURL(/\?step=charge$/);
  await expect(inspector.getByRole("status")).toContainText(/Retries at .* after Error: Flaky step failed on attempt 1/);
  const attempts = inspector.getByRole("list", { name: "Attempts" });
  await expect(attempts.getByRole("listitem")).toHaveCount(1);
  await expect(attempts.getByRole("listitem").first()).toContainText("Attempt 1");
  await expect(attempts.getByRole("listitem").first()).toContainText(`Idempotency key ${instanceId}:`);
  await expect(inspector.getByLabel("Input").first()).toContainText('"failAttempts": 5');
  await shoot(page, "step-inspector-retrying");

  // The run fails after its third attempt; the inspector, still open, lists all three.
  await expectStatus(page, "failed", 20_000);
  await expect(attempts.getByRole("listitem")).toHaveCount(3);
  await expect(attempts.getByRole("listitem").nth(2)).toContainText("Attempt 3");
  await expect(inspector.getByLabel("Error").nth(2)).toContainText("on attempt 3");
  const keys = await attempts.locator(".step-key code").allTextContents();
  expect(new Set(keys).size).toBe(3);

  // The step is in the URL: a reload opens it again. Close, then open it from the timeline.
  await page.reload();
  await expect(inspector).toBeVisible();
  await inspector.getByRole("button", { name: "Close the step inspector" }).click();
  await expect(inspector).toHaveCount(0);
  const canvas = page.getByRole("img", { name: /^Timeline of/ });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error("no timeline canvas");
  await page.mouse.click(box.x + 60, box.y + 26 + 12);
  await expect(inspector).toBeVisible();
  await shoot(page, "step-inspector-failed");
});
