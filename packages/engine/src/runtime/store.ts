import type { HistoryEvent, NewHistoryEvent, Tags } from "../core/history.js";
import type { InstanceRecord, InstanceStatus, PendingWait } from "./instance.js";

/**
 * The task hub's port: instances, history, inboxes, activity tasks, leases and change
 * notifications — everything the engine (worker and client) reads and writes. The
 * engine owns this interface and its contract suite (`@weft/engine/testing`); every
 * store runs that suite unchanged.
 *
 * Invariants every implementation keeps:
 * - History is append-only per instance, `seq` strictly increasing by 1.
 * - Everything one turn produces (`commitTurns`) commits atomically, or not at all.
 * - A turn or activity result whose lease was lost (expired and re-claimed,
 *   or released) is rejected: nothing of it is written ("fencing").
 * - Times passed in (`now`) come from the engine's Clock; the store never reads
 *   the wall clock for visibility or lease decisions, so fake clocks work.
 */
export interface TaskHubStore {
  /** "sqlite" | "postgres" | "memory" … */
  readonly kind: string;

  // ---- instances ---------------------------------------------------------

  /**
   * Creates an instance (status `pending`, lastSeq 0) and enqueues its
   * ExecutionStarted message (visible at `init.visibleAt ?? now`) in one
   * transaction. If an instance with this id exists and is not terminal, throws
   * `InstanceExistsError`. If it exists and is terminal, it is replaced: its
   * history, inbox and activity tasks are deleted first.
   */
  createInstance(init: NewInstance, now: number): Promise<void>;

  /**
   * Group commit of starts: creates each instance as `createInstance` does, all in one
   * transaction. An instance whose id exists and is not terminal is not created (its
   * outcome says so) and does not stop the others; two inits with the same id in one
   * call: the first wins, the second is reported as existing.
   */
  createInstances(inits: readonly NewInstance[], now: number): Promise<CreateOutcome[]>;

  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;

  /** Newest first (createdAt desc, then instanceId desc); cursor paging. */
  listInstances(query: InstanceQuery): Promise<InstancePage>;

  /** How many instances there are in each status (every status present, zero included). */
  countInstances(): Promise<Record<InstanceStatus, number>>;

  /** Work waiting now: instances with visible inbox messages, and visible activity tasks (leased ones excluded). */
  queueDepth(now: number): Promise<{ orchestrations: number; activities: number }>;

  /** Events with seq > afterSeq (default 0), in seq order, at most `limit` (default all). */
  getHistory(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEvent[]>;

  /**
   * Puts a message in an instance's inbox. Atomically checks the instance: returns
   * "not-found" if it does not exist, "rejected" if `onlyIfStatus` is given and
   * the instance's status is not in it (nothing is written then), else "ok".
   */
  enqueueMessage(message: NewMessage, options?: { onlyIfStatus?: readonly InstanceStatus[] }): Promise<EnqueueResult>;

  /** Group commit of messages: each as `enqueueMessage` would, all in one transaction; one result per message. */
  enqueueMessages(messages: readonly MessageToEnqueue[]): Promise<EnqueueResult[]>;

  /**
   * Deletes a terminal instance with its history, inbox and activity tasks.
   * "not-terminal" (nothing deleted) while it is pending, running or suspended.
   */
  purgeInstance(instanceId: string): Promise<"purged" | "not-found" | "not-terminal">;

  // ---- orchestration work ------------------------------------------------

  /**
   * Claims up to `limit` instances that have work: at least one inbox message
   * with visibleAt <= now, and no live lease (none, or leaseExpiresAt <= now).
   * A `suspended` instance counts only messages of type ExecutionResumed,
   * ExecutionTerminated; a suspended instance's other messages stay put.
   * Each claimed instance gets a fresh lease token (a new token per claim, so a
   * worker whose lease lapsed and was re-claimed can no longer commit), and its
   * visible messages (for a suspended instance: only the ones that count), in
   * message-id order, at most `maxMessages` (default 1000).
   * Instances are claimed oldest-work-first (by their oldest visible message id).
   */
  claimOrchestrations(request: ClaimRequest & { maxMessages?: number }): Promise<OrchestrationWorkItem[]>;

  /**
   * Commits turns. A claimed turn is fenced by its lease token: a turn whose lease is
   * no longer held (token differs, or the lease expired before `now`) is rejected
   * and writes nothing; the others commit. A local turn (`local`, see TurnCommit) is
   * fenced by the instance's state instead. Returns one outcome per turn, with the
   * activity tasks it claimed (`claimFor`). Implementations may commit the batch in
   * one transaction (group commit) as long as a rejected turn writes nothing.
   */
  commitTurns(turns: readonly TurnCommit[], now: number): Promise<TurnOutcome[]>;

  /** Gives up a claim without consuming anything (e.g. on shutdown). */
  releaseOrchestration(instanceId: string, leaseToken: string): Promise<void>;

  // ---- activity work -----------------------------------------------------

  /**
   * Claims up to `limit` activity tasks with visibleAt <= now and no live lease,
   * oldest first; optionally only tasks whose name is in `names`, and at most
   * `suspects` of the tasks claimed before. Tasks reserved for another owner
   * (`reserveFor`) are left out until their reservation ends; the owner's own are in.
   * Each claim gets a fresh lease token and increments the task's `claimCount`.
   */
  claimActivities(request: ActivityClaimRequest): Promise<ActivityWorkItem[]>;

  /**
   * Extends the leases of tasks still held by these tokens; returns the ids
   * still held (a task whose lease was lost is not in the result).
   */
  renewActivityLeases(leases: readonly { id: string; leaseToken: string }[], leaseMs: number, now: number): Promise<string[]>;

  /**
   * For each result, atomically: if the task exists and its lease token matches
   * (and has not expired before `now`), deletes the task and enqueues
   * `result.message` into the owning instance's inbox; else writes nothing.
   * Returns one boolean per result.
   */
  completeActivities(results: readonly ActivityResult[], now: number): Promise<boolean[]>;

  // ---- worker liveness (optional) -----------------------------------------

  /**
   * Optional: stores that can tell when a worker's process is gone (PostgreSQL: its
   * session ends, and with it a lock the session held) implement these three, so a
   * dead worker's leases go back to the queue at once instead of when they expire.
   * Fencing makes this safe: were the worker alive after all, it could no longer
   * commit under the leases it lost, exactly as after an expiry.
   *
   * registerWorker: from now until unregisterWorker (or the process dies), `owner`
   * counts as alive. Called before the worker's first claim.
   */
  registerWorker?(owner: string): Promise<void>;
  /** The worker stopped cleanly: forget it (its leases were released or completed). */
  unregisterWorker?(owner: string): Promise<void>;
  /**
   * Ends the leases that registered workers, now dead, still hold: their instances are
   * claimable at once, their activity tasks visible at `now` (claim counts kept, so a
   * poison activity is still counted). Returns how many dead workers were found.
   */
  releaseDeadWorkers?(now: number): Promise<number>;

  // ---- timing and notifications -------------------------------------------

  /**
   * The earliest time (epoch ms) after `now` at which an inbox message or an
   * activity task becomes visible or a lease expires; undefined if none.
   * Dispatchers sleep until then (or until notified).
   */
  nextWakeAt(now: number): Promise<number | undefined>;

  /**
   * Change notifications, after commit. In-process for SQLite; across
   * processes (LISTEN/NOTIFY) for PostgreSQL. Returns an unsubscribe function.
   */
  subscribe(listener: (notification: StoreNotification) => void): () => void;

  /** Releases connections and locks. Idempotent. */
  close(): Promise<void>;
}

export type EnqueueResult = "ok" | "not-found" | "rejected";

export interface MessageToEnqueue {
  message: NewMessage;
  /** As enqueueMessage's option: "rejected" (nothing written) unless the instance's status is one of these. */
  onlyIfStatus?: readonly InstanceStatus[];
}

/** What createInstances did with one init: created, or left alone because a live instance has the id. */
export type CreateOutcome = { created: true } | { created: false; status: InstanceStatus };

export interface NewInstance {
  instanceId: string;
  name: string;
  executionId: string;
  input: unknown;
  tags?: Record<string, string>;
  parentInstanceId?: string;
  parentTaskId?: number;
  /** Delayed start; default now. */
  visibleAt?: number;
}

export interface InstanceQuery {
  status?: readonly InstanceStatus[];
  name?: string;
  /** Every given tag must match exactly. */
  tags?: Record<string, string>;
  /** createdAt >= createdFrom (ISO). */
  createdFrom?: string;
  /** createdAt < createdTo (ISO). */
  createdTo?: string;
  /** Instance id contains this text (case-sensitive). */
  idContains?: string;
  parentInstanceId?: string;
  /** Default 50, max 1000. */
  limit?: number;
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
}

export interface InstancePage {
  items: InstanceRecord[];
  nextCursor?: string;
}

/** A message in an instance's orchestration inbox; becomes a history event when consumed. */
export interface InboxMessage {
  id: number;
  instanceId: string;
  /**
   * When set, the message belongs to that execution; the runtime drops it if the
   * instance has moved on (continue-as-new, id reuse).
   */
  executionId?: string;
  event: NewHistoryEvent;
  visibleAt: number;
}

export type NewMessage = Omit<InboxMessage, "id" | "visibleAt"> & { visibleAt?: number };

export interface ClaimRequest {
  /** Identifies the worker, for diagnostics. */
  owner: string;
  limit: number;
  leaseMs: number;
  now: number;
}

export interface ActivityClaimRequest extends ClaimRequest {
  /** Only tasks with these names. Default: any name. */
  names?: readonly string[];
  /**
   * A bound on suspects: of the tasks claimed before (claimCount > 0 before this claim:
   * each holder died or stalled without a result), at most this many are claimed; other
   * tasks are not affected. A worker runs a suspect alone, so it asks for one at a time.
   * Default: no bound.
   */
  suspects?: number;
}

export interface OrchestrationWorkItem {
  instance: InstanceRecord;
  leaseToken: string;
  messages: InboxMessage[];
}

export interface TurnCommit {
  instanceId: string;
  /** The lease the turn was claimed under; absent for a local turn. */
  leaseToken?: string;
  /**
   * A local turn (local dispatch): the worker ran it straight on activity results it
   * holds, over the executor it keeps in memory, without claiming the instance. It
   * commits only if, at `now`, the instance has no live lease (none, or expired), its
   * status is `running`, and its `lastSeq` and `executionId` are these — the state the
   * turn was computed from — and every task in `completes` is still held by its lease
   * token (as completeActivities checks). Those tasks are deleted with the turn; their
   * results are in the turn's events, never in the inbox. Rejected, nothing is written:
   * the worker then hands the results over with completeActivities, as without local
   * dispatch. The instance's other inbox messages stay for a claimed turn.
   */
  local?: { lastSeq: number; executionId: string; completes: readonly { id: string; leaseToken: string }[] };
  /** Inbox message ids this turn consumed (deleted on commit). */
  consumedMessageIds: readonly number[];
  /**
   * Deletes the instance's history with seq <= this before appending (continue-as-new
   * starts the new execution's history; seqs keep increasing).
   */
  deleteHistoryThroughSeq?: number;
  /** New history, seqs continuing the instance's lastSeq without gaps. */
  events: readonly HistoryEvent[];
  /** Fields to set on the instance; `lastSeq` is required, `updatedAt` is set to now. */
  update: InstanceUpdate;
  /** Inbox messages for this or other instances (timers, events, results for a parent). Messages to unknown instances are dropped. */
  messages: readonly NewMessage[];
  activities: readonly NewActivityTask[];
  /** Sub-orchestrations: created like createInstance, but an existing id is left as is. */
  instances: readonly NewInstance[];
  /** Delete this instance's queued and leased activity tasks (on terminate/complete). */
  cancelActivities?: boolean;
  /** Delete this instance's remaining inbox messages (on reaching a terminal status). */
  dropInbox?: boolean;
}

export interface InstanceUpdate {
  lastSeq: number;
  status?: InstanceStatus;
  executionId?: string;
  input?: unknown;
  /** `null` clears. */
  output?: unknown;
  error?: InstanceRecord["error"] | null;
  customStatus?: unknown;
  completedAt?: string | null;
  pendingWaits?: PendingWait[];
}

export interface NewActivityTask {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: unknown;
  attempt: number;
  tags?: Tags;
  timeoutMs?: number;
  visibleAt?: number;
  /**
   * Local dispatch: claim the task for this owner in the same transaction that schedules
   * it — inserted leased (a fresh token, claimCount 1, lease until now + leaseMs) and
   * returned in the turn's outcome, so the worker runs it at once. Only for tasks visible
   * at `now`. Nothing else changes: the task is in the table like any other, and if the
   * worker dies its lease lapses and any worker claims it again.
   */
  claimFor?: { owner: string; leaseMs: number };
  /**
   * Sticky dispatch: a task this owner serves but has no room to run now. The store keeps
   * it for that owner's claims for `forMs` (not leased, not run, claimCount unchanged),
   * then for anyone's. The owner holds the instance's executor, so the result's turn runs
   * there without a replay; a task that waits longer than `forMs` goes to whichever worker
   * is free. A hint: stores where one process runs all work may ignore it.
   */
  reserveFor?: { owner: string; forMs: number };
}

/** What commitTurns did with one turn. */
export interface TurnOutcome {
  committed: boolean;
  /** The turn's tasks that had `claimFor`, leased to that owner, in the turn's order; empty if not committed. */
  claimed: ActivityWorkItem[];
}

export interface ActivityWorkItem extends Required<Omit<NewActivityTask, "tags" | "timeoutMs" | "visibleAt" | "claimFor" | "reserveFor">> {
  id: string;
  tags?: Tags;
  timeoutMs?: number;
  leaseToken: string;
  leaseExpiresAt: number;
  /** How many times this task has been claimed, this claim included. */
  claimCount: number;
}

export interface ActivityResult {
  id: string;
  leaseToken: string;
  /** A TaskCompleted or TaskFailed message for the owning instance. */
  message: NewMessage;
}

export type StoreNotification =
  | {
      kind: "instance-changed";
      instanceId: string;
      /**
       * The instance's status after the change, when the write established it (a committed
       * turn: the status it set, or `running` for a local turn, which only commits on a
       * running instance). Absent when the writer does not know it — then read the instance.
       * Lets a watcher such as `waitForCompletion` skip a read per step of a long chain.
       */
      status?: InstanceStatus;
    }
  | { kind: "work-available"; queue: "orchestration" | "activity" };
