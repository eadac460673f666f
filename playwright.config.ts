import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in a real Chromium against what `npm start` serves: the web app is
 * built first, then the server runs on its own port with a fresh data directory.
 */
// Chosen once: workers load this file again and must get the same port (they inherit the env).
process.env.WEFT_E2E_PORT ??= String(8790 + Math.floor(Math.random() * 200));
const port = Number(process.env.WEFT_E2E_PORT);
const baseURL = process.env.WEFT_E2E_URL ?? `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), "weft-e2e-"));
const systemChromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: fileURLToPath(new URL("e2e", import.meta.url)),
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  outputDir: fileURLToPath(new URL("e2e/.results", import.meta.url)),
  use: {
    ...devices["Desktop Chrome"],
    baseURL,
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      ...(existsSync(systemChromium) ? { executablePath: systemChromium } : {}),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { viewport: { width: 1440, height: 900 } } }],
  webServer: process.env.WEFT_E2E_URL
    ? undefined
    : {
        // Exactly what `npm start` runs: it builds the server and the web app, then serves both.
        command: "node scripts/start.mjs",
        cwd: fileURLToPath(new URL(".", import.meta.url)),
        url: `${baseURL}/api/health`,
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: "ignore",
        stderr: "pipe",
        env: {
          PORT: String(port),
          HOST: "127.0.0.1",
          WEFT_DATA_DIR: dataDir,
          WEFT_DEMO_TIME_SCALE: "0.2", // > 0: the runs specs watch steps run side by side and retry
          TURBO_TELEMETRY_DISABLED: "1",
          WEFT_API_TOKEN: "",
        },
      },
});
