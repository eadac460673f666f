import { expect, test } from "@playwright/test";

test("the Runs page's Start dialog checks the input against the workflow's input schema before it is sent", async ({ page }, testInfo) => {
  await page.goto("/runs");
  await page.getByRole("button", { name: "Start a run" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Start a run" });
  // By id: other specs publish copies of the example under the same name.
  await dialog.getByLabel("Workflow").selectOption("video-pipeline");
  await dialog.getByLabel("Input (JSON)").fill(JSON.stringify({ url: "https://cdn.example.com/up/clip.mov", resolutions: ["1080p"] }));
  await expect(dialog.getByText("input.resolutions[0]")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Start" })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("start-dialog-schema.png") });
  await dialog.getByLabel("Input (JSON)").fill(JSON.stringify({ url: "https://cdn.example.com/up/clip.mov", resolutions: [1080] }));
  await expect(dialog.getByRole("button", { name: "Start" })).toBeEnabled();
});
