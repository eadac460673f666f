export { createApp } from "./app.js";
export type { WeftApp } from "./app.js";
export type { AppDeps } from "./deps.js";
export { loadConfig, assertSafeBinding, ConfigError, isLoopback } from "./config.js";
export type { ServerConfig } from "./config.js";
export { createRuntime, publishExamples, WEFT_VERSION } from "./runtime.js";
export type { WeftRuntime, RuntimeOptions } from "./runtime.js";
export { WorkflowService } from "./workflows.js";
export { Scheduler } from "./scheduler.js";
