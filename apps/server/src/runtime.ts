import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBuiltInActivities, toActivityFunctions } from "@weft/activities";
import { RESTART_SEED_ACTIVITY } from "@weft/definition";
import { createClient, createWorker, type EngineClient, NonRetryableError, type Worker } from "@weft/engine";
import { type Store } from "@weft/workflow-store";
import { createPostgresStore } from "@weft/store-postgres";
import { createSqliteStore } from "@weft/store-sqlite";
import { createApp, type WeftApp } from "./app.js";
import { ConfigError, type ServerConfig } from "./config.js";
import { Extensions } from "./extensions.js";
import { ActivityIsolation } from "./isolation.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { ProjectConfigError, type ProjectConfig } from "./project-config.js";
import { Scheduler } from "./scheduler.js";
import { resolveSecretKeys } from "./secret-crypto.js";
import { SecretStore } from "./secrets.js";
import { WorkflowService } from "./workflows.js";

export const WEFT_VERSION = "0.1.0";

export interface WeftRuntime {
  config: ServerConfig;
  store: Store;
  client: EngineClient;
  worker: Worker | undefined;
  workflows: WorkflowService;
  scheduler: Scheduler;
  web: WeftApp;
  logger: Logger;
  /** The project's activities and code-first orchestrators, and the remote workers' activity types. */
  extensions: Extensions;
  /** Stops the scheduler and the worker (gracefully), then closes the store. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Run the HTTP-side services (scheduler); false for `weft worker`. */
  serve?: boolean;
  /** Tick the schedule triggers on a timer (default true; tests drive `scheduler.tick` themselves). */
  autoSchedule?: boolean;
  /** A loaded weft.config (its activities join the catalog, its orchestrators the workflows). */
  project?: ProjectConfig;
}

/**
 * The composition root: chooses the store, registers the activities, wires the
 * worker to the definition interpreter, and publishes the examples on an empty
 * database.
 */
export async function createRuntime(config: ServerConfig, options: RuntimeOptions = {}): Promise<WeftRuntime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = await openStore(config);
  let isolation: ActivityIsolation | undefined;
  let ready = false;
  try {
    const keys = resolveSecretKeys({
      key: config.secretsKey,
      oldKeys: config.secretsOldKeys,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
    });
    logger[keys.notice.level](keys.notice.fields, keys.notice.message);
    const secrets = new SecretStore(store, keys.cipher);
    await secrets.open(logger);
    const definitions = createBuiltInActivities({
      // Redacted here, where every outbox record passes, whatever activity appends it.
      outbox: { append: async (entry) => store.appendOutbox(await secrets.redact(entry), Date.now()) },
      demoTimeScale: config.demoTimeScale,
      http: { allowPrivateNetworks: config.allowPrivateNetworks },
    });
    // The project's activities can run in a process of their own: suspects do (see isolation.ts).
    isolation = options.project
      ? new ActivityIsolation({ project: { file: options.project.file, once: options.project.once }, logger })
      : undefined;
    const extensions = new Extensions({
      isolation,
      store,
      logger,
      builtIns: definitions,
      project: options.project,
      remoteLeaseMs: config.remoteLeaseMs,
      wrapActivities: (functions) => secrets.wrap(functions),
    });
    // Instance ids in creation order (the client's default): instances started together share B-tree pages.
    const client = createClient({ store });
    const workflows = new WorkflowService({
      store,
      client,
      maxPayloadBytes: config.maxPayloadBytes,
      maxMapItems: config.maxMapItems,
      activities: () => extensions.catalog(),
      isCodeWorkflow: (id) => extensions.isCodeWorkflow(id),
    });
    const worker = config.worker ? createServerWorker(config, store, { definitions, extensions, secrets, workflows, logger }) : undefined;
    const metrics = createMetrics({ store, worker: () => worker?.metrics() });
    const web = createApp({
      config,
      store,
      client,
      workflows,
      secrets,
      extensions,
      activities: () => extensions.catalog(),
      logger,
      metrics,
      ready: () => ready,
      version: WEFT_VERSION,
    });
    const scheduler = new Scheduler({ store, workflows, logger });
    await publishExamples(store, workflows, logger);
    for (const code of extensions.codeWorkflows()) {
      if (await store.getWorkflow(code.id)) {
        throw new ProjectConfigError(
          `Orchestrator '${code.id}' in ${options.project?.file ?? "weft.config"} has the id of a drawn workflow in the database; rename one of them.`,
        );
      }
    }
    await extensions.open();
    worker?.start();
    if (options.serve !== false && options.autoSchedule !== false) await scheduler.start();
    ready = true;
    return {
      config,
      store,
      client,
      worker,
      workflows,
      scheduler,
      web,
      logger,
      extensions,
      async close() {
        await scheduler.stop();
        extensions.close();
        await worker?.stop();
        isolation?.close();
        await store.close();
      },
    };
  } catch (error) {
    isolation?.close();
    await store.close();
    throw error;
  }
}

/** The worker of a `weft start` process: the built-in, project and system activities, the drawn workflows' resolver and the configured limits. */
function createServerWorker(
  config: ServerConfig,
  store: Store,
  { definitions, extensions, secrets, workflows, logger }: ServerWorkerParts,
): Worker {
  return createWorker({
    store,
    // PostgreSQL stores say what lease and poll interval their deployment uses.
    ...leaseSettings(store),
    activities: extensions.activities({
      ...secrets.wrap(toActivityFunctions(definitions)),
      // System activity: what an instance restarted from a step keeps (recorded in its history).
      [RESTART_SEED_ACTIVITY]: async (input: { instanceId: string; nodeId: string }) => {
        const seed = await workflows.restartSeed(input.instanceId, input.nodeId);
        if (!seed)
          throw new NonRetryableError(`Instance '${input.instanceId}' has no data from before '${input.nodeId}' (was it purged?).`);
        return seed;
      },
    }),
    // Remote workers' names are theirs: this worker claims only what it can run, and fails names nobody serves.
    servedElsewhere: () => extensions.remote.names(),
    isolatedActivities: extensions.isolatedActivities(),
    activityLogger: extensions.activityLogger,
    resolveOrchestrator: extensions.resolver(workflows.resolveOrchestrator),
    activityConcurrency: config.activityConcurrency,
    ...(config.affinityMs !== undefined ? { affinityMs: config.affinityMs } : {}),
    // Running activities get most of the shutdown bound to finish; the rest is for flushing results and closing the store.
    shutdownGraceMs: Math.floor(config.shutdownTimeoutMs * 0.6),
    limits: {
      maxPayloadBytes: config.maxPayloadBytes,
      maxHistoryEvents: config.maxHistoryEvents,
      maxSubOrchestrationDepth: config.maxSubWorkflowDepth,
      maxOpenChildren: config.maxOpenChildren,
      maxChildrenPerExecution: config.maxChildrenPerExecution,
    },
    onError: (error, where) => logger.error({ err: error, where }, "worker error"),
  });
}

interface ServerWorkerParts {
  definitions: ReturnType<typeof createBuiltInActivities>;
  extensions: Extensions;
  secrets: SecretStore;
  workflows: WorkflowService;
  logger: Logger;
}

async function openStore(config: ServerConfig): Promise<Store> {
  if (config.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
      throw new ConfigError(`DATABASE_URL must be a postgres:// URL, not "${config.databaseUrl.replace(/\/\/.*@/, "//…@")}".`);
    }
    return createPostgresStore({
      connectionString: config.databaseUrl,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      ...(config.leaseMs ? { leaseMs: config.leaseMs } : {}),
      applicationName: "weft",
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return createSqliteStore({ path: join(config.dataDir, "weft.db") });
}

function leaseSettings(store: Store): { leaseMs?: number; pollIntervalMs?: number } {
  const settings = store as Partial<{ leaseMs: number; pollIntervalMs: number }>;
  return {
    ...(typeof settings.leaseMs === "number" ? { leaseMs: settings.leaseMs } : {}),
    ...(typeof settings.pollIntervalMs === "number" ? { pollIntervalMs: settings.pollIntervalMs } : {}),
  };
}

/** The shipped examples, published on a database that has no workflows yet. */
export async function publishExamples(store: Store, workflows: WorkflowService, logger: Logger): Promise<void> {
  if ((await store.listWorkflows()).length > 0) return;
  // Several API processes may start at once on one PostgreSQL database: one of them publishes.
  if (!(await store.claimOnce("examples:published", Number.MAX_SAFE_INTEGER, Date.now()))) return;
  const dir = examplesDir();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("package") && !f.startsWith("tsconfig"))) {
    const definition = JSON.parse(readFileSync(join(dir, file), "utf8")) as { id: string };
    await workflows.saveDraft(definition.id, definition);
    const version = await workflows.publish(definition.id);
    logger.info({ workflowId: definition.id, version }, "example workflow published");
  }
}

export function examplesDir(): string {
  // apps/server/{src,dist}/runtime.* → the repository's examples/
  return fileURLToPath(new URL("../../../examples/", import.meta.url));
}
