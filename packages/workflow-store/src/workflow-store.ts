import type { TaskHubStore } from "@weft/engine";

/**
 * What the server keeps beside the task hub: workflow drafts and their published versions,
 * and small durable facts (claim-once keys, values, the demo outbox). The engine never
 * calls these; the SQL stores implement them in tables of their own (`server-tables.ts`), the memory
 * store in `memory-workflow-tables.ts`.
 */
export interface WorkflowStore {
  // ---- workflow definitions (drafts and immutable published versions) -----------

  /** Creates or replaces a workflow's draft (any JSON); `name` and `trigger` are kept for listing. */
  saveWorkflowDraft(draft: WorkflowDraft, now: number): Promise<WorkflowRecord>;

  /** The draft and the list of published versions; undefined if unknown. */
  getWorkflow(workflowId: string): Promise<WorkflowRecord | undefined>;

  /**
   * Every workflow, by id, without its draft (read that with `getWorkflow`): listing
   * stays cheap with thousands of workflows, and the server lists on every validation.
   */
  listWorkflows(): Promise<WorkflowSummary[]>;

  /**
   * Freezes `definition` as the next version (1, 2, 3 …) atomically: two
   * concurrent publishes get different numbers. The workflow must exist
   * (a draft saved first), else throws `WorkflowNotFoundError`. Numbers are never
   * reused, also not by a workflow deleted and made again under the same id: a
   * (workflow, version) pair means one definition forever, so caches keyed by it
   * (in every process) and instances tagged with it cannot meet another one.
   */
  publishWorkflowVersion(workflowId: string, definition: unknown, now: number): Promise<number>;

  getWorkflowVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined>;

  /** Deletes the workflow with its draft and versions; false if unknown. */
  deleteWorkflow(workflowId: string): Promise<boolean>;

  // ---- small durable facts for the server -------------------------------------------

  /**
   * Records `key` if it is not recorded (or its previous record expired before `now`),
   * and says whether this call recorded it. Used so that a webhook signature is
   * accepted once and a schedule tick fires once, across restarts and processes.
   */
  claimOnce(key: string, expiresAt: number, now: number): Promise<boolean>;

  /** A durable string value by key (e.g. a schedule's last fired tick); undefined if unset. */
  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string): Promise<void>;

  /** Appends a message to the outbox (what notify.send and the demo steps "sent"). */
  appendOutbox(entry: NewOutboxEntry, now: number): Promise<OutboxEntry>;

  /** Newest first; `beforeId` pages back. Default limit 50, max 1000. */
  listOutbox(options?: { limit?: number; beforeId?: number; instanceId?: string }): Promise<OutboxEntry[]>;
}

/** A whole store, as a backend implements it and the server opens it: the engine's task hub and the server's tables. */
export interface Store extends TaskHubStore, WorkflowStore {}

export interface WorkflowDraft {
  workflowId: string;
  name: string;
  /** The draft definition as saved (it only has to parse, not validate). */
  draft: unknown;
  trigger?: unknown;
}

export interface WorkflowRecord extends WorkflowDraft {
  createdAt: string;
  updatedAt: string;
  /** 0 when nothing is published yet. */
  latestVersion: number;
  versions: { version: number; publishedAt: string }[];
}

/** A workflow as listed: everything but the draft. */
export type WorkflowSummary = Omit<WorkflowRecord, "draft">;

export interface WorkflowVersion {
  workflowId: string;
  version: number;
  definition: unknown;
  publishedAt: string;
}

export interface NewOutboxEntry {
  channel: string;
  to?: string;
  subject?: string;
  body?: unknown;
  instanceId?: string;
  taskId?: number;
}

export interface OutboxEntry extends NewOutboxEntry {
  id: number;
  createdAt: string;
}
