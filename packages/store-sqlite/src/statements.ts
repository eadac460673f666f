import type Database from "better-sqlite3";

/**
 * Every fixed statement the store runs, prepared once at open. (listInstances,
 * whose WHERE clause depends on the filters given, caches one statement per
 * filter shape in `list-query.ts`.)
 */
export interface Statements extends InstanceStatements, HistoryStatements, InboxStatements, ActivityStatements, TimingStatements {}

/** Statements on instances and their tags. */
interface InstanceStatements {
  getInstance: Database.Statement;
  instanceStatus: Database.Statement;
  insertInstance: Database.Statement;
  updateInstance: Database.Statement;
  updateInstanceKeepStatus: Database.Statement;
  deleteInstance: Database.Statement;
  insertTag: Database.Statement;
  deleteTags: Database.Statement;
}

/** Statements on the history. */
interface HistoryStatements {
  getHistory: Database.Statement;
  getHistoryPage: Database.Statement;
  insertEvent: Database.Statement;
  deleteHistory: Database.Statement;
  deleteHistoryThrough: Database.Statement;
}

/** Statements on the inbox and the orchestration leases (in the table). */
interface InboxStatements {
  insertMessage: Database.Statement;
  deleteMessage: Database.Statement;
  deleteInbox: Database.Statement;
  hasMessages: Database.Statement;
  hasVisibleMessage: Database.Statement;
  claimableMessages: Database.Statement;
  claimMessages: Database.Statement;
  leaseOf: Database.Statement;
  leaseInstance: Database.Statement;
  releaseLease: Database.Statement;
  clearInstanceLeases: Database.Statement;
}

/** Statements on activity tasks. */
interface ActivityStatements {
  insertActivity: Database.Statement;
  insertLeasedActivity: Database.Statement;
  claimableActivities: Database.Statement;
  claimableActivitiesNamed: Database.Statement;
  claimableSuspects: Database.Statement;
  claimableSuspectsNamed: Database.Statement;
  leaseActivity: Database.Statement;
  renewActivity: Database.Statement;
  activityLease: Database.Statement;
  deleteActivity: Database.Statement;
  deleteActivities: Database.Statement;
  clearActivityLeases: Database.Statement;
}

/** Wake-up times and counts. */
interface TimingStatements {
  nextWakeAt: Database.Statement;
  countByStatus: Database.Statement;
  readyInstances: Database.Statement;
  readyActivities: Database.Statement;
}

/** A suspended instance is woken only by these; its other messages wait. */
const RUNS_WHEN_SUSPENDED = "('ExecutionResumed', 'ExecutionTerminated')";

type Prepare = (sql: string) => Database.Statement;

export function prepareStatements(db: Database.Database): Statements {
  const p: Prepare = (sql) => db.prepare(sql);
  return { ...instanceStatements(p), ...historyStatements(p), ...inboxStatements(p), ...activityStatements(p), ...timingStatements(p) };
}

function instanceStatements(p: Prepare): InstanceStatements {
  return {
    getInstance: p("SELECT * FROM instances WHERE instance_id = ?"),
    instanceStatus: p("SELECT status FROM instances WHERE instance_id = ?"),
    insertInstance: p(
      `INSERT INTO instances (instance_id, name, execution_id, status, input, created_at, updated_at,
                              parent_instance_id, parent_task_id, tags, last_seq, pending_waits)
       VALUES (@instanceId, @name, @executionId, 'pending', @input, @at, @at,
               @parentInstanceId, @parentTaskId, @tags, 0, '[]')`,
    ),
    // One statement for every shape of InstanceUpdate: each optional field comes with a
    // set_* flag, so the statement is prepared once (the status in two: see below).
    // Committing releases the lease.
    updateInstance: p(updateInstanceSql(true)),
    // The same without the status column: a status in the SET list re-writes the entry of
    // instances_by_status even when the value stays (~7 µs of a ~12 µs update), and most
    // turns (every step of a chain) leave the status as it is.
    updateInstanceKeepStatus: p(updateInstanceSql(false)),
    deleteInstance: p("DELETE FROM instances WHERE instance_id = ?"),
    insertTag: p("INSERT INTO instance_tags (instance_id, key, value) VALUES (?, ?, ?)"),
    deleteTags: p("DELETE FROM instance_tags WHERE instance_id = ?"),
  };
}

function historyStatements(p: Prepare): HistoryStatements {
  return {
    // No bound LIMIT in the statements every turn runs: SQLite (3.47+) may shape a plan by a
    // LIMIT's value, so it prepares a statement with a bound LIMIT again after each binding —
    // ~15 µs a call, twice the read itself. A page of history (rarer) binds its limit.
    getHistory: p("SELECT seq, event FROM history WHERE instance_id = ? AND seq > ? ORDER BY seq"),
    getHistoryPage: p("SELECT seq, event FROM history WHERE instance_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
    insertEvent: p("INSERT INTO history (instance_id, seq, type, at, event) VALUES (?, ?, ?, ?, ?)"),
    deleteHistory: p("DELETE FROM history WHERE instance_id = ?"),
    deleteHistoryThrough: p("DELETE FROM history WHERE instance_id = ? AND seq <= ?"),
  };
}

function inboxStatements(p: Prepare): InboxStatements {
  return {
    insertMessage: p("INSERT INTO inbox (instance_id, execution_id, event_type, event, visible_at) VALUES (?, ?, ?, ?, ?)"),
    deleteMessage: p("DELETE FROM inbox WHERE id = ? AND instance_id = ?"),
    deleteInbox: p("DELETE FROM inbox WHERE instance_id = ?"),
    hasMessages: p("SELECT 1 FROM inbox WHERE instance_id = ? LIMIT 1"),
    hasVisibleMessage: p("SELECT 1 FROM inbox WHERE instance_id = ? AND visible_at <= ? LIMIT 1"),
    // Oldest work first: the inbox in id order (a rowid scan, NOT INDEXED: no sort of the
    // whole backlog), each message that counts naming its instance; the caller reads until it
    // has enough distinct instances. A GROUP BY over every visible message cost a claim
    // O(backlog): ~250 ms with 100,000 instances starting.
    claimableMessages: p(
      `SELECT m.instance_id AS instance_id
         FROM inbox m NOT INDEXED JOIN instances i ON i.instance_id = m.instance_id
        WHERE m.visible_at <= @now
          AND (i.lease_token IS NULL OR i.lease_expires_at <= @now)
          AND (i.status <> 'suspended' OR m.event_type IN ${RUNS_WHEN_SUSPENDED})
        ORDER BY m.id`,
    ),
    // Without LIMIT (see getHistory): the caller stops reading at its maximum.
    claimMessages: p(
      `SELECT id, instance_id, execution_id, event, visible_at FROM inbox
        WHERE instance_id = @instanceId AND visible_at <= @now
          AND (@suspended = 0 OR event_type IN ${RUNS_WHEN_SUSPENDED})
        ORDER BY id`,
    ),
    leaseOf: p("SELECT lease_token, lease_expires_at, status, last_seq, execution_id FROM instances WHERE instance_id = ?"),
    leaseInstance: p("UPDATE instances SET lease_token = ?, lease_owner = ?, lease_expires_at = ? WHERE instance_id = ? RETURNING *"),
    releaseLease: p(
      "UPDATE instances SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE instance_id = ? AND lease_token = ?",
    ),
    clearInstanceLeases: p(
      "UPDATE instances SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE lease_token IS NOT NULL",
    ),
  };
}

function activityStatements(p: Prepare): ActivityStatements {
  return {
    insertActivity: p(
      `INSERT INTO activity_tasks (instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at)
       VALUES (@instanceId, @executionId, @taskId, @name, @input, @attempt, @tags, @timeoutMs, @visibleAt, @visibleAt)`,
    ),
    // Local dispatch: the task is leased by the turn that schedules it, in the same row write.
    // No RETURNING: the caller has every value but the id (lastInsertRowid), and an INSERT
    // … RETURNING read through better-sqlite3 costs 3× the plain insert (20 vs 6 µs).
    insertLeasedActivity: p(
      `INSERT INTO activity_tasks (instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at,
                                   lease_token, lease_owner, lease_expires_at, claim_count)
       VALUES (@instanceId, @executionId, @taskId, @name, @input, @attempt, @tags, @timeoutMs, @visibleAt, @expiresAt,
               @token, @owner, @expiresAt, 1)`,
    ),
    // @maxClaims: the *Fresh statements take tasks claimed at most this often before (0: never,
    // when suspects are bounded and claimed by the *Suspects statements); a large number otherwise.
    claimableActivities: p(claimableTasksSql("claim_count <= @maxClaims", false)),
    claimableActivitiesNamed: p(claimableTasksSql("claim_count <= @maxClaims", true)),
    claimableSuspects: p(claimableTasksSql("claim_count > 0", false)),
    claimableSuspectsNamed: p(claimableTasksSql("claim_count > 0", true)),
    leaseActivity: p(
      `UPDATE activity_tasks
          SET lease_token = @token, lease_owner = @owner, lease_expires_at = @expiresAt, available_at = @expiresAt,
              claim_count = claim_count + 1
        WHERE id = @id`,
    ),
    renewActivity: p(
      `UPDATE activity_tasks SET lease_expires_at = @expiresAt, available_at = @expiresAt
        WHERE id = @id AND lease_token = @token AND lease_expires_at > @now`,
    ),
    activityLease: p("SELECT lease_token, lease_expires_at FROM activity_tasks WHERE id = ?"),
    deleteActivity: p("DELETE FROM activity_tasks WHERE id = ?"),
    deleteActivities: p("DELETE FROM activity_tasks WHERE instance_id = ?"),
    clearActivityLeases: p(
      `UPDATE activity_tasks SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, available_at = visible_at
        WHERE lease_token IS NOT NULL`,
    ),
  };
}

function timingStatements(p: Prepare): TimingStatements {
  return {
    // A queued task becomes claimable at visible_at (its available_at), a leased one at
    // its lease's expiry; each is looked up in its own partial index.
    nextWakeAt: p(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(visible_at) AS t FROM inbox WHERE visible_at > @now
         UNION ALL SELECT MIN(available_at) FROM activity_tasks WHERE lease_owner IS NULL AND available_at > @now
         UNION ALL SELECT MIN(lease_expires_at) FROM activity_tasks WHERE lease_owner IS NOT NULL AND lease_expires_at > @now
         UNION ALL SELECT MIN(lease_expires_at) FROM instances WHERE lease_token IS NOT NULL AND lease_expires_at > @now
       )`,
    ),
    countByStatus: p("SELECT status, COUNT(*) AS n FROM instances GROUP BY status"),
    readyInstances: p(
      `SELECT COUNT(DISTINCT m.instance_id) AS n FROM inbox m JOIN instances i ON i.instance_id = m.instance_id
        WHERE m.visible_at <= @now AND (i.lease_token IS NULL OR i.lease_expires_at <= @now)`,
    ),
    readyActivities: p(
      `SELECT (SELECT COUNT(*) FROM activity_tasks WHERE lease_owner IS NULL AND available_at <= @now)
            + (SELECT COUNT(*) FROM activity_tasks WHERE lease_owner IS NOT NULL AND lease_expires_at <= @now) AS n`,
    ),
  };
}

/**
 * Claimable tasks, oldest first: queued ones whose time has come and leased ones whose
 * lease ran out, each looked up in its own partial index (schema version 3). For a
 * queued task available_at is visible_at, so the queued index walks them oldest first
 * and stops after @limit: a claim reads @limit rows, not the whole backlog (10,000
 * queued tasks: 0.6 ms instead of 2.3–3.2 ms per claim). For a leased one available_at
 * is its lease's expiry; those are few, and sorted by visible_at like the rest.
 */
export function claimableTasksSql(condition: string, byName: boolean): string {
  const name = byName ? "AND name IN (SELECT value FROM json_each(@names))" : "";
  return `SELECT * FROM (
            SELECT * FROM (SELECT * FROM activity_tasks WHERE lease_owner IS NULL AND available_at <= @now AND ${condition} ${name}
                           ORDER BY available_at, id LIMIT @limit)
            UNION ALL
            SELECT * FROM (SELECT * FROM activity_tasks WHERE lease_owner IS NOT NULL AND lease_expires_at <= @now AND ${condition} ${name}
                           ORDER BY visible_at, id LIMIT @limit)
          ) ORDER BY visible_at, id LIMIT @limit`;
}

function updateInstanceSql(setsStatus: boolean): string {
  return `UPDATE instances SET
         last_seq      = @lastSeq,
         updated_at    = @updatedAt,${setsStatus ? "\n         status        = @status," : ""}
         execution_id  = CASE WHEN @setExecutionId THEN @executionId ELSE execution_id END,
         input         = CASE WHEN @setInput THEN @input ELSE input END,
         output        = CASE WHEN @setOutput THEN @output ELSE output END,
         error         = CASE WHEN @setError THEN @error ELSE error END,
         custom_status = CASE WHEN @setCustomStatus THEN @customStatus ELSE custom_status END,
         completed_at  = CASE WHEN @setCompletedAt THEN @completedAt ELSE completed_at END,
         pending_waits = CASE WHEN @setPendingWaits THEN @pendingWaits ELSE pending_waits END,
         lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
       WHERE instance_id = @instanceId`;
}
