import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createPostgresStore } from "@weft/store-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createLogger } from "../logger.js";
import { KEY_FILE } from "../secret-crypto.js";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

const FIXTURE = fileURLToPath(new URL("../../../../testdata/databases/v0.1.0-secrets.db", import.meta.url));
const FIXTURE_SECRET = "sk_fixture_5b2e9c1d7a";
const newKey = () => randomBytes(32).toString("base64");

let recorder: ReturnType<typeof createServer>;
const received: (string | undefined)[] = [];
beforeAll(async () => {
  recorder = createServer((req: IncomingMessage, res) => {
    received.push(req.headers.authorization);
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
});
afterAll(() => recorder?.close());

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "weft-secrets-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server on `dataDir` whose log lines are kept. */
async function start(
  dataDir: string,
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<{ server: TestServer; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const server = await startTestServer({ dataDir, allowPrivateNetworks: true, ...overrides }, { logger: createLogger("info", sink) });
  return { server, logs };
}

function databaseBytes(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith("weft.db"))
    .map((f) => readFileSync(join(dir, f)).toString("latin1"))
    .join("\n");
}

describe("secrets at rest (SQLite)", () => {
  it("a database written by Weft 0.1.0: its in-flight instance still uses the plain-text secret after the upgrade, and the value is stored encrypted", async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, "weft.db"));
    expect(databaseBytes(dir)).toContain(FIXTURE_SECRET);
    const { server, logs } = await start(dir);
    try {
      expect(await server.runtime.store.getValue("secret:apikey")).toMatch(/^weft-enc:v1:/);
      expect(logs.join("")).toMatch(/secrets re-encrypted under the current key/);
      const { port } = recorder.address() as AddressInfo;
      const raised = await server.api("/api/instances/v010-secret-in-flight/events/Go", {
        method: "POST",
        json: { url: `http://127.0.0.1:${port}/fixture` },
      });
      expect(raised.status).toBe(202);
      const done = await until(server, "v010-secret-in-flight", isTerminal);
      expect(done.status, JSON.stringify(done.error)).toBe("completed");
      expect(received.at(-1)).toBe(`Bearer ${FIXTURE_SECRET}`);
      const outbox = JSON.stringify((await server.api("/api/outbox")).body);
      expect(outbox).toContain("the key is {{secret:apikey}}");
      expect(outbox).not.toContain(FIXTURE_SECRET);
    } finally {
      await server.close();
    }
    // Closed (checkpointed): the old plain-text copy is gone from the file too.
    expect(databaseBytes(dir)).not.toContain(FIXTURE_SECRET);
  });

  it("without WEFT_SECRETS_KEY, makes a key file (mode 0600) beside the database, says so, and uses it again on the next start", async () => {
    const dir = tempDir();
    const first = await start(dir, { secretsKey: undefined });
    await first.server.api("/api/secrets/kept", { method: "PUT", json: { value: "kept-value-123" } });
    await first.server.close();
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(first.logs.join("")).toMatch(/made a key file to encrypt secrets with/);
    const second = await start(dir, { secretsKey: undefined });
    try {
      expect(second.logs.join("")).not.toMatch(/made a key file/);
      expect(await second.server.runtime.store.getValue("secret:kept")).toMatch(/^weft-enc:v1:/);
      const done = await runNotify(second.server, "kept");
      expect(done.status, JSON.stringify(done.error)).toBe("completed");
    } finally {
      await second.server.close();
    }
  });

  it("rotation: a value under a key in WEFT_SECRETS_OLD_KEYS is read and re-encrypted under WEFT_SECRETS_KEY on start; without that key the error names it", async () => {
    const dir = tempDir();
    const [oldKey, nextKey, otherKey] = [newKey(), newKey(), newKey()];
    const before = await start(dir, { secretsKey: oldKey });
    await before.server.api("/api/secrets/rotated", { method: "PUT", json: { value: "rotate-me-4242" } });
    const underOld = await before.server.runtime.store.getValue("secret:rotated");
    await before.server.close();

    const stranger = await start(dir, { secretsKey: otherKey });
    try {
      const failed = await runNotify(stranger.server, "rotated");
      expect(failed.status).toBe("failed");
      expect(failed.error.message).toMatch(
        /encrypted with the key [0-9a-f]{16}, which this process does not hold .* WEFT_SECRETS_OLD_KEYS/,
      );
      expect(stranger.logs.join("")).toMatch(/a secret cannot be read/);
    } finally {
      await stranger.server.close();
    }

    const after = await start(dir, { secretsKey: nextKey, secretsOldKeys: [oldKey] });
    try {
      const rewritten = await after.server.runtime.store.getValue("secret:rotated");
      expect(rewritten).not.toBe(underOld);
      expect(rewritten?.split(":")[2]).not.toBe(underOld?.split(":")[2]);
      expect((await runNotify(after.server, "rotated")).status).toBe("completed");
    } finally {
      await after.server.close();
    }
    // The old key is no longer needed.
    const done = await start(dir, { secretsKey: nextKey });
    try {
      expect((await runNotify(done.server, "rotated")).status).toBe("completed");
    } finally {
      await done.server.close();
    }
  });

  it("refuses to start with a WEFT_SECRETS_KEY that is not 32 bytes, saying how to make one", async () => {
    const dir = tempDir();
    await expect(start(dir, { secretsKey: "too-short" })).rejects.toThrow(
      /WEFT_SECRETS_KEY must be 32 random bytes in base64 \(make one with: openssl rand -base64 32\)/,
    );
  });
});

let flows = 0;
/** Runs a notify.send that uses the secret `name`; the run fails if the secret cannot be read. */
async function runNotify(server: TestServer, name: string): Promise<any> {
  const id = `notify-${name}-${(flows += 1)}`;
  const nodes = [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    {
      id: "send",
      type: "activity",
      activity: "notify.send",
      input: `{ "to": "ops", "subject": "s", "body": $secret("${name}") }`,
      position: { x: 200, y: 0 },
    },
  ];
  await server.api(`/api/workflows/${id}`, {
    method: "PUT",
    json: { id, name: id, nodes, edges: [{ id: "e", source: "start", target: "send" }] },
  });
  expect((await server.api(`/api/workflows/${id}/publish`, { method: "POST" })).status).toBe(201);
  const { body } = await server.api(`/api/workflows/${id}/instances`, { method: "POST", json: {} });
  return until(server, body.instanceId, isTerminal);
}

const DATABASE_URL = process.env.WEFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("secrets at rest (PostgreSQL)", async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  const reachable = await admin.connect().then(
    () => true,
    (error: Error) => {
      if (process.env.CI === "true") throw error;
      process.stderr.write(`\n[secrets] PostgreSQL not reachable (${error.message}): the PostgreSQL secrets tests are skipped.\n`);
      return false;
    },
  );
  afterAll(() => (reachable ? admin.end() : undefined));

  function freshSchema(): string {
    const schema = `weft_secrets_${randomBytes(4).toString("hex")}`;
    onTestFinished(() => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined));
    return schema;
  }

  it.skipIf(!reachable)(
    "without WEFT_SECRETS_KEY a secret cannot be set (503, saying to set it); with it, one process sets and another reads; a plain-text value is re-encrypted on start",
    async () => {
      const schema = freshSchema();
      // What Weft 0.1.0 left: a plain-text value and the index.
      const legacy = await createPostgresStore({ connectionString: DATABASE_URL, schema });
      await legacy.setValue("secret:legacy", "legacy-plain-777");
      await legacy.setValue("secrets:index", JSON.stringify(["legacy"]));
      await legacy.close();

      const dir = tempDir();
      const keyless = await start(dir, { databaseUrl: DATABASE_URL, databaseSchema: schema, secretsKey: undefined, worker: false });
      try {
        const refused = await keyless.server.api("/api/secrets/new-one", { method: "PUT", json: { value: "new-value-1234" } });
        expect(refused.status).toBe(503);
        expect(refused.body.detail).toMatch(/Secrets on PostgreSQL need WEFT_SECRETS_KEY/);
        expect(keyless.logs.join("")).toMatch(/stored in plain text: set WEFT_SECRETS_KEY/);
      } finally {
        await keyless.server.close();
      }

      const key = newKey();
      const api = await start(tempDir(), { databaseUrl: DATABASE_URL, databaseSchema: schema, secretsKey: key, worker: false });
      const worker = await start(tempDir(), { databaseUrl: DATABASE_URL, databaseSchema: schema, secretsKey: key });
      try {
        expect(await api.server.runtime.store.getValue("secret:legacy")).toMatch(/^weft-enc:v1:/);
        expect((await api.server.api("/api/secrets/shared", { method: "PUT", json: { value: "shared-value-99" } })).status).toBe(204);
        for (const name of ["shared", "legacy"]) {
          const done = await runNotify(worker.server, name);
          expect(done.status, JSON.stringify(done.error)).toBe("completed");
        }
        const outbox = JSON.stringify((await worker.server.api("/api/outbox")).body);
        expect(outbox).toContain("{{secret:shared}}");
        expect(outbox).not.toMatch(/shared-value-99|legacy-plain-777/);
        const rows = await admin.query<{ value: string }>(`SELECT value FROM "${schema}".kv WHERE key LIKE 'secret:%'`);
        expect(rows.rows.map((r) => r.value).join("\n")).not.toMatch(/shared-value-99|legacy-plain-777/);
      } finally {
        await worker.server.close();
        await api.server.close();
      }
    },
  );
});
