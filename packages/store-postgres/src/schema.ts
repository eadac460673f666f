/**
 * The schema, as an ordered list of migrations. A migration is never edited once
 * released: a change is a new entry with the next version. `migrations.ts`
 * applies the missing ones at open, each in its own transaction.
 *
 * `sql` is a function of the quoted schema name: every object is schema-qualified,
 * so a pooled connection's search_path never matters.
 *
 * Conventions (as in the SQLite store):
 * - Times are BIGINT epoch milliseconds, always the `now` the engine passed in
 *   (never the database clock). `completed_at` is the exception: the port hands
 *   it over as an ISO string, so it is stored as given.
 * - JSON values are TEXT written by JSON.stringify, not JSONB: JSONB reorders
 *   keys, drops duplicate keys and refuses "\u0000", and values must come back
 *   exactly as they went in. SQL NULL means "absent", the text 'null' JSON null.
 * - Ids and names that are sorted or compared use COLLATE "C" (code-point order,
 *   what the other stores do), whatever the database's default collation is.
 */
export interface Migration {
  version: number;
  description: string;
  sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "instances, history, inbox, activity tasks",
    sql: (s) => `
      CREATE TABLE ${s}.instances (
        instance_id        TEXT COLLATE "C" PRIMARY KEY,
        name               TEXT COLLATE "C" NOT NULL,
        execution_id       TEXT NOT NULL,
        status             TEXT NOT NULL,
        input              TEXT,
        output             TEXT,
        error              TEXT,
        custom_status      TEXT,
        created_at         BIGINT NOT NULL,
        updated_at         BIGINT NOT NULL,
        completed_at       TEXT,
        parent_instance_id TEXT COLLATE "C",
        parent_task_id     INTEGER,
        tags               TEXT NOT NULL DEFAULT '{}',
        last_seq           INTEGER NOT NULL DEFAULT 0,
        pending_waits      TEXT NOT NULL DEFAULT '[]',
        lease_token        TEXT,
        lease_owner        TEXT,
        lease_expires_at   BIGINT
      );
      -- listInstances: newest first, optionally within one name / status / parent.
      CREATE INDEX instances_by_created ON ${s}.instances (created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_name ON ${s}.instances (name, created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_status ON ${s}.instances (status, created_at DESC, instance_id DESC);
      CREATE INDEX instances_by_parent ON ${s}.instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;
      -- Tag filters are containment (tags::jsonb @> '{"k":"v"}'); the text column stays exact.
      CREATE INDEX instances_by_tags ON ${s}.instances USING GIN ((tags::jsonb) jsonb_path_ops);
      -- nextWakeAt: the earliest live lease.
      CREATE INDEX instances_by_lease ON ${s}.instances (lease_expires_at) WHERE lease_expires_at IS NOT NULL;

      CREATE TABLE ${s}.history (
        instance_id TEXT COLLATE "C" NOT NULL,
        seq         INTEGER NOT NULL,
        type        TEXT NOT NULL,
        at          TEXT NOT NULL,
        event       TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)
      );

      -- Identity ids are never reused: message-id order is arrival order.
      CREATE TABLE ${s}.inbox (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id  TEXT COLLATE "C" NOT NULL,
        execution_id TEXT,
        event_type   TEXT NOT NULL,
        event        TEXT NOT NULL,
        visible_at   BIGINT NOT NULL
      );
      -- Claims scan visible messages; nextWakeAt seeks the first future one.
      CREATE INDEX inbox_by_visible ON ${s}.inbox (visible_at, instance_id);
      -- An instance's messages in id order (claim, consume, drop).
      CREATE INDEX inbox_by_instance ON ${s}.inbox (instance_id, id);

      -- available_at = visible_at while queued, lease_expires_at while leased:
      -- one column answers "claimable at now?" (available_at <= now).
      CREATE TABLE ${s}.activity_tasks (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id      TEXT COLLATE "C" NOT NULL,
        execution_id     TEXT NOT NULL,
        task_id          INTEGER NOT NULL,
        name             TEXT NOT NULL,
        input            TEXT,
        attempt          INTEGER NOT NULL,
        tags             TEXT,
        timeout_ms       DOUBLE PRECISION,
        visible_at       BIGINT NOT NULL,
        available_at     BIGINT NOT NULL,
        lease_token      TEXT,
        lease_owner      TEXT,
        lease_expires_at BIGINT,
        claim_count      INTEGER NOT NULL DEFAULT 0
      );
      -- Claims: oldest first among the available ones (optionally by name).
      CREATE INDEX activity_tasks_by_visible ON ${s}.activity_tasks (visible_at, id);
      CREATE INDEX activity_tasks_by_name ON ${s}.activity_tasks (name, visible_at, id);
      CREATE INDEX activity_tasks_by_available ON ${s}.activity_tasks (available_at);
      CREATE INDEX activity_tasks_by_instance ON ${s}.activity_tasks (instance_id);
    `,
  },
  {
    version: 2,
    description: "workflows, workflow versions, once keys, values, outbox",
    sql: (s) => `
      -- The draft as last saved. (TRIGGER is an SQL keyword, hence trigger_def.)
      CREATE TABLE ${s}.workflows (
        workflow_id TEXT COLLATE "C" PRIMARY KEY,
        name        TEXT NOT NULL,
        draft       TEXT,
        trigger_def TEXT,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL
      );

      -- Published versions are immutable: inserted (MAX + 1 under the workflow's
      -- row lock), deleted only with their workflow, never updated.
      CREATE TABLE ${s}.workflow_versions (
        workflow_id  TEXT COLLATE "C" NOT NULL,
        version      INTEGER NOT NULL,
        definition   TEXT,
        published_at BIGINT NOT NULL,
        PRIMARY KEY (workflow_id, version)
      );

      -- claimOnce: a key is taken while expires_at > now; the index lets claims
      -- sweep expired keys.
      CREATE TABLE ${s}.once_keys (
        key        TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX once_keys_by_expiry ON ${s}.once_keys (expires_at);

      CREATE TABLE ${s}.kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- (TO is an SQL keyword, hence recipient.)
      CREATE TABLE ${s}.outbox (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel     TEXT NOT NULL,
        recipient   TEXT,
        subject     TEXT,
        body        TEXT,
        instance_id TEXT,
        task_id     INTEGER,
        created_at  BIGINT NOT NULL
      );
      CREATE INDEX outbox_by_instance ON ${s}.outbox (instance_id, id) WHERE instance_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: "workers: liveness of registered workers (session advisory locks)",
    sql: (s) => `
      -- A row per registered worker; it is alive while some session holds the advisory
      -- lock keyed by the schema and this id (see liveness.ts).
      CREATE TABLE ${s}.workers (
        owner TEXT COLLATE "C" PRIMARY KEY
      );
    `,
  },
  {
    version: 4,
    description: "activity tasks reserved for the worker that scheduled them (sticky dispatch)",
    sql: (s) => `
      -- A reserved task has an owner and no lease token until it is claimed; its owner's
      -- claims look for it here (most tasks are never reserved, so the index stays small).
      CREATE INDEX activity_tasks_reserved ON ${s}.activity_tasks (lease_owner, visible_at, id)
        WHERE lease_token IS NULL AND lease_owner IS NOT NULL;
    `,
  },
  {
    version: 5,
    description: "activity tasks: queued and owned (leased or reserved) tasks in partial indexes of their own",
    sql: (s) => `
      -- With local dispatch most tasks are inserted leased and deleted a step later; each
      -- went into the claim indexes (visible_at, id), (name, visible_at, id) and
      -- (available_at) as well, and every lease renewal (a non-HOT update) into all three
      -- again. Queued tasks (no owner) are claimed by visibility, owned ones once their
      -- lease or reservation has run out (available_at): an index for each set.
      DROP INDEX ${s}.activity_tasks_by_visible;
      DROP INDEX ${s}.activity_tasks_by_name;
      DROP INDEX ${s}.activity_tasks_by_available;
      CREATE INDEX activity_tasks_queued ON ${s}.activity_tasks (visible_at, id) WHERE lease_owner IS NULL;
      CREATE INDEX activity_tasks_queued_by_name ON ${s}.activity_tasks (name, visible_at, id) WHERE lease_owner IS NULL;
      CREATE INDEX activity_tasks_owned ON ${s}.activity_tasks (available_at) WHERE lease_owner IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
