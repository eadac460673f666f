export { createSqliteStore } from "./sqlite-store.js";
export { SCHEMA_VERSION } from "./schema.js";

export type { SqliteStore, SqliteStoreOptions } from "./sqlite-store.js";
export type { MigrationResult } from "./migrations.js";
