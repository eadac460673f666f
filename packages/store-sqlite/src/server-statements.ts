import type Database from "better-sqlite3";

/**
 * The statements of the server's tables (workflows and their versions, once
 * keys, values, the outbox), prepared once at open like `statements.ts`.
 */
export interface ServerStatements {
  // workflows and their published versions
  getWorkflow: Database.Statement;
  listWorkflows: Database.Statement;
  upsertWorkflow: Database.Statement;
  deleteWorkflow: Database.Statement;
  versionsOf: Database.Statement;
  allVersions: Database.Statement;
  getVersion: Database.Statement;
  insertNextVersion: Database.Statement;
  deleteVersions: Database.Statement;
  rememberLastVersion: Database.Statement;
  // once keys
  sweepOnceKeys: Database.Statement;
  claimOnceKey: Database.Statement;
  // values
  getValue: Database.Statement;
  setValue: Database.Statement;
  // outbox
  insertOutbox: Database.Statement;
  listOutbox: Database.Statement;
  listOutboxOfInstance: Database.Statement;
}

/** Expired once keys removed per claim: more than a claim adds, so the table cannot grow without bound. */
export const ONCE_KEY_SWEEP = 100;

export function prepareServerStatements(db: Database.Database): ServerStatements {
  const p = (sql: string): Database.Statement => db.prepare(sql);
  return {
    getWorkflow: p("SELECT * FROM workflows WHERE workflow_id = ?"),
    // Without the draft: listing must not parse every drawing (see Store.listWorkflows).
    listWorkflows: p("SELECT workflow_id, name, NULL AS draft, trigger_def, created_at, updated_at FROM workflows ORDER BY workflow_id"),
    // Saving replaces the draft; created_at stays what the first save wrote.
    upsertWorkflow: p(
      `INSERT INTO workflows (workflow_id, name, draft, trigger_def, created_at, updated_at)
       VALUES (@workflowId, @name, @draft, @trigger, @at, @at)
       ON CONFLICT (workflow_id) DO UPDATE SET
         name = excluded.name, draft = excluded.draft, trigger_def = excluded.trigger_def, updated_at = excluded.updated_at`,
    ),
    deleteWorkflow: p("DELETE FROM workflows WHERE workflow_id = ?"),
    versionsOf: p("SELECT version, published_at FROM workflow_versions WHERE workflow_id = ? ORDER BY version"),
    allVersions: p("SELECT workflow_id, version, published_at FROM workflow_versions ORDER BY workflow_id, version"),
    getVersion: p("SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?"),
    // Run inside an IMMEDIATE transaction: the write lock is held from before the
    // MAX is read until the row is in, so two publishes never compute the same number.
    // Numbers continue past the versions of a deleted workflow of the same id (kept in kv by
    // rememberLastVersion), so a (workflow, version) pair never means two definitions.
    insertNextVersion: p(
      `INSERT INTO workflow_versions (workflow_id, version, definition, published_at)
       SELECT @workflowId,
              MAX(COALESCE((SELECT MAX(version) FROM workflow_versions WHERE workflow_id = @workflowId), 0),
                  COALESCE((SELECT CAST(value AS INTEGER) FROM kv WHERE key = @lastVersionKey), 0)) + 1,
              @definition, @publishedAt
       RETURNING version`,
    ),
    rememberLastVersion: p(
      `INSERT INTO kv (key, value)
       SELECT @lastVersionKey, CAST(MAX(version) AS TEXT) FROM workflow_versions WHERE workflow_id = @workflowId HAVING MAX(version) IS NOT NULL
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    deleteVersions: p("DELETE FROM workflow_versions WHERE workflow_id = ?"),

    sweepOnceKeys: p(
      `DELETE FROM once_keys WHERE key IN (
         SELECT key FROM once_keys WHERE expires_at <= @now ORDER BY expires_at LIMIT ${ONCE_KEY_SWEEP})`,
    ),
    // Inserts a new key, or takes over an expired one; a live record is left as it
    // is (not extended). `changes` is 1 exactly when this call recorded the key.
    claimOnceKey: p(
      `INSERT INTO once_keys (key, expires_at) VALUES (@key, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE once_keys.expires_at <= @now`,
    ),

    getValue: p("SELECT value FROM kv WHERE key = ?"),
    setValue: p("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),

    insertOutbox: p(
      `INSERT INTO outbox (channel, recipient, subject, body, instance_id, task_id, created_at)
       VALUES (@channel, @recipient, @subject, @body, @instanceId, @taskId, @createdAt)
       RETURNING *`,
    ),
    // Two statements rather than `(@instanceId IS NULL OR …)`, so each uses its index.
    listOutbox: p("SELECT * FROM outbox WHERE id < @beforeId ORDER BY id DESC LIMIT @limit"),
    listOutboxOfInstance: p("SELECT * FROM outbox WHERE instance_id = @instanceId AND id < @beforeId ORDER BY id DESC LIMIT @limit"),
  };
}
