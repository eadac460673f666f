import tseslint from "typescript-eslint";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
const tests = ["**/*.test.ts", "**/*.test.tsx", "**/test/**", "**/testing/**", "e2e/**", "tests/**", "bench/**", "scripts/**"];
export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "bench/results/**",
      "testdata/**",
      "**/.turbo/**",
      "playwright-report/**",
      "test-results/**",
    ],
  },
  { files: ["**/*.{ts,tsx}"], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  {
    files: [
      "packages/engine/src/**/*.ts",
      "packages/store-*/src/**/*.ts",
      "apps/server/src/**/*.ts",
      "packages/sdk/src/**/*.ts",
      "packages/activities/src/**/*.ts",
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error", "@typescript-eslint/no-misused-promises": "error" },
  },
  {
    files: ["**/*.{ts,tsx}"],
    ignores: tests,
    rules: { "max-lines": ["error", { max: 500 }], "max-lines-per-function": ["error", { max: 120 }] },
  },
);
