import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import base from "../../playwright.config";

/** Browser timings (not part of `npm test`): `npm run bench:browser` from the root. */
export default defineConfig({
  ...base,
  testDir: fileURLToPath(new URL(".", import.meta.url)),
  testMatch: "*.spec.ts",
  outputDir: fileURLToPath(new URL("../../e2e/.results/bench", import.meta.url)),
  retries: 0,
  timeout: 120_000,
  // Demo activities without their simulated durations: the 10,000-event instance runs in seconds.
  webServer:
    base.webServer && !Array.isArray(base.webServer)
      ? { ...base.webServer, env: { ...base.webServer.env, WEFT_DEMO_TIME_SCALE: "0" } }
      : base.webServer,
});
