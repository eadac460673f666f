import type Database from "better-sqlite3";
import { WorkflowNotFoundError, toIso } from "@weft/engine";
import {
  type NewOutboxEntry,
  type OutboxEntry,
  type WorkflowDraft,
  type WorkflowRecord,
  type WorkflowSummary,
  type WorkflowVersion,
} from "@weft/workflow-store";
import {
  toJson,
  toOutboxEntry,
  toWorkflowRecord,
  toWorkflowVersion,
  type OutboxRow,
  type WorkflowRow,
  type WorkflowVersionRow,
} from "./rows.js";
import { lastVersionKey } from "@weft/workflow-store";
import { prepareServerStatements, type ServerStatements } from "./server-statements.js";

const DEFAULT_OUTBOX_LIMIT = 50;
const MAX_OUTBOX_LIMIT = 1000;

type VersionListing = Pick<WorkflowVersionRow, "version" | "published_at">;

/**
 * The Store methods for the server's tables: workflow drafts and published
 * versions, once keys, values and the outbox. Synchronous, like the driver;
 * the store wraps each call (closed check, error wrapping). None of these
 * touch instances, so none of them notify.
 */
export class ServerTables {
  readonly #s: ServerStatements;
  readonly #txSaveDraft: Database.Transaction<(draft: WorkflowDraft, now: number) => WorkflowRecord>;
  readonly #txPublish: Database.Transaction<(workflowId: string, definition: unknown, now: number) => number>;
  readonly #txDelete: Database.Transaction<(workflowId: string) => boolean>;
  readonly #txClaimOnce: Database.Transaction<(key: string, expiresAt: number, now: number) => boolean>;
  // Reads of a workflow with its versions take two statements: one (deferred)
  // transaction makes them one snapshot.
  readonly #txGetWorkflow: Database.Transaction<(workflowId: string) => WorkflowRecord | undefined>;
  readonly #txListWorkflows: Database.Transaction<() => WorkflowRecord[]>;

  constructor(db: Database.Database) {
    const s = prepareServerStatements(db);
    this.#s = s;
    this.#txSaveDraft = db.transaction((draft: WorkflowDraft, now: number) => {
      s.upsertWorkflow.run({
        workflowId: draft.workflowId,
        name: draft.name,
        draft: toJson(draft.draft),
        trigger: toJson(draft.trigger),
        at: toIso(now),
      });
      return this.#readWorkflow(draft.workflowId) as WorkflowRecord;
    });
    this.#txPublish = db.transaction((workflowId: string, definition: unknown, now: number) => {
      if (s.getWorkflow.get(workflowId) === undefined) throw new WorkflowNotFoundError(workflowId);
      const row = s.insertNextVersion.get({
        workflowId,
        definition: toJson(definition),
        publishedAt: toIso(now),
        lastVersionKey: lastVersionKey(workflowId),
      }) as { version: number };
      return row.version;
    });
    this.#txDelete = db.transaction((workflowId: string) => {
      s.rememberLastVersion.run({ workflowId, lastVersionKey: lastVersionKey(workflowId) });
      s.deleteVersions.run(workflowId);
      return s.deleteWorkflow.run(workflowId).changes > 0;
    });
    this.#txClaimOnce = db.transaction((key: string, expiresAt: number, now: number) => {
      // Sweeping only removes records that no longer count, so it cannot change an answer.
      s.sweepOnceKeys.run({ now });
      return s.claimOnceKey.run({ key, expiresAt, now }).changes > 0;
    });
    this.#txGetWorkflow = db.transaction((workflowId: string) => this.#readWorkflow(workflowId));
    this.#txListWorkflows = db.transaction(() => {
      const byWorkflow = new Map<string, VersionListing[]>();
      for (const version of s.allVersions.all() as (VersionListing & { workflow_id: string })[]) {
        const list = byWorkflow.get(version.workflow_id) ?? [];
        list.push(version);
        byWorkflow.set(version.workflow_id, list);
      }
      return (s.listWorkflows.all() as WorkflowRow[]).map((row) => toWorkflowRecord(row, byWorkflow.get(row.workflow_id) ?? []));
    });
  }

  // ---- workflow definitions ----------------------------------------------------------

  saveWorkflowDraft(draft: WorkflowDraft, now: number): WorkflowRecord {
    return this.#txSaveDraft.immediate(draft, now);
  }

  getWorkflow(workflowId: string): WorkflowRecord | undefined {
    return this.#txGetWorkflow.deferred(workflowId);
  }

  listWorkflows(): WorkflowSummary[] {
    return this.#txListWorkflows.deferred();
  }

  publishWorkflowVersion(workflowId: string, definition: unknown, now: number): number {
    return this.#txPublish.immediate(workflowId, definition, now);
  }

  getWorkflowVersion(workflowId: string, version: number): WorkflowVersion | undefined {
    const row = this.#s.getVersion.get(workflowId, version) as WorkflowVersionRow | undefined;
    return row ? toWorkflowVersion(row) : undefined;
  }

  deleteWorkflow(workflowId: string): boolean {
    return this.#txDelete.immediate(workflowId);
  }

  // ---- small durable facts -------------------------------------------------------------

  claimOnce(key: string, expiresAt: number, now: number): boolean {
    return this.#txClaimOnce.immediate(key, expiresAt, now);
  }

  getValue(key: string): string | undefined {
    const row = this.#s.getValue.get(key) as { value: string } | undefined;
    return row?.value;
  }

  setValue(key: string, value: string): void {
    this.#s.setValue.run(key, value);
  }

  appendOutbox(entry: NewOutboxEntry, now: number): OutboxEntry {
    const row = this.#s.insertOutbox.get({
      channel: entry.channel,
      recipient: entry.to ?? null,
      subject: entry.subject ?? null,
      body: toJson(entry.body),
      instanceId: entry.instanceId ?? null,
      taskId: entry.taskId ?? null,
      createdAt: toIso(now),
    }) as OutboxRow;
    return toOutboxEntry(row);
  }

  listOutbox(options: { limit?: number; beforeId?: number; instanceId?: string } = {}): OutboxEntry[] {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_OUTBOX_LIMIT), 1), MAX_OUTBOX_LIMIT);
    const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
    const rows = (
      options.instanceId === undefined
        ? this.#s.listOutbox.all({ beforeId, limit })
        : this.#s.listOutboxOfInstance.all({ instanceId: options.instanceId, beforeId, limit })
    ) as OutboxRow[];
    return rows.map(toOutboxEntry);
  }

  // ---- internals ---------------------------------------------------------------------

  #readWorkflow(workflowId: string): WorkflowRecord | undefined {
    const row = this.#s.getWorkflow.get(workflowId) as WorkflowRow | undefined;
    if (!row) return undefined;
    return toWorkflowRecord(row, this.#s.versionsOf.all(workflowId) as VersionListing[]);
  }
}
