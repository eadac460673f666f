import { expect, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const SCREENSHOTS = join(import.meta.dirname, "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A workflow id no other test uses. */
export function freshName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

export const palette = (page: Page) => page.getByRole("complementary", { name: "Palette" });
export const inspector = (page: Page) => page.getByRole("complementary", { name: "Inspector" });
export const canvas = (page: Page) => page.locator(".react-flow__pane");
export const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);

/** From `/`: New workflow, name it, Create; resolves on the designer with its id. */
export async function createWorkflow(page: Page, name: string): Promise<string> {
  await page.goto("/");
  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/workflows\/[a-z0-9-]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
}

/** Drags a palette item (by its accessible name) to a point of the canvas. */
export async function dragFromPalette(page: Page, itemName: string | RegExp, at: { x: number; y: number }): Promise<void> {
  const item = palette(page).getByRole("button", { name: itemName, exact: typeof itemName === "string" });
  await item.dragTo(canvas(page), { targetPosition: at });
}

/** Connects two handles with the mouse, as a person does. */
export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error("handle not visible");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

export const nextHandle = (page: Page, label: string) => page.getByLabel(`Next from ${label}`, { exact: true });
export const inputHandle = (page: Page, label: string) => page.getByLabel(`Input of ${label}`, { exact: true });

export async function waitSaved(page: Page): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
}

/** Waits until a node stops moving (auto-layout and the fit-view animation are done). */
export async function settled(locator: Locator): Promise<void> {
  let previous = "";
  await expect
    .poll(
      async () => {
        const box = JSON.stringify(await locator.boundingBox());
        const same = box === previous;
        previous = box;
        return same;
      },
      { intervals: [150, 150, 150, 250, 250, 500] },
    )
    .toBe(true);
}
