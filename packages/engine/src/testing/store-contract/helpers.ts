import { expect, onTestFinished } from "vitest";
import { toIso, type EventType, type HistoryEvent, type NewHistoryEvent } from "../../core/history.js";
import type { InstanceRecord } from "../../runtime/instance.js";
import type {
  ActivityWorkItem,
  NewActivityTask,
  NewInstance,
  NewMessage,
  OrchestrationWorkItem,
  TaskHubStore,
  TurnCommit,
  TurnOutcome,
} from "../../runtime/store.js";

/** What each section of a contract suite gets: a way to open a fresh store for the current test. */
export interface ContractContext<S extends Closeable = TaskHubStore> {
  /** Opens a store from the factory; it is closed (and cleaned up) when the test finishes. */
  open(): Promise<S>;
}

interface Closeable {
  close(): Promise<void>;
}

export type StoreFactory<S extends Closeable = TaskHubStore> = () => Promise<{ store: S; cleanup?: () => Promise<void> }>;

export function createContractContext<S extends Closeable = TaskHubStore>(factory: StoreFactory<S>): ContractContext<S> {
  return {
    async open() {
      const { store, cleanup } = await factory();
      onTestFinished(async () => {
        await store.close();
        await cleanup?.();
      });
      return store;
    },
  };
}

/**
 * A fake-clock epoch in the past: stores must decide visibility and leases by
 * the `now` they are given, never by the wall clock.
 */
export const T0 = Date.UTC(2020, 0, 1, 12, 0, 0);
export const SECOND = 1_000;
export const LEASE_MS = 30_000;
/** Far enough ahead that everything scheduled by a test is visible and every lease has expired. */
export const FAR_FUTURE = T0 + 365 * 24 * 3600 * SECOND;

/** Exercises every JSON shape: unicode, escapes, deep nesting, null, numbers at the edges. */
export const awkward = {
  text: "héllo wörld ✓ 日本語 😀 \u0007",
  escapes: "\"quoted\" 'single' \\back\\ `tick` \n\t\r",
  nested: { deep: { deeper: [1, [2, [3, { x: null, y: [] }]]] } },
  numbers: [0, -1, 1.5, -2.25e-7, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2],
  booleans: [true, false],
  nothing: null,
  empty: { object: {}, array: [], string: "" },
  "key with spaces & ünïcode": "value",
};

const runId = Math.random().toString(36).slice(2, 8);
let counter = 0;

/** Fresh ids per test instead of cleanup coupling. */
export function freshId(label: string): string {
  counter += 1;
  return `${label}-${runId}-${counter}`;
}

export function newInstance(overrides: Partial<NewInstance> = {}): NewInstance {
  return {
    instanceId: freshId("inst"),
    name: "contract-orchestrator",
    executionId: freshId("exec"),
    input: { n: 1 },
    ...overrides,
  };
}

/** Creates an instance and returns what it was created with. */
export async function start(store: TaskHubStore, overrides: Partial<NewInstance> = {}, now = T0): Promise<NewInstance> {
  const init = newInstance(overrides);
  await store.createInstance(init, now);
  return init;
}

export function claimAll(
  store: TaskHubStore,
  now: number,
  options: { limit?: number; leaseMs?: number; maxMessages?: number; owner?: string } = {},
): Promise<OrchestrationWorkItem[]> {
  return store.claimOrchestrations({
    owner: options.owner ?? "contract-worker",
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? LEASE_MS,
    now,
    ...(options.maxMessages === undefined ? {} : { maxMessages: options.maxMessages }),
  });
}

/**
 * Claims and returns the work item of one instance; fails the test if it was not
 * claimed. The port claims whatever has work, so the other claims are released.
 */
export async function claimOne(store: TaskHubStore, instanceId: string, now = T0, leaseMs = LEASE_MS): Promise<OrchestrationWorkItem> {
  const items = await claimAll(store, now, { leaseMs });
  const item = items.find((candidate) => candidate.instance.instanceId === instanceId);
  for (const other of items) {
    if (other !== item) await store.releaseOrchestration(other.instance.instanceId, other.leaseToken);
  }
  expect(item, `instance ${instanceId} should be claimable at ${toIso(now)}`).toBeDefined();
  return item as OrchestrationWorkItem;
}

export function ids(items: readonly OrchestrationWorkItem[]): string[] {
  return items.map((item) => item.instance.instanceId);
}

export function event(seq: number, type: EventType, extra: Partial<HistoryEvent> = {}, at = T0): HistoryEvent {
  return { seq, type, at: toIso(at), ...extra };
}

export function message(instanceId: string, type: EventType, extra: Partial<NewHistoryEvent> = {}, visibleAt?: number): NewMessage {
  const msg: NewMessage = { instanceId, event: { type, at: toIso(T0), ...extra } };
  if (visibleAt !== undefined) msg.visibleAt = visibleAt;
  return msg;
}

/** A turn that consumes everything it was given, appends nothing and keeps lastSeq. */
export function turnFor(item: OrchestrationWorkItem, patch: Partial<TurnCommit> = {}): TurnCommit {
  return {
    instanceId: item.instance.instanceId,
    leaseToken: item.leaseToken,
    consumedMessageIds: item.messages.map((m) => m.id),
    events: [],
    update: { lastSeq: item.instance.lastSeq },
    messages: [],
    activities: [],
    instances: [],
    ...patch,
  };
}

/**
 * A local turn over the instance state it was computed from: it records a TaskCompleted
 * for each task it completes (tasks its worker holds) and advances lastSeq by as many.
 */
export function localTurn(
  state: Pick<InstanceRecord, "instanceId" | "lastSeq" | "executionId">,
  completes: readonly ActivityWorkItem[],
  patch: Partial<TurnCommit> = {},
  now = T0,
): TurnCommit {
  const events = completes.map((task, index) =>
    event(state.lastSeq + index + 1, "TaskCompleted", { taskId: task.taskId, attempt: task.attempt, result: { local: true } }, now),
  );
  return {
    instanceId: state.instanceId,
    local: {
      lastSeq: state.lastSeq,
      executionId: state.executionId,
      completes: completes.map(({ id, leaseToken }) => ({ id, leaseToken })),
    },
    consumedMessageIds: [],
    events,
    update: { lastSeq: state.lastSeq + events.length },
    messages: [],
    activities: [],
    instances: [],
    ...patch,
  };
}

/** The first turn of a claimed instance: records ExecutionStarted + OrchestratorStarted and marks it running. */
export function firstTurn(item: OrchestrationWorkItem, patch: Partial<TurnCommit> = {}, now = T0): TurnCommit {
  return turnFor(item, {
    events: [
      event(1, "ExecutionStarted", { name: item.instance.name, input: item.instance.input }, now),
      event(2, "OrchestratorStarted", {}, now),
    ],
    update: { lastSeq: 2, status: "running" },
    ...patch,
  });
}

/** Which turns of a batch committed, one boolean per turn. */
export function committed(outcomes: readonly TurnOutcome[]): boolean[] {
  return outcomes.map((outcome) => outcome.committed);
}

export async function commitOne(store: TaskHubStore, turn: TurnCommit, now = T0): Promise<boolean> {
  const [outcome] = await store.commitTurns([turn], now);
  return outcome?.committed === true;
}

/** Creates an instance, runs its first turn (now running) and returns its id. */
export async function startRunning(
  store: TaskHubStore,
  overrides: Partial<NewInstance> = {},
  patch: Partial<TurnCommit> = {},
  now = T0,
): Promise<NewInstance> {
  const init = await start(store, overrides, now);
  const item = await claimOne(store, init.instanceId, now);
  expect(await commitOne(store, firstTurn(item, patch, now), now)).toBe(true);
  return init;
}

export function activityTask(instance: NewInstance, overrides: Partial<NewActivityTask> = {}): NewActivityTask {
  return {
    instanceId: instance.instanceId,
    executionId: instance.executionId,
    taskId: 1,
    name: "contract.activity",
    input: { x: 1 },
    attempt: 1,
    ...overrides,
  };
}

/** Starts a running instance whose first turn scheduled these activity tasks. */
export async function scheduleActivities(store: TaskHubStore, tasks: readonly Partial<NewActivityTask>[], now = T0): Promise<NewInstance> {
  const init = newInstance();
  await store.createInstance(init, now);
  const item = await claimOne(store, init.instanceId, now);
  const activities = tasks.map((task, index) => activityTask(init, { taskId: index + 1, ...task }));
  expect(await commitOne(store, firstTurn(item, { activities }, now), now)).toBe(true);
  return init;
}

export function claimTasks(
  store: TaskHubStore,
  now: number,
  options: { limit?: number; leaseMs?: number; names?: readonly string[]; owner?: string; suspects?: number } = {},
): Promise<ActivityWorkItem[]> {
  return store.claimActivities({
    owner: options.owner ?? "contract-worker",
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? LEASE_MS,
    now,
    ...(options.names === undefined ? {} : { names: options.names }),
    ...(options.suspects === undefined ? {} : { suspects: options.suspects }),
  });
}

/** Activity results carry a TaskCompleted message for the owning instance. */
export function taskCompleted(task: ActivityWorkItem, result: unknown = { ok: true }): NewMessage {
  return message(task.instanceId, "TaskCompleted", { taskId: task.taskId, attempt: task.attempt, result });
}
