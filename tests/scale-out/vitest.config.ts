import { defineConfig } from "vitest/config";

// These tests start real processes against one PostgreSQL and restart it: one file at a time.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], fileParallelism: false, testTimeout: 240_000, hookTimeout: 60_000 },
});
