import type { EngineClient } from "@weft/engine";
import type { Store } from "@weft/workflow-store";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";
import type { Extensions } from "./extensions.js";
import type { Metrics } from "./metrics.js";
import type { RouteSpec, RouteTable } from "./openapi.js";
import type { SecretStore } from "./secrets.js";
import type { WorkflowService } from "./workflows.js";

/** What the HTTP layer needs; built by the composition root (`runtime.ts`) or by a test. */
export interface AppDeps {
  config: ServerConfig;
  store: Store;
  client: EngineClient;
  workflows: WorkflowService;
  secrets: SecretStore;
  /** The project's activities and code-first orchestrators, and the remote workers' activity types. */
  extensions: Extensions;
  /** The catalog as published on /api/activities (name, title, … inputSchema). */
  activities: () => { name: string }[];
  logger: Logger;
  metrics: Metrics;
  /** True once the store is migrated and the examples are published. */
  ready: () => boolean;
  version: string;
}

export interface RouteContext {
  deps: AppDeps;
  table: RouteTable;
  /** Declares a route once: documented in `table` and mounted on the app. */
  route: <P extends string>(spec: RouteSpec<P>) => void;
}
