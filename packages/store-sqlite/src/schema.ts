/**
 * The schema, as an ordered list of migrations. A migration is never edited once
 * released: a change is a new entry with the next version. `migrations.ts`
 * applies the missing ones at open, in one transaction.
 *
 * Conventions: times the engine decides on (visibility, leases) are epoch
 * milliseconds in INTEGER columns, so claims compare numbers; times shown to
 * people (createdAt …) are ISO 8601 TEXT, as the port returns them. JSON values
 * are TEXT written by JSON.stringify; SQL NULL means "absent" (undefined),
 * the text 'null' means JSON null.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "instances, tags, history, inbox, activity tasks",
    sql: `
      CREATE TABLE instances (
        instance_id        TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        execution_id       TEXT NOT NULL,
        status             TEXT NOT NULL,
        input              TEXT,
        output             TEXT,
        error              TEXT,
        custom_status      TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        completed_at       TEXT,
        parent_instance_id TEXT,
        parent_task_id     INTEGER,
        tags               TEXT NOT NULL DEFAULT '{}',
        last_seq           INTEGER NOT NULL DEFAULT 0,
        pending_waits      TEXT NOT NULL DEFAULT '[]',
        lease_token        TEXT,
        lease_owner        TEXT,
        lease_expires_at   INTEGER
      ) WITHOUT ROWID;

      -- listInstances: newest first, optionally within one name / status / parent.
      CREATE INDEX instances_by_created ON instances (created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_name ON instances (name, created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_status ON instances (status, created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_parent ON instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;
      -- nextWakeAt: the earliest live lease.
      CREATE INDEX instances_by_lease ON instances (lease_expires_at) WHERE lease_token IS NOT NULL;

      -- Tags are also in instances.tags (returned as is); this table makes them filterable.
      CREATE TABLE instance_tags (
        instance_id TEXT NOT NULL,
        key         TEXT NOT NULL,
        value       TEXT NOT NULL,
        PRIMARY KEY (instance_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX instance_tags_by_value ON instance_tags (key, value, instance_id);

      CREATE TABLE history (
        instance_id TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        type        TEXT NOT NULL,
        at          TEXT NOT NULL,
        event       TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)
      ) WITHOUT ROWID;

      -- AUTOINCREMENT: message ids never go back, even after the newest is deleted,
      -- so "message-id order" is arrival order for the life of the database.
      CREATE TABLE inbox (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        instance_id  TEXT NOT NULL,
        execution_id TEXT,
        event_type   TEXT NOT NULL,
        event        TEXT NOT NULL,
        visible_at   INTEGER NOT NULL
      );
      -- claimOrchestrations scans visible messages; nextWakeAt seeks the first future one.
      CREATE INDEX inbox_by_visible ON inbox (visible_at, instance_id);
      CREATE INDEX inbox_by_instance ON inbox (instance_id, id);

      -- available_at = visible_at while queued, lease_expires_at while leased: one
      -- indexed column answers "claimable at now?" (available_at <= now).
      CREATE TABLE activity_tasks (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        instance_id      TEXT NOT NULL,
        execution_id     TEXT NOT NULL,
        task_id          INTEGER NOT NULL,
        name             TEXT NOT NULL,
        input            TEXT,
        attempt          INTEGER NOT NULL,
        tags             TEXT,
        timeout_ms       INTEGER,
        visible_at       INTEGER NOT NULL,
        available_at     INTEGER NOT NULL,
        lease_token      TEXT,
        lease_owner      TEXT,
        lease_expires_at INTEGER,
        claim_count      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX activity_tasks_by_available ON activity_tasks (available_at, id);
      CREATE INDEX activity_tasks_by_name ON activity_tasks (name, available_at, id);
      CREATE INDEX activity_tasks_by_instance ON activity_tasks (instance_id);
    `,
  },
  {
    version: 2,
    description: "workflows, workflow versions, once keys, values, outbox",
    sql: `
      -- The draft as last saved. (TRIGGER is an SQL keyword, hence trigger_def.)
      CREATE TABLE workflows (
        workflow_id TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        draft       TEXT,
        trigger_def TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Published versions are immutable: rows are inserted (version = MAX + 1, in an
      -- IMMEDIATE transaction) and deleted only with their workflow, never updated.
      CREATE TABLE workflow_versions (
        workflow_id  TEXT NOT NULL,
        version      INTEGER NOT NULL,
        definition   TEXT,
        published_at TEXT NOT NULL,
        PRIMARY KEY (workflow_id, version)
      ) WITHOUT ROWID;

      -- claimOnce: a key is taken while expires_at > now. The index lets a claim
      -- sweep expired keys, so webhook signatures do not pile up forever.
      CREATE TABLE once_keys (
        key        TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX once_keys_by_expiry ON once_keys (expires_at);

      CREATE TABLE kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- AUTOINCREMENT: ids never go back, so beforeId paging is stable. (TO is an
      -- SQL keyword, hence recipient.)
      CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        channel     TEXT NOT NULL,
        recipient   TEXT,
        subject     TEXT,
        body        TEXT,
        instance_id TEXT,
        task_id     INTEGER,
        created_at  TEXT NOT NULL
      );
      CREATE INDEX outbox_by_instance ON outbox (instance_id, id) WHERE instance_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: "activity tasks: queued and leased tasks in partial indexes of their own",
    sql: `
      -- With local dispatch most tasks are inserted leased and deleted one step later.
      -- Indexed for claims by (available_at) and (name, available_at), every such task was
      -- written to both indexes and out again (20 % of a sequential step, measured). Now the
      -- queued tasks have those two indexes, and the leased ones one on their expiry (a
      -- lease that runs out makes the task claimable again).
      DROP INDEX activity_tasks_by_available;
      DROP INDEX activity_tasks_by_name;
      CREATE INDEX activity_tasks_queued ON activity_tasks (available_at, id) WHERE lease_owner IS NULL;
      CREATE INDEX activity_tasks_queued_by_name ON activity_tasks (name, available_at, id) WHERE lease_owner IS NULL;
      CREATE INDEX activity_tasks_leased ON activity_tasks (lease_expires_at) WHERE lease_owner IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
