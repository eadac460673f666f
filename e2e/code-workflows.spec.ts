import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { screenshot } from "./helpers";
import { expectStatus } from "./runs-helpers";

/**
 * Code-first orchestrators and project activities need a weft.config, so this spec runs its
 * own server (the one `npm start` built) with e2e/fixtures/code-project/weft.config.mjs.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.WEFT_E2E_PORT ?? 8790) + 300;
const url = `http://127.0.0.1:${port}`;
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  server = spawn(
    process.execPath,
    [join(root, "apps/server/dist/cli.js"), "start", "--config", join(root, "e2e/fixtures/code-project/weft.config.mjs")],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        WEFT_DATA_DIR: mkdtempSync(join(tmpdir(), "weft-e2e-code-")),
        WEFT_WEB_DIR: join(root, "apps/web/dist"),
        WEFT_API_TOKEN: "",
        WEFT_DEMO_TIME_SCALE: "0",
      },
      stdio: "ignore",
    },
  );
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.ok ?? false, { timeout: 20_000 }).toBe(true);
});

test.afterAll(() => {
  server?.kill("SIGTERM");
});

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
