import { expect, test } from "@playwright/test";
import { startCodeProjectServer } from "./code-server";
import { screenshot } from "./helpers";
import { expectStatus } from "./runs-helpers";

let url = "";
let stop: (() => void) | undefined;

test.beforeAll(async () => {
  ({ url, stop } = await startCodeProjectServer(300));
});

test.afterAll(() => stop?.());

test("a code-first orchestrator is marked as code, starts from its page and runs; project activities are labelled in the palette", async ({
  page,
}) => {
  await page.goto(`${url}/`);
  const link = page.getByRole("link", { name: "greetCode" });
  await expect(link.locator("xpath=ancestor::tr")).toContainText("code");
  await link.click();
  await expect(page.getByRole("heading", { name: "A code-first orchestrator" })).toBeVisible();
  await page.getByLabel("Input (JSON)").fill('{ "name": "Ada" }');
  await screenshot(page, "code-workflow");
  await page.getByRole("button", { name: "Start" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expectStatus(page, "completed");
  await expect(page.getByRole("region", { name: "Output" })).toContainText('"greeting": "HELLO ADA"');
  await expect(page.getByText("there is no drawing")).toBeVisible();
  await expect(page.getByRole("list", { name: "Timeline rows" })).toContainText("e2e.shout");

  // The palette shows where an activity comes from.
  await page.goto(`${url}/workflows/order-processing`);
  const item = page.getByRole("complementary", { name: "Palette" }).getByRole("button", { name: "Shout (e2e.shout)" });
  await expect(item).toContainText("project");
  await expect(page.getByRole("complementary", { name: "Palette" }).getByRole("button", { name: "Echo (util.echo)" })).not.toContainText(
    "project",
  );
});
