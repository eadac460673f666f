import { fileURLToPath } from "node:url";

/**
 * Tests import sibling packages from their TypeScript sources, so `vitest`
 * in one package never needs another package built first (the build and
 * typecheck still go through each package's dist, as users get it).
 */
const root = fileURLToPath(new URL(".", import.meta.url));

export const workspaceAliases = [
  { find: /^@weft\/engine\/store-kit$/, replacement: `${root}packages/engine/src/store-kit/index.ts` },
  { find: /^@weft\/engine\/testing$/, replacement: `${root}packages/engine/src/testing/index.ts` },
  { find: /^@weft\/workflow-store\/testing$/, replacement: `${root}packages/workflow-store/src/testing/index.ts` },
  { find: /^@weft\/workflow-store$/, replacement: `${root}packages/workflow-store/src/index.ts` },
  { find: /^@weft\/store-sql-kit$/, replacement: `${root}packages/store-sql-kit/src/index.ts` },
  { find: /^@weft\/engine$/, replacement: `${root}packages/engine/src/index.ts` },
  { find: /^@weft\/store-sqlite$/, replacement: `${root}packages/store-sqlite/src/index.ts` },
  { find: /^@weft\/store-postgres$/, replacement: `${root}packages/store-postgres/src/index.ts` },
  { find: /^@weft\/definition$/, replacement: `${root}packages/definition/src/index.ts` },
  { find: /^@weft\/activities$/, replacement: `${root}packages/activities/src/index.ts` },
  { find: /^@weft\/sdk$/, replacement: `${root}packages/sdk/src/index.ts` },
  { find: /^@weft\/protocol$/, replacement: `${root}packages/protocol/src/index.ts` },
  { find: /^@weft\/client$/, replacement: `${root}packages/client/src/index.ts` },
];
