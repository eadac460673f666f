import { readFileSync } from "node:fs";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

type Definition = { id: string; name: string; nodes: Record<string, unknown>[]; edges: unknown[]; [key: string]: unknown };

function example(name: string): Definition {
  return JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), "utf8")) as Definition;
}

/** Saves and publishes a definition through the API (a variant of an example). */
export async function publish(request: APIRequestContext, definition: Definition): Promise<void> {
  const saved = await request.put(`/api/workflows/${definition.id}`, { data: definition });
  expect(saved.ok(), await saved.text()).toBe(true);
  const published = await request.post(`/api/workflows/${definition.id}/publish`);
  expect(published.status(), await published.text()).toBe(201);
}

/**
 * The order flow with steps long enough to watch (the server runs with WEFT_DEMO_TIME_SCALE=0.2,
 * so 10 s of demo time is 2 s): the PDF and the video overlap for about two seconds.
 */
export function slowOrder(id = "order-slow"): Definition {
  const def = example("order-processing");
  def.id = id;
  def.name = "Process order (slow demo)";
  for (const node of def.nodes) {
    if (node.id === "save") node.input = '$merge([input, { "durationMs": 2500 }])';
    if (node.id === "pdf") node.input = '{ "orderId": input.orderId, "order": steps.save, "durationMs": 10000 }';
    if (node.id === "video") node.input = '{ "orderId": input.orderId, "order": steps.save, "durationMs": 15000 }';
  }
  return def;
}

/** The video pipeline with `input.failRate` and `input.failAttempts` passed to each transcode, and retries enough to finish. */
export function flakyVideo(id = "video-flaky", maxAttempts = 12): Definition {
  const def = example("video-pipeline");
  def.id = id;
  def.name = maxAttempts > 3 ? "Process video (flaky transcoder)" : "Process video (broken transcoder)";
  for (const node of def.nodes) {
    if (node.id === "transcode") {
      node.input =
        '{ "url": input.url, "file": steps.copy, "resolution": item, "failRate": $exists(input.failRate) ? input.failRate : 0, "failAttempts": $exists(input.failAttempts) ? input.failAttempts : 0 }';
      node.retry = { maxAttempts, firstIntervalMs: 300, backoffCoefficient: 1.3 };
    }
  }
  return def;
}

/** Starts a run from the Runs page's "Start a run" dialog and returns its instance id (the page is then on it). */
export async function startFromUi(page: Page, workflowName: string, input: unknown): Promise<string> {
  await page.goto("/runs");
  await page.getByRole("button", { name: "Start a run" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Start a run" });
  const select = dialog.getByLabel("Workflow");
  const value = await select.locator("option", { hasText: workflowName }).getAttribute("value");
  await select.selectOption(value ?? "");
  await dialog.getByLabel("Input (JSON)").fill(JSON.stringify(input));
  await dialog.getByRole("button", { name: "Start" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

export async function startFromApi(request: APIRequestContext, workflowId: string, input: unknown): Promise<string> {
  const response = await request.post(`/api/workflows/${workflowId}/instances`, { data: { input } });
  expect(response.status(), await response.text()).toBe(202);
  return ((await response.json()) as { instanceId: string }).instanceId;
}

export const node = (page: Page, id: string) => page.getByTestId(`run-node-${id}`);

export async function expectStatus(page: Page, status: string, timeout = 20_000): Promise<void> {
  await expect(page.getByTestId("instance-status")).toHaveText(new RegExp(status, "i"), { timeout });
}

/** A screenshot of the whole instance page (its scroll container grown to fit). */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => {
    const main = document.querySelector(".app-main") as HTMLElement | null;
    if (main) main.style.overflow = "visible";
    document.documentElement.style.height = "auto";
    document.body.style.height = "auto";
    (document.querySelector("#root") as HTMLElement | null)?.style.setProperty("height", "auto");
    (document.querySelector(".app") as HTMLElement | null)?.style.setProperty("height", "auto");
  });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true, animations: "disabled" });
  await page.evaluate(() => {
    const main = document.querySelector(".app-main") as HTMLElement | null;
    if (main) main.style.overflow = "";
  });
}
