import {
  captureRestartSeed,
  compile,
  findSubWorkflowCycle,
  restartTags,
  type RestartSeed,
  restartPoints,
  hasErrors,
  interpret,
  LruCache,
  NodeType,
  parseDefinition,
  type Plan,
  type Problem,
  subWorkflowTag,
  taggedVersion,
  versionTag,
  validate,
  type ValidationCatalog,
  type WorkflowDefinition,
} from "@weft/definition";
import { activityCatalog, type CatalogActivity } from "./activity-catalog.js";
import {
  DEFAULT_LIMITS,
  type EngineClient,
  InstanceExistsError,
  type InstanceRecord,
  jsonBytes,
  type OrchestratorResolver,
  timeOrderedId,
} from "@weft/engine";
import { type Store, type WorkflowRecord } from "@weft/workflow-store";
import { InputChecks, inputLabel } from "./input-checks.js";
import { badRequest, conflict, HttpProblem, notFound, unprocessable } from "./problem.js";

/** Published versions whose compiled plan and input check stay in memory (the recently used ones). */
const CACHED_VERSIONS = 1000;
/**
 * …and at most this much definition JSON behind the cached plans: a plan holds its parsed
 * definition, so a few huge definitions must not pin hundreds of megabytes.
 */
const CACHED_PLAN_BYTES = 4 * 1024 * 1024;

export interface StartRequest {
  input?: unknown;
  instanceId?: string;
  version?: number;
  /** Extra instance tags (restart-from marks the new instance with where it came from). */
  tags?: Record<string, string>;
}

export interface BatchStartRequest {
  items: readonly { input?: unknown; instanceId?: string | undefined }[];
  version?: number | undefined;
  tags?: Record<string, string>;
}

/** One item's outcome; `error` is the message for "exists", the error itself for "error" (the route decides what to show). */
export type BatchStartResult =
  | { instanceId: string; status: "started" }
  | { instanceId: string; status: "exists"; error: string }
  | { instanceId: string; status: "error"; error: unknown };

export interface BatchStarted {
  workflowId: string;
  version: number | null;
  results: BatchStartResult[];
}

type StartTarget =
  { workflowId: string; version: null } | { workflowId: string; version: number; definition: WorkflowDefinition & { version: number } };

export interface PublishedTrigger {
  workflowId: string;
  version: number;
  trigger: { type?: string; path?: string; secret?: string; cron?: string; input?: unknown };
}

export interface StartedInstance {
  instanceId: string;
  workflowId: string;
  /** null for a code-first orchestrator: code has no published versions. */
  version: number | null;
}

/**
 * Workflows as the server sees them: drafts that only have to parse, published
 * versions that must validate against the catalog, starts that check the input
 * against `inputSchema`, and the resolver that gives the worker the interpreter
 * for an instance's workflow version.
 */
export class WorkflowService {
  readonly #store: Store;
  readonly #client: EngineClient;
  readonly #activities: () => readonly CatalogActivity[];
  readonly #isCodeWorkflow: (workflowId: string) => boolean;
  /**
   * Compiled plans and input checks of published versions, by `id@version` (versions never
   * change). Bounded: a server that has seen many versions keeps the recently used ones,
   * and compiles an older one again from the store when an instance of it needs it.
   */
  readonly #plans = new LruCache<string, Promise<Plan | undefined>>(CACHED_VERSIONS, { maxWeight: CACHED_PLAN_BYTES });
  readonly #inputChecks = new InputChecks(CACHED_VERSIONS);
  /**
   * Published definitions as starts read them (inputSchema, sub-workflow nodes), by
   * `id@version`: a version never changes, so a start reads it from the store once.
   */
  readonly #startDefinitions = new LruCache<string, Promise<WorkflowDefinition & { version: number }>>(CACHED_VERSIONS, {
    maxWeight: CACHED_PLAN_BYTES,
  });
  /**
   * Workflow records read by the starts of this turn of the event loop, shared: a burst of
   * concurrent starts reads each record once, not once per start (a record carries the
   * draft, the costliest read of a start). Forgotten at the turn's end, and at once when
   * this process publishes or deletes the workflow — what a start sees is never older than
   * a read made by a request running at the same time.
   */
  readonly #recordsThisTurn = new Map<string, Promise<WorkflowRecord | undefined>>();
  /** Triggers of the latest published versions by `id@version@publishedAt`; stale keys are dropped on each listing. */
  readonly #triggers = new Map<string, Promise<PublishedTrigger | undefined>>();
  readonly #maxPayloadBytes: number;
  readonly #maxMapItems: number | undefined;

  constructor(options: {
    store: Store;
    client: EngineClient;
    /** The activities drawn workflows may call, with what their input schemas require. */
    activities: () => readonly CatalogActivity[];
    maxPayloadBytes?: number;
    /** Items one map node may run over (the interpreter's default when unset). */
    maxMapItems?: number;
    /** Code-first orchestrators from weft.config: started without a published version. */
    isCodeWorkflow?: (workflowId: string) => boolean;
  }) {
    this.#isCodeWorkflow = options.isCodeWorkflow ?? (() => false);
    this.#maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes;
    this.#maxMapItems = options.maxMapItems;
    this.#store = options.store;
    this.#client = options.client;
    this.#activities = options.activities;
  }

  /**
   * What `definition` is validated against. Only its sub-workflow nodes need the
   * workflows, so only the ones it names are looked up; the whole list is read only
   * when one is missing, to suggest the closest id.
   */
  async catalogFor(definition: unknown): Promise<ValidationCatalog> {
    const referenced = new Set<string>();
    const nodes = (definition as { nodes?: unknown } | null)?.nodes;
    if (Array.isArray(nodes)) {
      for (const node of nodes as { type?: unknown; workflow?: unknown }[]) {
        if (node?.type === NodeType.SubWorkflow && typeof node.workflow === "string") referenced.add(node.workflow);
      }
    }
    const workflows: string[] = [];
    for (const id of referenced) {
      if (!(await this.#store.getWorkflow(id))) {
        return { ...activityCatalog(this.#activities()), workflows: (await this.#store.listWorkflows()).map((w) => w.workflowId) };
      }
      workflows.push(id);
    }
    return { ...activityCatalog(this.#activities()), workflows };
  }

  async validate(definition: unknown): Promise<Problem[]> {
    return validate(definition, await this.catalogFor(definition));
  }

  /** Saves a draft: it must be a definition document for this id; graph problems are allowed and returned. */
  async saveDraft(workflowId: string, body: unknown): Promise<{ record: WorkflowRecord; problems: Problem[] }> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw badRequest("The body must be a workflow definition: a JSON object with id, name, nodes and edges.");
    }
    const draft = { ...(body as Record<string, unknown>) };
    delete draft.version;
    if (draft.id === undefined) draft.id = workflowId;
    if (draft.id !== workflowId) {
      throw badRequest(`The definition's id '${String(draft.id)}' does not match the URL's '${workflowId}'.`);
    }
    const parsed = parseDefinition(draft);
    if (!parsed.ok) {
      // A draft may have half-finished nodes and edges, but the document itself must hold together.
      const documentProblems = parsed.problems.filter((p) => p.nodeId === undefined && p.edgeId === undefined);
      if (documentProblems.length > 0) {
        throw badRequest(`The draft is not a workflow definition: ${documentProblems.map((p) => p.message).join(" ")}`, {
          problems: documentProblems,
        });
      }
    }
    const record = await this.#store.saveWorkflowDraft(
      {
        workflowId,
        name: typeof draft.name === "string" ? draft.name : workflowId,
        draft,
        ...(draft.trigger !== undefined ? { trigger: draft.trigger } : {}),
      },
      Date.now(),
    );
    return { record, problems: await this.validate(draft) };
  }

  async get(workflowId: string): Promise<WorkflowRecord> {
    const record = await this.#store.getWorkflow(workflowId);
    if (!record) throw notFound(`No workflow with id '${workflowId}' exists.`);
    return record;
  }

  async getVersion(workflowId: string, version: number): Promise<WorkflowDefinition & { version: number }> {
    const found = await this.#store.getWorkflowVersion(workflowId, version);
    if (!found) {
      await this.get(workflowId);
      throw notFound(`Workflow '${workflowId}' has no published version ${version}.`);
    }
    return { ...(found.definition as WorkflowDefinition), version: found.version };
  }

  /** Validates the draft against the catalog and freezes it as the next version. */
  async publish(workflowId: string): Promise<number> {
    const record = await this.get(workflowId);
    const problems = await this.validate(record.draft);
    if (hasErrors(problems)) {
      throw unprocessable(
        `Workflow '${workflowId}' cannot be published: ${problems.filter((p) => p.severity === "error").length} problem(s) to fix first.`,
        {
          problems,
        },
      );
    }
    // A cycle of sub-workflow calls through what is published would start instances without end
    // (the engine's depth limit would stop it, after the fact): refuse it while it is visible.
    const cycle = await findSubWorkflowCycle(workflowId, record.draft, record.latestVersion + 1, (id, version) =>
      this.#published(id, version),
    );
    if (cycle) {
      throw unprocessable(`Workflow '${workflowId}' cannot be published: ${cycle.message}`, { problems: [cycle] });
    }
    this.#recordsThisTurn.delete(workflowId);
    const version = await this.#store.publishWorkflowVersion(workflowId, record.draft, Date.now());
    this.#recordsThisTurn.delete(workflowId);
    return version;
  }

  async #published(workflowId: string, version: number | "latest"): Promise<{ version: number; definition: unknown } | undefined> {
    const number = version === "latest" ? ((await this.#store.getWorkflow(workflowId))?.latestVersion ?? 0) : version;
    if (number < 1) return undefined;
    const found = await this.#store.getWorkflowVersion(workflowId, number);
    return found ? { version: found.version, definition: found.definition } : undefined;
  }

  async delete(workflowId: string): Promise<void> {
    await this.get(workflowId);
    const running = await this.#client.list({ name: workflowId, status: ["pending", "running", "suspended"], limit: 1 });
    if (running.items.length > 0) {
      throw conflict(`Workflow '${workflowId}' has instances that are still running; terminate them (or wait) before deleting it.`);
    }
    await this.#store.deleteWorkflow(workflowId);
    this.#recordsThisTurn.delete(workflowId);
    // Its cached plans and input checks will not be asked for again (a workflow made again
    // under this id numbers its versions on from the last one, see Store.publishWorkflowVersion).
    const ofThisWorkflow = (key: string) => key.startsWith(`${workflowId}@`);
    for (const key of [...this.#plans.keys()].filter(ofThisWorkflow)) this.#plans.delete(key);
    for (const key of [...this.#startDefinitions.keys()].filter(ofThisWorkflow)) this.#startDefinitions.delete(key);
    this.#inputChecks.forgetWorkflow(workflowId);
  }

  /**
   * The trigger of every workflow's latest published version (webhooks look theirs up on
   * every request, the scheduler after each publish). Reads only versions not seen before,
   * so a lookup costs one listing, not one read per workflow.
   */
  async publishedTriggers(): Promise<PublishedTrigger[]> {
    const found: PublishedTrigger[] = [];
    const current = new Set<string>();
    for (const workflow of await this.#store.listWorkflows()) {
      const latest = workflow.versions.at(-1);
      if (!latest) continue;
      const key = `${workflow.workflowId}@${latest.version}@${latest.publishedAt}`;
      current.add(key);
      let trigger = this.#triggers.get(key);
      if (!trigger) {
        trigger = this.#store.getWorkflowVersion(workflow.workflowId, latest.version).then((version) => {
          const definition = version?.definition as { trigger?: unknown } | undefined;
          return definition?.trigger && typeof definition.trigger === "object"
            ? { workflowId: workflow.workflowId, version: latest.version, trigger: definition.trigger as PublishedTrigger["trigger"] }
            : undefined;
        });
        trigger.catch(() => this.#triggers.delete(key));
        this.#triggers.set(key, trigger);
      }
      const published = await trigger;
      if (published) found.push(published);
    }
    // Earlier versions and deleted workflows are not asked for again.
    for (const key of [...this.#triggers.keys()]) if (!current.has(key)) this.#triggers.delete(key);
    return found;
  }

  /** Starts an instance of a published version (the latest by default). */
  async start(workflowId: string, request: StartRequest): Promise<StartedInstance> {
    const target = await this.#startTarget(workflowId, request.version);
    this.#checkStartInput(target, request.input, "input");
    const tags = await this.#startTags(target, request.tags);
    const instanceId = await this.#client.start(workflowId, request.input ?? null, {
      ...(request.instanceId ? { instanceId: request.instanceId } : {}),
      tags,
    });
    return { instanceId, workflowId, version: target.version };
  }

  /**
   * Starts many instances of one version, checked as a whole first: an unknown workflow
   * or version, or any item's input over the size limit or failing inputSchema, starts
   * nothing. Then each item is started on its own (the client's group commit puts them in
   * one transaction) and reported: "started", "exists" (its id is in use), or "error".
   */
  async startMany(workflowId: string, request: BatchStartRequest): Promise<BatchStarted> {
    const target = await this.#startTarget(workflowId, request.version);
    request.items.forEach((item, index) => this.#checkStartInput(target, item.input, `items[${index}].input`));
    const tags = await this.#startTags(target, request.tags);
    const items = request.items.map((item) => ({ ...item, instanceId: item.instanceId ?? timeOrderedId() }));
    const settled = await Promise.allSettled(
      items.map((item) => this.#client.start(workflowId, item.input ?? null, { instanceId: item.instanceId, tags: { ...tags } })),
    );
    const results = settled.map((outcome, index): BatchStartResult => {
      const { instanceId } = items[index] as { instanceId: string };
      if (outcome.status === "fulfilled") return { instanceId, status: "started" };
      if (outcome.reason instanceof InstanceExistsError) return { instanceId, status: "exists", error: outcome.reason.message };
      return { instanceId, status: "error", error: outcome.reason };
    });
    return { workflowId, version: target.version, results };
  }

  /** What a start needs to know about the workflow: code-first, or a published version's definition. */
  async #startTarget(workflowId: string, requested: number | undefined): Promise<StartTarget> {
    if (this.#isCodeWorkflow(workflowId)) return { workflowId, version: null };
    const record = await this.#recordThisTurn(workflowId);
    if (!record) throw notFound(`No workflow with id '${workflowId}' exists.`);
    if (record.latestVersion === 0) {
      throw conflict(`Workflow '${workflowId}' has no published version yet; publish it before starting it.`);
    }
    const version = requested ?? record.latestVersion;
    return { workflowId, version, definition: await this.#startDefinition(workflowId, version) };
  }

  #recordThisTurn(workflowId: string): Promise<WorkflowRecord | undefined> {
    let record = this.#recordsThisTurn.get(workflowId);
    if (!record) {
      if (this.#recordsThisTurn.size === 0) setImmediate(() => this.#recordsThisTurn.clear());
      record = this.#store.getWorkflow(workflowId);
      this.#recordsThisTurn.set(workflowId, record);
    }
    return record;
  }

  #startDefinition(workflowId: string, version: number): Promise<WorkflowDefinition & { version: number }> {
    const key = `${workflowId}@${version}`;
    const cached = this.#startDefinitions.get(key);
    if (cached) return cached;
    const definition = this.getVersion(workflowId, version).then((found) => {
      // Weighed once read (by its size), unless it was evicted meanwhile.
      if (this.#startDefinitions.get(key) === definition) this.#startDefinitions.set(key, definition, jsonBytes(found));
      return found;
    });
    // A version not found (or a store error) is asked again next time.
    definition.catch(() => {
      if (this.#startDefinitions.get(key) === definition) this.#startDefinitions.delete(key);
    });
    this.#startDefinitions.set(key, definition);
    return definition;
  }

  /** `path` names the input in errors ("input", "items[3].input"). */
  #checkStartInput(target: StartTarget, input: unknown, path: string): void {
    this.checkPayload(inputLabel(path), input);
    if (target.version !== null) this.#inputChecks.check(target.workflowId, target.version, target.definition, input, path);
  }

  async #startTags(target: StartTarget, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    // The resolver runs code only for instances tagged as code (extensions.ts, CODE_KIND_TAG).
    if (target.version === null) return { ...extra, kind: "code" };
    const tags: Record<string, string> = { ...extra, ...versionTag(target.version) };
    // "latest" sub-workflows are pinned now, so every replay of this instance runs the same child version.
    for (const node of target.definition.nodes) {
      if (node.type !== "subWorkflow" || typeof node.version === "number") continue;
      const child = await this.#recordThisTurn(node.workflow);
      if (!child || child.latestVersion === 0) {
        throw conflict(`Sub-workflow '${node.workflow}' (node '${node.id}') has no published version; publish it first.`);
      }
      Object.assign(tags, subWorkflowTag(node.id, child.latestVersion));
    }
    return tags;
  }

  /** Refuses a payload over the limit with 413, before it reaches history. */
  checkPayload(what: string, value: unknown): void {
    const bytes = jsonBytes(value);
    if (bytes > this.#maxPayloadBytes) {
      throw new HttpProblem(
        413,
        "Content too large",
        `${what} is ${Math.ceil(bytes / 1024)} KiB; the limit is ${Math.floor(this.#maxPayloadBytes / 1024)} KiB (WEFT_MAX_PAYLOAD_BYTES). Pass a reference (a URL, a key) instead of the data.`,
      );
    }
  }

  /** The worker's orchestrator lookup: an instance's workflow and version → the interpreter. */
  readonly resolveOrchestrator: OrchestratorResolver = async (name: string, instance: InstanceRecord) => {
    const version = taggedVersion(instance.tags);
    if (version === undefined) return undefined;
    const plan = await this.plan(name, version);
    return plan ? interpret(plan, this.#maxMapItems !== undefined ? { maxMapItems: this.#maxMapItems } : {}) : undefined;
  };

  /**
   * What a restarted instance keeps: the data `instanceId`'s run had when it first
   * entered `nodeId` (undefined if it never got there). Runs as the system activity
   * RESTART_SEED_ACTIVITY, so the new instance's history records it.
   */
  async restartSeed(instanceId: string, nodeId: string): Promise<RestartSeed | undefined> {
    const instance = await this.#store.getInstance(instanceId);
    if (!instance) return undefined;
    const version = taggedVersion(instance.tags);
    const plan = version === undefined ? undefined : await this.plan(instance.name, version);
    if (!plan) return undefined;
    const history = await this.#store.getHistory(instanceId);
    return captureRestartSeed(plan, history, nodeId, { instanceId, tags: instance.tags });
  }

  /** Starts a new instance of `version` (default: the same) from `nodeId`, keeping what `instanceId` had there. */
  async restartFrom(instanceId: string, nodeId: string, version?: number): Promise<StartedInstance> {
    const previous = await this.#store.getInstance(instanceId);
    if (!previous) throw notFound(`No instance with id '${instanceId}' exists.`);
    const targetVersion = version ?? taggedVersion(previous.tags);
    if (targetVersion === undefined) throw badRequest(`Instance '${instanceId}' was not started from a workflow definition.`);
    const plan = await this.plan(previous.name, targetVersion);
    if (!plan) throw notFound(`Workflow '${previous.name}' has no published version ${targetVersion}.`);
    const points = restartPoints(plan);
    if (!points.includes(nodeId)) {
      throw conflict(
        `'${nodeId}' is not a step version ${targetVersion} can restart from: pick one outside parallel branches and map bodies (${points.join(", ")}).`,
      );
    }
    if (!(await this.restartSeed(instanceId, nodeId))) {
      throw conflict(`Instance '${instanceId}' never reached '${nodeId}', so there is nothing to keep from before it.`);
    }
    return this.start(previous.name, {
      input: previous.input,
      version: targetVersion,
      tags: restartTags(instanceId, nodeId),
    });
  }

  async restartPoints(instanceId: string, version?: number): Promise<{ version: number; nodeIds: string[] }> {
    const previous = await this.#store.getInstance(instanceId);
    if (!previous) throw notFound(`No instance with id '${instanceId}' exists.`);
    const targetVersion = version ?? taggedVersion(previous.tags);
    if (targetVersion === undefined) throw badRequest(`Instance '${instanceId}' was not started from a workflow definition.`);
    const plan = await this.plan(previous.name, targetVersion);
    if (!plan) throw notFound(`Workflow '${previous.name}' has no published version ${targetVersion}.`);
    return { version: targetVersion, nodeIds: restartPoints(plan) };
  }

  /** The compiled plan of a published version (cached: versions never change). */
  plan(workflowId: string, version: number): Promise<Plan | undefined> {
    const key = `${workflowId}@${version}`;
    const cached = this.#plans.get(key);
    if (cached) return cached;
    const plan = this.#store.getWorkflowVersion(workflowId, version).then((found) => {
      if (!found) return undefined;
      // Validated when it was published (perhaps by an earlier release, whose rules it must keep
      // running under): only parsed here.
      const compiled = compile(found.definition, { version, published: true });
      // Weighed once compiled (by its definition's size), unless it was evicted meanwhile.
      if (this.#plans.get(key) === plan) this.#plans.set(key, plan, jsonBytes(found.definition));
      return compiled;
    });
    plan.catch(() => {
      // Asked again later (the store may be back); a newer entry stays.
      if (this.#plans.get(key) === plan) this.#plans.delete(key);
    });
    this.#plans.set(key, plan);
    return plan;
  }
}
