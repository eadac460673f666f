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
});
