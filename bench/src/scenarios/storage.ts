/**
 * The storage limit: the same number of durable commits done directly with the
 * driver, with the store's durability settings — one small INSERT per transaction.
 * SQLite: WAL, synchronous=FULL (or NORMAL), one connection. PostgreSQL: fsync on,
 * synchronous_commit on (the server's settings), one connection in sequence, and
 * ten connections at once (PostgreSQL's own group commit).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { DATABASE_URL, type Variant, dropSchema, freshSchema, report } from "../common.js";

const row = JSON.stringify({ type: "TaskCompleted", at: new Date().toISOString(), taskId: 1, result: null });

export async function storageLimit(variant: Variant, n: number, connections = 1): Promise<void> {
  if (variant.startsWith("sqlite")) {
    const dir = mkdtempSync(join(tmpdir(), "weft-bench-storage-"));
    const db = new Database(join(dir, "limit.db"));
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${variant === "sqlite-normal" ? "NORMAL" : "FULL"}`);
    db.exec("CREATE TABLE history (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (instance_id, seq))");
    const insert = db.prepare("INSERT INTO history VALUES (?, ?, ?)");
    const commit = db.transaction((seq: number) => insert.run("i", seq, row));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) commit(i);
    const ms = performance.now() - t0;
    db.close();
    rmSync(dir, { recursive: true, force: true });
    report({ value: (n / ms) * 1000, unit: "commits/s", ms, n });
    return;
  }
  const schema = freshSchema("limit");
  const setup = new pg.Client({ connectionString: DATABASE_URL });
  await setup.connect();
  await setup.query(
    `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".history (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (instance_id, seq))`,
  );
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      return client;
    }),
  );
  const sql = `INSERT INTO "${schema}".history VALUES ($1, $2, $3)`;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = c; i < n; i += connections) {
        await client.query("BEGIN");
        await client.query({ name: "ins", text: sql, values: [`i${c}`, i, row] });
        await client.query("COMMIT");
      }
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.end()));
  await dropSchema(schema);
  report({ value: (n / ms) * 1000, unit: "commits/s", ms, n, connections });
}

/** The disk's fsync rate: 4 KiB write + fdatasync, in sequence, in the temp directory (where the SQLite files live). */
export async function fsyncRate(n: number): Promise<void> {
  const { openSync, writeSync, fdatasyncSync, closeSync } = await import("node:fs");
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-fsync-"));
  const fd = openSync(join(dir, "f"), "w");
  const buf = Buffer.alloc(4096, 1);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, buf, 0, buf.length, (i % 256) * 4096);
    fdatasyncSync(fd);
  }
  const ms = performance.now() - t0;
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  report({ value: (n / ms) * 1000, unit: "fdatasync/s", ms, n });
}
