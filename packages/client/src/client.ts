import { ApiError } from "./api-error.js";
import { subscribeInstance, subscribeInstances } from "./streams.js";
import type { InstanceSubscription, InstancesSubscription, SubscribeInstanceOptions, SubscribeInstancesOptions } from "./streams.js";
import type {
  ActivityInfo,
  Approval,
  BatchStartItem,
  BatchStarted,
  EventsRaised,
  EventTargets,
  Health,
  HistoryEvent,
  HistoryQuery,
  InstanceDetail,
  InstanceListQuery,
  InstancePage,
  OutboxMessage,
  OutboxQuery,
  Problem,
  Published,
  PublishedDefinition,
  RestartPoints,
  RetryNowTarget,
  SavedDraft,
  StartedInstance,
  StartOptions,
  WorkflowDefinition,
  WorkflowDetail,
  WorkflowSummary,
} from "./types.js";

/** What an EventSource constructor looks like (the browser's, or a polyfill in Node). */
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSource;

export interface WeftClientOptions {
  /** Where the API lives, e.g. "http://127.0.0.1:8787". Default: the page's own origin (""). */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>` (and `?access_token=` on streams). */
  token?: string;
  /** A fetch to use instead of the global one (tests, Node with a proxy …). */
  fetch?: typeof fetch;
  /** An EventSource to use instead of the global one (Node has none before v22). */
  EventSource?: EventSourceConstructor;
}

export interface WeftClient {
  readonly baseUrl: string;
  health(): Promise<Health>;
  activities(): Promise<ActivityInfo[]>;
  approvals(): Promise<Approval[]>;
  outbox(query?: OutboxQuery): Promise<OutboxMessage[]>;
  workflows: {
    list(): Promise<WorkflowSummary[]>;
    get(id: string): Promise<WorkflowDetail>;
    /** `keepalive`: the request outlives the page (a save when the tab closes; bodies up to 64 KiB). */
    saveDraft(id: string, definition: WorkflowDefinition | Record<string, unknown>, options?: { keepalive?: boolean }): Promise<SavedDraft>;
    publish(id: string): Promise<Published>;
    validate(definition: unknown): Promise<Problem[]>;
    delete(id: string): Promise<void>;
    getVersion(id: string, version: number): Promise<PublishedDefinition>;
    start(id: string, options?: StartOptions): Promise<StartedInstance>;
    /**
     * Starts up to 1,000 instances of one version in one request; one result per item
     * ("started", "exists", "error"). Bad input (an item's input failing inputSchema …)
     * throws and starts nothing.
     * @example const { results } = await weft.workflows.startMany("order-processing", orders.map((input) => ({ input })));
     */
    startMany(id: string, items: readonly BatchStartItem[], options?: { version?: number }): Promise<BatchStarted>;
  };
  instances: {
    list(query?: InstanceListQuery): Promise<InstancePage>;
    get(id: string): Promise<InstanceDetail>;
    history(id: string, query?: HistoryQuery): Promise<HistoryEvent[]>;
    raiseEvent(id: string, name: string, payload?: unknown): Promise<void>;
    /**
     * Raises one event on up to 1,000 instances by id, or on the instances a filter picks,
     * one page of the listing per call (go on with `nextCursor` until it is null).
     * @example
     * let cursor: string | undefined;
     * do {
     *   const page = await weft.instances.raiseEventOnMany("Approval", { filter: { workflow: "orders", ...(cursor ? { cursor } : {}) } }, { ok: true });
     *   cursor = page.nextCursor ?? undefined;
     * } while (cursor);
     */
    raiseEventOnMany(name: string, targets: EventTargets, payload?: unknown): Promise<EventsRaised>;
    terminate(id: string, reason?: string): Promise<void>;
    suspend(id: string, reason?: string): Promise<void>;
    resume(id: string, reason?: string): Promise<void>;
    restart(id: string): Promise<StartedInstance>;
    rewind(id: string, reason?: string): Promise<void>;
    purge(id: string): Promise<void>;
    /** Fires the backoff timer(s) of a node that is waiting between attempts (every backing-off step without `nodeId`). 409 when nothing backs off. */
    retryNow(id: string, target?: RetryNowTarget): Promise<void>;
    /** The nodes of published version `version` (default: the instance's) that the instance can be restarted from. */
    restartPoints(id: string, version?: number): Promise<RestartPoints>;
    /** A new instance that keeps the outputs of the steps before `nodeId` and runs from there, on `version` (default: the instance's). */
    restartFrom(id: string, nodeId: string, version?: number): Promise<StartedInstance>;
  };
  /** Live history and status of one instance; closes itself after the terminal status. */
  subscribeInstance(id: string, options: SubscribeInstanceOptions): InstanceSubscription;
  /** Live status changes of every instance. */
  subscribeInstances(
    onInstance: SubscribeInstancesOptions["onInstance"],
    options?: Omit<SubscribeInstancesOptions, "onInstance">,
  ): InstancesSubscription;
}

const enc = encodeURIComponent;

/**
 * Creates a client of the Weft HTTP API. Every method returns the parsed JSON answer
 * or throws an {@link ApiError} built from the problem+json body.
 *
 * @example
 * const weft = createWeftClient({ baseUrl: "http://127.0.0.1:8787" });
 * const { instanceId } = await weft.workflows.start("order-processing", { input: { orderId: "42" } });
 * const sub = weft.subscribeInstance(instanceId, { onStatus: (s) => console.log(s.status) });
 */
export function createWeftClient(options: WeftClientOptions = {}): WeftClient {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, unknown>,
    extra: { keepalive?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init: RequestInit = { method, headers };
    if (extra.keepalive) init.keepalive = true;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await doFetch(`${baseUrl}${path}${queryString(query)}`, init);
    if (!response.ok) throw await ApiError.fromResponse(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const streamUrl = (path: string, query: Record<string, unknown> = {}) =>
    `${baseUrl}${path}${queryString({ ...query, ...(options.token ? { access_token: options.token } : {}) })}`;

  const lifecycle = (action: string) => async (id: string, reason?: string) => {
    await request("POST", `/api/instances/${enc(id)}/${action}`, reason === undefined ? {} : { reason });
  };

  return {
    baseUrl,
    health: () => request("GET", "/api/health"),
    activities: () => request("GET", "/api/activities"),
    approvals: () => request("GET", "/api/approvals"),
    outbox: async (query) => (await request<{ items: OutboxMessage[] }>("GET", "/api/outbox", undefined, { ...query })).items,
    workflows: {
      list: () => request("GET", "/api/workflows"),
      get: (id) => request("GET", `/api/workflows/${enc(id)}`),
      saveDraft: (id, definition, saveOptions) =>
        request("PUT", `/api/workflows/${enc(id)}`, definition, undefined, saveOptions?.keepalive ? { keepalive: true } : {}),
      publish: (id) => request("POST", `/api/workflows/${enc(id)}/publish`),
      validate: async (definition) => (await request<{ problems: Problem[] }>("POST", "/api/workflows/validate", definition)).problems,
      delete: (id) => request("DELETE", `/api/workflows/${enc(id)}`),
      getVersion: (id, version) => request("GET", `/api/workflows/${enc(id)}/versions/${version}`),
      start: (id, start = {}) => request("POST", `/api/workflows/${enc(id)}/instances`, start),
      startMany: (id, items, startOptions = {}) =>
        request("POST", `/api/workflows/${enc(id)}/instances/batch`, {
          items,
          ...(startOptions.version !== undefined ? { version: startOptions.version } : {}),
        }),
    },
    instances: {
      list: (query = {}) =>
        request("GET", "/api/instances", undefined, {
          ...query,
          status: Array.isArray(query.status) ? query.status.join(",") : query.status,
        }),
      get: (id) => request("GET", `/api/instances/${enc(id)}`),
      history: async (id, query) =>
        (await request<{ events: HistoryEvent[] }>("GET", `/api/instances/${enc(id)}/history`, undefined, { ...query })).events,
      raiseEvent: async (id, name, payload) => {
        await request("POST", `/api/instances/${enc(id)}/events/${enc(name)}`, payload ?? null);
      },
      raiseEventOnMany: (name, targets, payload) =>
        request("POST", `/api/events/${enc(name)}`, { ...targets, ...(payload !== undefined ? { payload } : {}) }),
      terminate: lifecycle("terminate"),
      suspend: lifecycle("suspend"),
      resume: lifecycle("resume"),
      rewind: lifecycle("rewind"),
      restart: (id) => request("POST", `/api/instances/${enc(id)}/restart`),
      purge: (id) => request("DELETE", `/api/instances/${enc(id)}`),
      retryNow: async (id, target = {}) => {
        await request("POST", `/api/instances/${enc(id)}/retry-now`, target);
      },
      restartPoints: (id, version) => request("GET", `/api/instances/${enc(id)}/restart-points`, undefined, { version }),
      restartFrom: (id, nodeId, version) =>
        request("POST", `/api/instances/${enc(id)}/restart-from`, version === undefined ? { nodeId } : { nodeId, version }),
    },
    subscribeInstance: (id, subscribeOptions) =>
      subscribeInstance(
        (after) => streamUrl(`/api/instances/${enc(id)}/stream`, after ? { after } : {}),
        eventSourceOf(options),
        subscribeOptions,
      ),
    subscribeInstances: (onInstance, rest = {}) =>
      subscribeInstances(streamUrl("/api/stream"), eventSourceOf(options), { ...rest, onInstance }),
  };
}

function eventSourceOf(options: WeftClientOptions): EventSourceConstructor {
  const ctor = options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (!ctor) {
    throw new Error("No EventSource is available here: pass one as createWeftClient({ EventSource }) (Node before v22 has none).");
  }
  return ctor;
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
