/**
 * Scenario 8, the browser rows, through Playwright's Chromium against the real
 * server serving the built web app (apps/web/dist): (a) opening a 300-node drawing
 * in the designer — until every node is on the canvas; (b) opening the page of an
 * instance with ~10,000 history events — until the history heading counts them all
 * and the timeline has its bars. Each is a fresh page load (cold browser cache).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { type Variant, report, sleep } from "../common.js";
import { api, publish, startServer } from "./http.js";

const builtWebDir = fileURLToPath(new URL("../../../apps/web/dist", import.meta.url));

/** A private copy of the built web app: others may rebuild apps/web/dist (emptying it) while this runs. */
function snapshotWebDir(): string {
  if (!existsSync(`${builtWebDir}/index.html`)) throw new Error("apps/web/dist is not built (npm run build)");
  const copy = mkdtempSync(join(tmpdir(), "weft-bench-web-"));
  cpSync(builtWebDir, copy, { recursive: true });
  return copy;
}
const chromiumPath = "/usr/bin/chromium";

export async function browserCanvas(_variant: Variant, nodes: number): Promise<void> {
  const webDir = snapshotWebDir();
  const server = await startServer({ WEFT_WEB_DIR: webDir });
  const browser = await chromium.launch({
    ...(existsSync(chromiumPath) ? { executablePath: chromiumPath } : {}),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const cols = 20;
    const list: Record<string, unknown>[] = [{ id: "start", type: "start", position: { x: 0, y: 0 } }];
    const edges: Record<string, unknown>[] = [];
    for (let i = 1; i < nodes - 1; i++) {
      list.push({
        id: `a${i}`,
        type: "activity",
        activity: "util.echo",
        input: "input",
        position: { x: (i % cols) * 220, y: Math.floor(i / cols) * 140 },
      });
      edges.push({ id: `e${i}`, source: i === 1 ? "start" : `a${i - 1}`, target: `a${i}` });
    }
    list.push({ id: "end", type: "end", position: { x: 0, y: (Math.floor(nodes / cols) + 1) * 140 } });
    edges.push({ id: "eend", source: `a${nodes - 2}`, target: "end" });
    await api(server.url, "/api/workflows/bench-canvas", "PUT", { id: "bench-canvas", name: "bench-canvas", nodes: list, edges });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(`${server.url}/workflows/bench-canvas`);
    // Until the canvas holds every node (or stops growing for 500 ms).
    let count = 0;
    let lastChange = performance.now();
    let shownAt = Number.NaN;
    while (performance.now() - t0 < 30_000) {
      const now = await page.locator(".react-flow__node").count();
      if (now !== count) {
        count = now;
        lastChange = performance.now();
      }
      if (count >= nodes) {
        shownAt = performance.now();
        break;
      }
      if (count > 0 && performance.now() - lastChange > 500) {
        shownAt = lastChange;
        break;
      }
      await sleep(10);
    }
    const ms = shownAt - t0;
    report({ value: ms, unit: "ms", nodes, nodesRendered: count, target: "< 1500 ms (issue 5)" });
  } finally {
    await browser.close();
    await server.close();
    rmSync(webDir, { recursive: true, force: true });
  }
}

export async function browserInstance(_variant: Variant, items: number): Promise<void> {
  const webDir = snapshotWebDir();
  const server = await startServer({ WEFT_WEB_DIR: webDir, WEFT_DEMO_TIME_SCALE: "0" });
  const browser = await chromium.launch({
    ...(existsSync(chromiumPath) ? { executablePath: chromiumPath } : {}),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    await publish(server.url, {
      id: "bench-history",
      name: "bench-history",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "each", type: "map", items: "input.items", maxConcurrency: 100, position: { x: 200, y: 0 } },
        { id: "work", type: "activity", activity: "util.echo", parentId: "each", input: "item", position: { x: 20, y: 40 } },
        { id: "end", type: "end", position: { x: 600, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "each" },
        { id: "e2", source: "each", target: "end" },
      ],
    } as { id: string });
    const { instanceId } = await api(server.url, "/api/workflows/bench-history/instances", "POST", {
      input: { items: Array.from({ length: items }, (_, i) => i) },
    });
    for (;;) {
      const detail = await api(server.url, `/api/instances/${instanceId}`, "GET");
      if (["completed", "failed", "terminated"].includes(detail.status)) break;
      await sleep(200);
    }
    const { events } = await api(server.url, `/api/instances/${instanceId}/history`, "GET");
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(`${server.url}/runs/${instanceId}`);
    await page
      .locator("#history-title")
      .filter({ hasText: `(${events.length} events)` })
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="timeline"]').waitFor({ timeout: 60_000 });
    const ms = performance.now() - t0;
    report({ value: ms, unit: "ms", historyEvents: events.length, items, target: "< 2000 ms (issue 6)" });
  } finally {
    await browser.close();
    await server.close();
    rmSync(webDir, { recursive: true, force: true });
  }
}
