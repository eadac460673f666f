import { fileURLToPath } from "node:url";

/** The repository root (tests/reliability/src/support → ../../../..). */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** The built `weft` CLI; turbo builds it before `test` (the package depends on @weft/server). */
export const cliPath = `${repoRoot}apps/server/dist/cli.js`;
export const resultsDir = `${repoRoot}bench/results`;

/** `npm run test:chaos` sets WEFT_CHAOS=full: the scenarios run at their full size. */
export const FULL = process.env.WEFT_CHAOS === "full";
