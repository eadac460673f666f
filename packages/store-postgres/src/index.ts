export { createPostgresStore } from "./postgres-store.js";
export { SCHEMA_VERSION } from "./schema.js";

export type { PostgresStore, PostgresStoreOptions } from "./postgres-store.js";
export type { MigrationResult } from "./migrations.js";
