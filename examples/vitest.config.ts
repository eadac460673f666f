import { defineConfig } from "vitest/config";

// The examples run against the packages as users get them (built dist), not their sources.
export default defineConfig({
  test: { include: ["**/*.test.ts"], exclude: ["**/node_modules/**"], testTimeout: 60_000 },
});
