import type Database from "better-sqlite3";
import { StoreError } from "@weft/engine";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export interface MigrationResult {
  /** The version the database had before (0 for a new database). */
  from: number;
  /** The version it has now. */
  to: number;
}

/**
 * Brings the schema up to date: every migration newer than the recorded version,
 * and its `schema_version` row, in one IMMEDIATE transaction, so a crash halfway
 * leaves the previous version intact and two openers cannot both migrate.
 * A database written by a newer Weft is refused rather than guessed at.
 */
export function migrate(db: Database.Database, path: string): MigrationResult {
  const run = db.transaction((): MigrationResult => {
    db.exec(
      `CREATE TABLE IF NOT EXISTS schema_version (
         version     INTEGER PRIMARY KEY,
         description TEXT NOT NULL,
         applied_at  TEXT NOT NULL
       )`,
    );
    const from = readSchemaVersion(db);
    if (from > SCHEMA_VERSION) {
      throw new StoreError(
        `SQLite database ${path} has schema version ${from}, newer than this Weft supports (${SCHEMA_VERSION}); upgrade Weft to open it.`,
      );
    }
    const record = db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      db.exec(migration.sql);
      // The wall clock is fine here: applied_at is for people, not for any decision.
      record.run(migration.version, migration.description, new Date().toISOString());
    }
    return { from, to: SCHEMA_VERSION };
  });
  return run.immediate();
}

export function readSchemaVersion(db: Database.Database): number {
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null } | undefined;
  return row?.version ?? 0;
}
