/**
 * The server's tables in memory: workflow drafts and published versions, and the small
 * durable facts (claim-once keys, values, the demo outbox). `MemoryServerStore` puts them
 * beside the engine's memory task hub.
 */
import { WorkflowNotFoundError } from "@weft/engine";
import { clone, iso } from "@weft/engine/testing";
import type {
  NewOutboxEntry,
  OutboxEntry,
  WorkflowDraft,
  WorkflowRecord,
  WorkflowStore,
  WorkflowSummary,
  WorkflowVersion,
} from "../workflow-store.js";

interface StoredWorkflow {
  draft: WorkflowDraft;
  createdAt: string;
  updatedAt: string;
  /** In version order. */
  versions: WorkflowVersion[];
}

export class MemoryWorkflowTables implements WorkflowStore {
  #workflows = new Map<string, StoredWorkflow>();
  /** Key → expiresAt. */
  #onceKeys = new Map<string, number>();
  /** The last version number of each deleted workflow: a new one of the same id goes on from there. */
  readonly #lastVersions = new Map<string, number>();
  #values = new Map<string, string>();
  #outbox: OutboxEntry[] = [];
  #nextOutboxId = 1;

  // ---- workflow definitions -------------------------------------------------------

  async saveWorkflowDraft(draft: WorkflowDraft, now: number): Promise<WorkflowRecord> {
    const existing = this.#workflows.get(draft.workflowId);
    // Only the draft's own fields: a caller may hand in a larger object (a whole record).
    const kept: WorkflowDraft = { workflowId: draft.workflowId, name: draft.name, draft: clone(draft.draft) };
    if (draft.trigger !== undefined) kept.trigger = clone(draft.trigger);
    const stored: StoredWorkflow = {
      draft: kept,
      createdAt: existing?.createdAt ?? iso(now),
      updatedAt: iso(now),
      versions: existing?.versions ?? [],
    };
    this.#workflows.set(draft.workflowId, stored);
    return workflowRecord(stored);
  }

  async getWorkflow(workflowId: string): Promise<WorkflowRecord | undefined> {
    const stored = this.#workflows.get(workflowId);
    return stored ? workflowRecord(stored) : undefined;
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return [...this.#workflows.keys()].sort(byCodeUnits).map((id) => {
      const { draft: _draft, ...summary } = workflowRecord(this.#workflows.get(id) as StoredWorkflow);
      return summary;
    });
  }

  async publishWorkflowVersion(workflowId: string, definition: unknown, now: number): Promise<number> {
    const stored = this.#workflows.get(workflowId);
    if (!stored) throw new WorkflowNotFoundError(workflowId);
    const version = Math.max(stored.versions[stored.versions.length - 1]?.version ?? 0, this.#lastVersions.get(workflowId) ?? 0) + 1;
    stored.versions.push({ workflowId, version, definition: clone(definition), publishedAt: iso(now) });
    return version;
  }

  async getWorkflowVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    const found = this.#workflows.get(workflowId)?.versions.find((v) => v.version === version);
    return found ? clone(found) : undefined;
  }

  async deleteWorkflow(workflowId: string): Promise<boolean> {
    const last = this.#workflows.get(workflowId)?.versions.at(-1)?.version;
    if (last !== undefined) this.#lastVersions.set(workflowId, last);
    return this.#workflows.delete(workflowId);
  }

  // ---- small durable facts for the server ---------------------------------------------

  async claimOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    const recorded = this.#onceKeys.get(key);
    if (recorded !== undefined && recorded > now) return false;
    this.#onceKeys.set(key, expiresAt);
    return true;
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.#values.get(key);
  }

  async setValue(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }

  async appendOutbox(entry: NewOutboxEntry, now: number): Promise<OutboxEntry> {
    const stored: OutboxEntry = { channel: entry.channel, id: this.#nextOutboxId++, createdAt: iso(now) };
    if (entry.to !== undefined) stored.to = entry.to;
    if (entry.subject !== undefined) stored.subject = entry.subject;
    if (entry.body !== undefined) stored.body = clone(entry.body);
    if (entry.instanceId !== undefined) stored.instanceId = entry.instanceId;
    if (entry.taskId !== undefined) stored.taskId = entry.taskId;
    this.#outbox.push(stored);
    return clone(stored);
  }

  async listOutbox(options: { limit?: number; beforeId?: number; instanceId?: string } = {}): Promise<OutboxEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 1000);
    const { beforeId, instanceId } = options;
    return this.#outbox
      .filter((e) => (beforeId === undefined || e.id < beforeId) && (instanceId === undefined || e.instanceId === instanceId))
      .reverse()
      .slice(0, limit)
      .map(clone);
  }
}

function workflowRecord(stored: StoredWorkflow): WorkflowRecord {
  const versions = stored.versions.map(({ version, publishedAt }) => ({ version, publishedAt }));
  return clone({
    ...stored.draft,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    latestVersion: versions[versions.length - 1]?.version ?? 0,
    versions,
  });
}

/** Plain code-unit order, not locale order: what a database's binary collation does for the ids we use. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
