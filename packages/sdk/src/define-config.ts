import type { ActivityDefinition } from "@weft/activities";
import type { AnyOrchestrator } from "@weft/engine";

/**
 * One entry of a project's `activities`: a definition, a module namespace (every
 * exported definition in it counts), a path to such a module relative to the config
 * file (`"./activities/billing.ts"`: errors then name that file, and `weft dev` reloads
 * it), or a list of any of these.
 */
export type ActivityEntry = ActivityDefinition | string | Readonly<Record<string, unknown>> | readonly ActivityEntry[];

/** What `weft.config.ts` exports by default. */
export interface WeftConfig {
  /** The project's activities; they join the built-in catalog (names must not clash). */
  activities?: readonly ActivityEntry[];
  /**
   * Code-first orchestrators by workflow id (lower-case letters, digits and dashes, like a
   * drawn workflow's id). They are listed among the workflows as `kind: "code"` and start
   * through the same API.
   */
  orchestrators?: Readonly<Record<string, AnyOrchestrator>>;
}

/**
 * Types a project's configuration; `weft start`, `weft dev`, `weft worker` and `weft run`
 * load `weft.config.ts` (or `.mts`, `.js`, `.mjs`) from the working directory.
 *
 * @example
 * // weft.config.ts
 * import { defineConfig } from "@weft/sdk";
 * import { reverse } from "./activities/text.ts";
 * export default defineConfig({ activities: [reverse, "./activities/billing.ts"] });
 */
export function defineConfig(config: WeftConfig): WeftConfig {
  return config;
}
