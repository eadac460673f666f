import { defineConfig } from "vitest/config";
import { workspaceAliases } from "../../vitest.shared.js";

// `npm run test:chaos`: the full versions (WEFT_CHAOS=full), one file at a time so the
// figures are not skewed by each other, plus the tests of confirmed bugs (*.chaos.test.ts).
// The figures go to bench/results/chaos-<scenario>.json; scripts/chaos.mjs (the root
// `npm run test:chaos`) prints them as one table with the scale-out scenario's.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ["src/**/*.test.ts"],
    env: { WEFT_CHAOS: "full" },
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: "forks",
    execArgv: ["--expose-gc"],
  },
});
