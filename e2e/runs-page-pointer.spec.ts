import { expect, test, type Page } from "@playwright/test";
import { expectStatus, flakyVideo, publish, shoot, startFromApi } from "./runs-helpers";

test.beforeAll(async ({ request }) => {
  // A name of its own: other specs pick the video workflows by name in the Start dialog.
  await publish(request, { ...flakyVideo("video-pointer", 3), name: "Process video (pointer checks)" });
});

async function finishedVideoRun(page: Page, request: Parameters<typeof startFromApi>[0]): Promise<void> {
  const instanceId = await startFromApi(request, "video-pointer", {
    url: "https://cdn.example.com/up/pointer.mov",
    resolutions: [1080, 720, 480, 360, 240],
  });
  await page.goto(`/runs/${instanceId}`);
  await expectStatus(page, "completed", 30_000);
}

// Issue 17, bug 4: the mouse wheel over a run's drawing zoomed it to a speck instead of
// scrolling the page.
test("the mouse wheel over a run's drawing scrolls the page and leaves the drawing as it is", async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 700 });
  await finishedVideoRun(page, request);
  const drawing = page.getByRole("region", { name: "The workflow drawing with each step's state" });
  await expect(drawing.locator(".react-flow__node").first()).toBeVisible();
  const viewport = drawing.locator(".react-flow__viewport");
  // The view settles first (the finished run's layout and its move to the step that matters).
  let before: string | null = null;
  await expect
    .poll(
      async () => {
        const now = await viewport.getAttribute("style");
        const same = now === before;
        before = now;
        return same;
      },
      { intervals: [300, 300, 300, 500, 500, 1000] },
    )
    .toBe(true);
  const scroller = page.locator(".app-main");
  const scrolledBefore = await scroller.evaluate((el) => el.scrollTop);
  const box = await drawing.boundingBox();
  if (!box) throw new Error("no drawing");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 400);
  await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(scrolledBefore);
  expect(await viewport.getAttribute("style")).toBe(before);
});

// Issue 17, bug 4: a tooltip of the timeline's lowest rows was cut off by the card's edge.
test("a timeline tooltip near the card's edge is shown whole, inside the window", async ({ page, request }) => {
  await finishedVideoRun(page, request);
  const canvas = page.getByRole("img", { name: /^Timeline of/ });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error("no timeline canvas");
  const tip = page.getByRole("tooltip");
  // The lowest row the canvas shows, hovered from right to left until a bar answers.
  const lowestRowY = box.y + box.height - 14;
  for (let x = box.width - 10; x > 200 && !(await tip.isVisible()); x -= 6) await page.mouse.move(box.x + x, lowestRowY);
  await expect(tip).toBeVisible();
  const tipBox = await tip.boundingBox();
  if (!tipBox) throw new Error("no tooltip box");
  const window = page.viewportSize();
  expect(tipBox.x).toBeGreaterThanOrEqual(0);
  expect(tipBox.y).toBeGreaterThanOrEqual(0);
  expect(tipBox.x + tipBox.width).toBeLessThanOrEqual(window?.width ?? 0);
  expect(tipBox.y + tipBox.height).toBeLessThanOrEqual(window?.height ?? 0);
  // No container that clips its overflow cuts any of it off (the card did).
  const clippedBy = await tip.evaluate((el) => {
    const own = el.getBoundingClientRect();
    for (let parent = el.parentElement; parent; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflow === "visible" && style.overflowX === "visible" && style.overflowY === "visible") continue;
      const r = parent.getBoundingClientRect();
      if (own.left < r.left || own.top < r.top || own.right > r.right || own.bottom > r.bottom) return parent.className || parent.tagName;
    }
    return null;
  });
  expect(clippedBy).toBeNull();
  await shoot(page, "timeline-tooltip-at-the-edge");
});
