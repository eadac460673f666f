import { expect, test } from "@playwright/test";
import { expectStatus, flakyVideo, node, publish, shoot, startFromApi, startFromUi } from "./runs-helpers";

test.beforeAll(async ({ request }) => {
  await publish(request, flakyVideo("video-flaky", 12));
  await publish(request, flakyVideo("video-broken", 3));
});

test("a flaky transcoder retries, and the attempts and backoffs show on the timeline", async ({ page }) => {
  // Each item's first attempt fails on purpose (failAttempts), so every item retries once:
  // the same timeline on every run (a failRate would leave it to chance).
  await startFromUi(page, "Process video (flaky transcoder)", {
    url: "https://cdn.example.com/up/clip.mov",
    resolutions: [1080, 720, 480, 360, 240],
    failAttempts: 1,
  });
  await expectStatus(page, "completed", 45_000);
  const timeline = page.getByTestId("timeline");
  await expect(timeline).not.toHaveAttribute("data-retries", "0");
  const rows = page.getByRole("list", { name: "Timeline rows" });
  await expect(rows).toContainText(/Transcode \[\d\]: attempt 1 failed, backoff done, attempt 2/);
  await expect(rows).toContainText("Transcode each resolution: 5/5 items");
  await expect(page.getByTestId("map-progress-transcodeAll")).toHaveText(/5\/5/);
  // Hovering a bar of the first row (Virus scan) shows its input and result.
  const canvas = page.getByRole("img", { name: /^Timeline of/ });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error("no timeline canvas");
  const tip = page.getByRole("tooltip");
  for (let x = 205; x < box.width && !(await tip.isVisible()); x += 6) await page.mouse.move(box.x + x, box.y + 26 + 12);
  await expect(tip).toContainText("video.virusScan");
  await expect(tip).toContainText("result");
});

test("a step that keeps failing shows its attempts, fails the run and offers rewind", async ({ page, request }) => {
  const instanceId = await startFromApi(request, "video-broken", {
    url: "https://cdn.example.com/up/broken.mov",
    resolutions: [1080],
    failRate: 1,
  });
  await page.goto(`/runs/${instanceId}`);
  await expectStatus(page, "failed", 30_000);
  await expect(page.getByRole("list", { name: "Timeline rows" })).toContainText(
    "Transcode [0]: attempt 1 failed, backoff done, attempt 2 failed, backoff done, attempt 3 failed",
  );
  await expect(node(page, "transcode")).toContainText("3/3");
  await expect(page.getByRole("alert", { name: "Run error" })).toContainText("Transcoder busy");
  await expect(page.getByRole("button", { name: "Rewind" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Purge" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Terminate" })).toBeDisabled();
  await shoot(page, "instance-failed-with-retries");

  // Restart starts a new run of the same version and opens it.
  await page.getByRole("button", { name: "Restart", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.endsWith(instanceId));
});
