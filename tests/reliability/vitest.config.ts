import { defineConfig } from "vitest/config";
import { workspaceAliases } from "../../vitest.shared.js";

// The fast versions of every scenario (part of `npm test`). Server scenarios run the
// built CLI (`apps/server/dist/cli.js`) as a real child process; turbo builds it first.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["src/**/*.chaos.test.ts", "**/node_modules/**"],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: "forks",
    execArgv: ["--expose-gc"],
  },
});
