/**
 * @weft/sdk — everything a Weft project imports to bring its own activities and
 * code-first orchestrators: one package, so the project and the server share a
 * single copy of the activity SDK and of zod.
 */
export { defineConfig } from "./define-config.js";
export type { ActivityEntry, WeftConfig } from "./define-config.js";
export { defineActivity } from "@weft/activities";
export type { ActivityDefinition, ActivitySpec } from "@weft/activities";
export { ActivityCancelledError, NonRetryableError, TimeoutError } from "@weft/engine";
export type { ActivityContext, ActivityLogger, OrchestrationContext, Orchestrator } from "@weft/engine";
export { z } from "zod";
