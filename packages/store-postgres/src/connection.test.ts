import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, prepared, quoteIdent, type Changes, type Queryable } from "./connection.js";
import { DATABASE_URL, describeWithPostgres } from "./test-support/postgres.js";

const APP = `weft-test-conn-${randomBytes(3).toString("hex")}`;
const SCHEMA = `weft_test_conn_${randomBytes(4).toString("hex")}`;
const table = `${quoteIdent(SCHEMA)}.items`;

await describeWithPostgres("Database (connection.ts)", `${APP}-probe`, () => {
  // One connection: every operation runs on the same session, so what one leaves set the next sees.
  let pool: pg.Pool;
  let db: Database;
  const committed: Changes[] = [];
  const admin = new pg.Client({ connectionString: DATABASE_URL, application_name: `${APP}-admin` });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${quoteIdent(SCHEMA)}; CREATE TABLE ${table} (id integer PRIMARY KEY, note text NOT NULL)`);
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, application_name: APP });
    db = new Database({ pool, label: "test database", afterCommit: (changes) => committed.push(changes) });
  });
  afterAll(async () => {
    await pool?.end();
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE`);
    await admin.end();
  });

  const insert = (id: number, note: string) => ({
    text: `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`,
    values: [id, note],
    prepared: true,
  });
  const planMode = async (query: (client: Queryable) => Promise<pg.QueryResult<{ mode: string }>>) =>
    (await db.read("read the plan mode", query)).rows[0]?.mode;
  it("commits one prepared statement alone, durably, and reads its result", async () => {
    const ids = await db.write("insert one", [insert(1, "one")], (results, changes) => {
      changes.instances.add("i-1");
      return results.map((r) => r.rows[0].id);
    });
    expect(ids).toEqual([1]);
    expect(committed.at(-1)?.instances).toEqual(new Set(["i-1"]));
    // The session's last statement was the INSERT itself, not a COMMIT: no transaction block was opened.
    const { rows } = await admin.query("SELECT query FROM pg_stat_activity WHERE application_name = $1", [APP]);
    expect(rows[0].query).toMatch(/^INSERT INTO/);
    expect((await admin.query(`SELECT note FROM ${table} WHERE id = 1`)).rows).toEqual([{ note: "one" }]);
  });

  it("plans prepared statements generically and everything else for its values", async () => {
    await db.write("insert two", [insert(2, "two")], () => undefined);
    // A prepared read keeps the session's generic plans…
    const preparedMode = await planMode((c) => c.query(prepared("SELECT current_setting('plan_cache_mode') AS mode", [])));
    expect(preparedMode).toBe("force_generic_plan");
    // …an unprepared query with parameters is planned for its values, as before this session was switched.
    const unpreparedMode = await planMode((c) => c.query("SELECT current_setting('plan_cache_mode') AS mode WHERE $1::int = 1", [1]));
    expect(unpreparedMode).toBe("auto");
    // A transaction block on a generic session plans for values (SET LOCAL in its BEGIN).
    await db.write("insert three", [insert(3, "three")], () => undefined);
    const inTransaction = await db.transaction(
      "read in a transaction",
      async (c) => (await c.query<{ mode: string }>("SELECT current_setting('plan_cache_mode') AS mode")).rows[0]?.mode,
    );
    expect(inTransaction).toBe("auto");
    // Prepared statements sent together still run generically, in one transaction block.
    const both = await db.write("insert four and five", [insert(4, "four"), insert(5, "five")], (results) => results.length);
    expect(both).toBe(2);
  });

  it("writes nothing of a failed statement, reports it, and keeps the connection usable", async () => {
    await expect(db.write("insert a duplicate", [insert(1, "again")], () => undefined)).rejects.toThrow(
      /could not insert a duplicate: duplicate key/,
    );
    // A batch that fails in its second statement leaves nothing of the first.
    await expect(db.write("insert six and a duplicate", [insert(6, "six"), insert(2, "again")], () => undefined)).rejects.toThrow(
      /duplicate key/,
    );
    const { rows } = await admin.query(`SELECT id, note FROM ${table} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, note: "one" },
      { id: 2, note: "two" },
      { id: 3, note: "three" },
      { id: 4, note: "four" },
      { id: 5, note: "five" },
    ]);
    expect(await db.write("insert seven", [insert(7, "seven")], (results) => results[0]?.rows[0].id)).toBe(7);
  });

  it("a lease-only write (durable: false) still runs in a transaction block that turns the flush off", async () => {
    const mode = await db.write(
      "read the commit mode",
      [{ text: "SELECT current_setting('synchronous_commit') AS mode", values: [], prepared: true }],
      (results) => results[0]?.rows[0].mode,
      { durable: false },
    );
    expect(mode).toBe("off");
  });
});

describe("connection.ts without a database", () => {
  it("quotes identifiers", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
