import { type ActivityDefinition, type ActivityDescription, describeActivities, toActivityFunctions } from "@weft/activities";
import type { ActivityFunction, ActivityLogger, ActivityTaskInfo, InstanceRecord, Orchestrator, OrchestratorResolver } from "@weft/engine";
import type { Store } from "@weft/workflow-store";
import type { Logger } from "pino";
import type { ActivityIsolation } from "./isolation.js";
import { assertNoClashWithBuiltIns, type ProjectConfig, uniqueActivities } from "./project-config.js";
import { RemoteWorkers } from "./remote-workers.js";

/** Where a catalog entry comes from. */
export type ActivitySource = "built-in" | "project" | "remote";

export type CatalogEntry = ActivityDescription & { source: ActivitySource };

/** A code-first orchestrator from weft.config, as the workflow list shows it. */
export interface CodeWorkflow {
  id: string;
  name: string;
  loadedAt: string;
}

/** Tag on instances of code-first orchestrators (drawn ones carry `version` instead). */
export const CODE_KIND_TAG = "kind";

export interface ExtensionsOptions {
  store: Store;
  logger: Logger;
  builtIns: readonly ActivityDefinition[];
  project?: ProjectConfig | undefined;
  /** Lease of a task handed to a remote worker (WEFT_REMOTE_LEASE_MS). */
  remoteLeaseMs?: number;
  /** Runs the project's activities in a process of their own, for suspects (see isolatedActivities). */
  isolation?: ActivityIsolation | undefined;
  /** Wraps the project's activity functions (secrets: real values in, placeholders out). */
  wrapActivities?: (functions: Record<string, ActivityFunction>) => Record<string, ActivityFunction>;
}

/**
 * Everything beyond the built-in catalog: the project's activities and code-first
 * orchestrators (weft.config), and the activity types remote workers serve. Owns the
 * worker's activity record, which `reload` swaps in place for `weft dev`.
 */
export class Extensions {
  readonly remote: RemoteWorkers;
  readonly #wrap: (functions: Record<string, ActivityFunction>) => Record<string, ActivityFunction>;
  readonly #logger: Logger;
  readonly #builtIns: readonly ActivityDefinition[];
  readonly #builtInCatalog: CatalogEntry[];
  #project: ProjectConfig | undefined;
  #projectCatalog: CatalogEntry[] = [];
  #projectFrom = new Map<string, string>();
  #codeWorkflows: CodeWorkflow[] = [];
  /** The record the worker reads on every claim: base (built-ins, system) plus the project's. */
  readonly #functions: Record<string, ActivityFunction> = {};
  #base: Record<string, ActivityFunction> = {};
  readonly #isolation: ActivityIsolation | undefined;
  /** The project's activities, each run in the isolated process (WorkerOptions.isolatedActivities). */
  readonly #isolatedFunctions: Record<string, ActivityFunction> = {};

  constructor(options: ExtensionsOptions) {
    this.#wrap = options.wrapActivities ?? ((functions) => functions);
    this.#isolation = options.isolation;
    this.#logger = options.logger;
    this.#builtIns = options.builtIns;
    this.#builtInCatalog = describeActivities(options.builtIns).map((d) => ({ ...d, source: "built-in" as const }));
    this.remote = new RemoteWorkers({
      store: options.store,
      logger: options.logger,
      ...(options.remoteLeaseMs !== undefined ? { leaseMs: options.remoteLeaseMs } : {}),
      servedLocally: (name) => this.servedLocally(name),
    });
    this.#apply(options.project);
  }

  async open(): Promise<void> {
    await this.remote.open();
    const clash = this.remote.list().find((r) => this.servedLocally(r.name));
    if (clash) {
      // The project now defines what a remote worker registered earlier: the project wins.
      await this.remote.unregister(clash.name);
      this.#logger.warn(
        { activity: clash.name, servedBy: this.servedLocally(clash.name) },
        "remote registration replaced by an in-process activity",
      );
    }
  }

  close(): void {
    this.remote.close();
  }

  /** The worker's activities: `base` (built-ins and system activities) plus the project's. */
  activities(base: Record<string, ActivityFunction>): Record<string, ActivityFunction> {
    this.#base = base;
    this.#refreshFunctions();
    return this.#functions;
  }

  /**
   * The project's activities run in a process of their own (the worker uses them for
   * suspects: a poison then kills that process, not the worker). Built-in activities are
   * ours and stay in the worker. Kept current like `activities`.
   */
  isolatedActivities(): Record<string, ActivityFunction> {
    return this.#isolatedFunctions;
  }

  /** Swaps in a reloaded project (weft dev). Throws ProjectConfigError and keeps the old one on a clash. */
  reload(project: ProjectConfig): void {
    this.#apply(project);
    this.#refreshFunctions();
    this.#isolation?.reset();
  }

  catalog(): CatalogEntry[] {
    return [...this.#builtInCatalog, ...this.#projectCatalog, ...this.remote.descriptions()];
  }

  servedLocally(name: string): string | undefined {
    if (this.#builtInCatalog.some((a) => a.name === name)) return "a built-in activity";
    const from = this.#projectFrom.get(name);
    if (from) return from;
    return Object.hasOwn(this.#base, name) ? "a system activity" : undefined;
  }

  codeWorkflows(): CodeWorkflow[] {
    return this.#codeWorkflows;
  }

  isCodeWorkflow(id: string): boolean {
    return this.#project?.orchestrators.has(id) ?? false;
  }

  /**
   * Code-first orchestrators for instances started as code (tagged `kind: code`), the
   * drawn workflows' interpreter for the rest: a drawn workflow never runs code by accident.
   */
  resolver(drawn: OrchestratorResolver): OrchestratorResolver {
    return (name: string, instance: InstanceRecord) => {
      if (instance.tags[CODE_KIND_TAG] === "code")
        return this.#project?.orchestrators.get(name) as Orchestrator<unknown, unknown> | undefined;
      return drawn(name, instance);
    };
  }

  /** ctx.log: a pino child bound to the instance, task and activity. */
  readonly activityLogger = (task: ActivityTaskInfo): ActivityLogger => {
    const child = this.#logger.child({ instanceId: task.instanceId, taskId: task.taskId, activity: task.name, attempt: task.attempt });
    return {
      info: (message, fields) => child.info(fields ?? {}, message),
      warn: (message, fields) => child.warn(fields ?? {}, message),
      error: (message, fields) => child.error(fields ?? {}, message),
    };
  };

  #apply(project: ProjectConfig | undefined): void {
    if (!project) return;
    assertNoClashWithBuiltIns(project, this.#builtIns);
    const activities = uniqueActivities(project);
    const catalog = describeActivities(activities.map((a) => a.definition)).map((d) => ({ ...d, source: "project" as const }));
    const now = new Date().toISOString();
    this.#project = project;
    this.#projectCatalog = catalog;
    this.#projectFrom = new Map(activities.map((a) => [a.definition.name, a.from]));
    this.#codeWorkflows = [...project.orchestrators.entries()].map(([id, fn]) => ({ id, name: fn.name || id, loadedAt: now }));
  }

  #refreshFunctions(): void {
    const raw = this.#project ? toActivityFunctions(uniqueActivities(this.#project).map((a) => a.definition)) : {};
    replaceContents(this.#functions, { ...this.#base, ...this.#wrap(raw) });
    if (this.#isolation) replaceContents(this.#isolatedFunctions, this.#wrap(this.#isolation.functions(raw)));
  }
}

/** Makes `target` hold what `next` holds, in place (the worker keeps a reference to it). */
function replaceContents(target: Record<string, ActivityFunction>, next: Record<string, ActivityFunction>): void {
  for (const name of Object.keys(target)) if (!Object.hasOwn(next, name)) delete target[name];
  Object.assign(target, next);
}
