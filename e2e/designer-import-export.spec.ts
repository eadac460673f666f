import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { node } from "./helpers";

test("an imported JSON round-trips through export unchanged", async ({ page }, testInfo) => {
  const example = JSON.parse(readFileSync(join(import.meta.dirname, "..", "examples", "video-pipeline.json"), "utf8"));
  const id = `imported-${Date.now().toString(36)}`;
  // Unknown properties on the document, a node and an edge must survive too.
  const definition = {
    ...example,
    id,
    name: "Imported video pipeline",
    "x-owner": { team: "media" },
    nodes: example.nodes.map((n: Record<string, unknown>) => (n.id === "scan" ? { ...n, "x-note": "keep me" } : n)),
    edges: example.edges.map((e: Record<string, unknown>) => (e.id === "scan-copy" ? { ...e, "x-weight": 2 } : e)),
  };
  const text = `${JSON.stringify(definition, null, 2)}\n`;
  const file = testInfo.outputPath(`${id}.json`);
  await import("node:fs").then((fs) => fs.writeFileSync(file, text));

  await page.goto("/");
  await page.getByLabel("Import a workflow JSON file").setInputFiles(file);
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}$`));
  await expect(node(page, "scan")).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export JSON" }).click();
  const exported = await download;
  expect(exported.suggestedFilename()).toBe(`${id}.json`);
  const exportedText = readFileSync(await exported.path(), "utf8");
  expect(JSON.parse(exportedText)).toEqual(definition);
  expect(exportedText).toBe(text);
});

test("a file that is not a workflow is refused with what is wrong, and nothing is imported", async ({ page }, testInfo) => {
  const file = testInfo.outputPath("not-a-workflow.json");
  await import("node:fs").then((fs) => fs.writeFileSync(file, JSON.stringify({ id: "no-name", nodes: [], edges: [] })));
  await page.goto("/");
  await page.getByLabel("Import a workflow JSON file").setInputFiles(file);
  const toast = page.locator(".toast", { hasText: "not-a-workflow.json is not a workflow" });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText("name:");
  await expect(page).toHaveURL(/\/$/);
  await page.screenshot({ path: testInfo.outputPath("import-refused.png") });
});
