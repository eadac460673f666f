import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { canvas, node, screenshot, settled } from "./helpers";

const NODE_WIDTH = 190;
const READABLE = 0.5;

function example(name: string): { id: string; name: string; nodes: { id: string }[] } {
  return JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), "utf8")) as never;
}

/** A copy of a drawing under a fresh id (the examples' own drafts stay as they are). */
async function saveCopy(request: APIRequestContext, definition: { id: string; name: string }, id: string): Promise<void> {
  const response = await request.put(`/api/workflows/${id}`, { data: { ...definition, id, name: `${definition.name} (${id})` } });
  expect(response.ok(), await response.text()).toBe(true);
}

async function autoLayout(page: Page, id: string, firstNode: string): Promise<void> {
  await page.goto(`/workflows/${id}`);
  await expect(node(page, firstNode)).toBeVisible();
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await settled(node(page, firstNode));
}

/** Every node's box on the screen. */
async function boxes(page: Page) {
  return page
    .locator(".react-flow__node")
    .evaluateAll((els) => els.map((el) => ({ parent: el.getAttribute("data-parentid"), ...el.getBoundingClientRect().toJSON() })));
}

// Issue 17, item 10: auto-layout wrapped the pipelines into a small three-column snake.
for (const name of ["video-pipeline", "order-processing"]) {
  test(`auto-layout lays out the ${name} example left to right, fitted and readable`, async ({ page, request }) => {
    const id = `layout-${name}-${Date.now().toString(36)}`;
    await saveCopy(request, example(name), id);
    await autoLayout(page, id, "start");
    const view = await canvas(page).boundingBox();
    if (!view) throw new Error("no canvas");
    const all = await boxes(page);
    for (const box of all) {
      expect(box.left).toBeGreaterThanOrEqual(view.x - 1);
      expect(box.right).toBeLessThanOrEqual(view.x + view.width + 1);
      expect(box.top).toBeGreaterThanOrEqual(view.y - 1);
      expect(box.bottom).toBeLessThanOrEqual(view.y + view.height + 1);
    }
    const top = all.filter((b) => !b.parent);
    // Readable: nodes at half their size or more. Left to right: the rows span most of the view.
    expect(Math.min(...top.map((b) => b.width))).toBeGreaterThanOrEqual(NODE_WIDTH * READABLE);
    const spread = Math.max(...top.map((b) => b.right)) - Math.min(...top.map((b) => b.left));
    expect(spread).toBeGreaterThan(view.width * 0.6);
    await screenshot(page, `auto-layout-${name}`);
  });
}

test("auto-layout of a 55-step chain wraps it into rows and opens readable at its start", async ({ page, request }) => {
  const id = `layout-long-${Date.now().toString(36)}`;
  const at = (i: number) => ({ x: i * 220, y: 0 });
  const nodes: Record<string, unknown>[] = [{ id: "start", type: "start", position: at(0) }];
  const edges: Record<string, unknown>[] = [];
  let previous = "start";
  for (let i = 1; i <= 55; i++) {
    nodes.push({ id: `step${i}`, type: "activity", activity: "util.echo", label: `Step ${i}`, position: at(i) });
    edges.push({ id: `e${i}`, source: previous, target: `step${i}` });
    previous = `step${i}`;
  }
  nodes.push({ id: "end", type: "end", position: at(56) });
  edges.push({ id: "eEnd", source: previous, target: "end" });
  await saveCopy(request, { id, name: "Long chain", nodes, edges } as never, id);
  await autoLayout(page, id, "start");
  const view = await canvas(page).boundingBox();
  const start = await node(page, "start").boundingBox();
  if (!view || !start) throw new Error("no boxes");
  expect(start.x).toBeGreaterThanOrEqual(view.x);
  expect(start.y).toBeGreaterThanOrEqual(view.y);
  expect(start.width).toBeGreaterThanOrEqual(NODE_WIDTH * READABLE);
  const rows = new Set((await boxes(page)).map((b) => Math.round(b.top / 10)));
  expect(rows.size).toBeGreaterThan(1);
  await screenshot(page, "auto-layout-long-chain");
});
