import type pg from "pg";
import { StoreError } from "@weft/engine";
import { quoteIdent, type Queryable } from "./connection.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export interface MigrationResult {
  /** The version the schema had before (0 for a new schema). */
  from: number;
  /** The version it has now. */
  to: number;
}

/**
 * Brings the schema up to date. Each missing migration runs in its own
 * transaction together with its `schema_version` row, under a transaction-level
 * advisory lock keyed by the schema name: processes starting at once queue up,
 * and each re-reads the version after taking the lock, so a migration runs once.
 * A crash halfway leaves the previous version intact. A schema written by a
 * newer Weft is refused rather than guessed at.
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<MigrationResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on("error", onError);
  try {
    const from = await readVersion(client, schema);
    refuseNewer(schema, from);
    if (from === SCHEMA_VERSION) return { from, to: from };
    const s = quoteIdent(schema);
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`weft:migrate:${schema}`]);
        // CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent creator; under the lock it
        // is. A schema that exists is left alone (its owner may have made it for a role that
        // lacks CREATE on the database).
        const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
        if (found.rows.length === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
             version     INTEGER PRIMARY KEY,
             description TEXT NOT NULL,
             applied_at  TIMESTAMPTZ NOT NULL
           )`,
        );
        const current = await readVersion(client, schema);
        refuseNewer(schema, current);
        if (current < migration.version) {
          await client.query(migration.sql(s));
          // The database clock is fine here: applied_at is for people, not for any decision.
          await client.query(`INSERT INTO ${s}.schema_version (version, description, applied_at) VALUES ($1, $2, now())`, [
            migration.version,
            migration.description,
          ]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    }
    return { from, to: SCHEMA_VERSION };
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}

export async function readVersion(client: Queryable, schema: string): Promise<number> {
  const table = `${quoteIdent(schema)}.schema_version`;
  const exists = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [table]);
  if (!exists.rows[0]?.found) return 0;
  const row = await client.query<{ version: number | null }>(`SELECT MAX(version) AS version FROM ${table}`);
  return row.rows[0]?.version ?? 0;
}

function refuseNewer(schema: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `PostgreSQL schema "${schema}" has schema version ${version}, newer than this Weft supports (${SCHEMA_VERSION}); upgrade Weft to use it.`,
    );
  }
}
