// ESLint for the whole repository (`npm run lint`, part of `npm test`). Formatting is
// Prettier's (`npm run format`); these rules are about correctness and structure.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Tests, test support and tools: held to correctness, not to the size rules of product code. */
const notProduct = [
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/test/**",
  "**/testing/**",
  "**/test-kit/**",
  "**/test-utils.tsx",
  "**/test-setup.ts",
  "e2e/**",
  "tests/**",
  "bench/**",
  "scripts/**",
  "examples/**",
];

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "bench/results/**",
      "testdata/**",
      "playwright-report/**",
      "test-results/**",
    ],
  },
  {
    files: ["**/*.{ts,tsx,mts}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // A variable assigned once but read earlier by a closure (a poll that starts before its data) stays `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // A leading underscore marks what is deliberately unused (a destructured field left out of a copy).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // In the engine, the stores and the server an unawaited promise is a correctness bug
    // (a lost write, an unhandled rejection): `void` says "on purpose".
    files: [
      "packages/engine/src/**/*.ts",
      "packages/store-sqlite/src/**/*.ts",
      "packages/store-postgres/src/**/*.ts",
      "packages/workflow-store/src/**/*.ts",
      "packages/store-sql-kit/src/**/*.ts",
      "packages/protocol/src/**/*.ts",
      "packages/client/src/**/*.ts",
      "packages/sdk/src/**/*.ts",
      "packages/activities/src/**/*.ts",
      "apps/server/src/**/*.ts",
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // The engine's core is deterministic and IO-free: it replays in the browser and must
    // make the same decisions every time. Time comes from the history, randomness from the
    // seeded generator (deterministic.ts), IO from the runtime.
    files: ["packages/engine/src/core/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:*"], message: "The core is IO-free and runs in the browser: IO belongs to src/runtime." }] },
      ],
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"].map((name) => ({
          name,
          message: "Timers are the runtime's (runtime/clock.ts); the core schedules durable timers as actions.",
        })),
        { name: "performance", message: "The core reads time only from the history." },
        { name: "process", message: "The core runs in the browser too." },
        { name: "crypto", message: "Use the seeded generator in deterministic.ts." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "The core reads time only from the history (ctx.now()).",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "The core reads time only from the history (ctx.now()).",
        },
        { selector: "CallExpression[callee.name='Date']", message: "The core reads time only from the history (ctx.now())." },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: "Use the seeded generator in deterministic.ts.",
        },
      ],
    },
  },
  {
    files: ["apps/web/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    // Product code stays in units a reader can hold: a file per concern, functions that fit a screen or two.
    files: ["**/*.{ts,tsx}"],
    ignores: notProduct,
    rules: {
      "max-lines": ["error", { max: 500 }],
      "max-lines-per-function": ["error", { max: 120 }],
    },
  },
  {
    files: notProduct,
    rules: {
      // Test doubles and fixtures: loosely typed values and orchestrators that return before their first yield.
      "@typescript-eslint/no-explicit-any": "off",
      "require-yield": "off",
    },
  },
);
