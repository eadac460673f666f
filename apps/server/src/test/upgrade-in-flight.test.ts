import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

// Databases Weft left behind at commit 64bd5b5 when it was killed with work in flight
// (testdata/databases/README.md says what each holds and how they were written).
const FIXTURES = new URL("../../../../testdata/databases/", import.meta.url);
const SQLITE_FIXTURE = fileURLToPath(new URL("main-64bd5b5-in-flight.db", FIXTURES));
const PG_FIXTURE = fileURLToPath(new URL("main-64bd5b5-in-flight.pg.sql", FIXTURES));
/** The schema the dump was taken from; each run restores it under a fresh name. */
const PG_FIXTURE_SCHEMA = "weft_in_flight_64bd5b5";

const CHAIN = "in-flight-chain-1";
const EVENT = "in-flight-event-1";
const TIMER = "in-flight-timer-1";
const PARENT = "in-flight-parent-1";

interface HistoryEvent {
  seq: number;
  type: string;
  taskId?: number;
  attempt?: number;
  name?: string;
  instanceId?: string;
  fireAt?: string;
  status?: string;
}

async function historyOf(server: TestServer, instanceId: string): Promise<HistoryEvent[]> {
  const { status, body } = await server.api(`/api/instances/${encodeURIComponent(instanceId)}/history`);
  expect(status, `history of ${instanceId}`).toBe(200);
  return body.events;
}

async function detailOf(server: TestServer, instanceId: string): Promise<any> {
  const { status, body } = await server.api(`/api/instances/${encodeURIComponent(instanceId)}`);
  expect(status, `detail of ${instanceId}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

/**
 * Seqs 1..n with no gap or repeat, one start and one completion (the last event), and no
 * piece of work recorded twice: a step re-run after the crash must not add a second
 * schedule or a second result.
 */
function expectSoundHistory(instanceId: string, events: HistoryEvent[]): void {
  expect(
    events.map((e) => e.seq),
    `${instanceId}: seqs`,
  ).toEqual(events.map((_, i) => i + 1));
  expect(
    events.filter((e) => e.type === "ExecutionStarted"),
    `${instanceId}: starts`,
  ).toHaveLength(1);
  expect(
    events.filter((e) => e.type === "ExecutionCompleted"),
    `${instanceId}: completions`,
  ).toHaveLength(1);
  expect(events.at(-1)?.type, `${instanceId}: last event`).toBe("ExecutionCompleted");
  const seen = new Map<string, number>();
  for (const event of events) {
    if (event.taskId === undefined) continue;
    const key = `${event.type} task ${event.taskId} attempt ${event.attempt ?? "-"}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  expect(
    [...seen].filter(([, count]) => count > 1),
    `${instanceId}: work recorded twice`,
  ).toEqual([]);
  const done = new Set(events.filter((e) => e.type === "TaskCompleted").map((e) => e.taskId));
  const scheduled = events.filter((e) => e.type === "TaskScheduled").map((e) => e.taskId);
  expect(
    scheduled.filter((taskId) => !done.has(taskId)),
    `${instanceId}: steps never completed`,
  ).toEqual([]);
}

interface Snapshot {
  childId: string;
  /** Each instance's history as the upgrade found it, before anything ran. */
  histories: Map<string, HistoryEvent[]>;
}

/** Reads the fixture through a server without a worker: the instances are parked as recorded. */
async function snapshotParked(server: TestServer): Promise<Snapshot> {
  const chain = await detailOf(server, CHAIN);
  expect(chain.status).toBe("running");
  expect(chain.pending.activities.map((a: { name: string }) => a.name).sort()).toEqual(["order.createPdf", "order.save"]);
  const event = await detailOf(server, EVENT);
  expect(event.pending.events.map((e: { name: string }) => e.name)).toEqual(["Approval"]);
  const timer = await detailOf(server, TIMER);
  expect(timer.pending.timers).toHaveLength(1);
  const fireAt = Date.parse(timer.pending.timers[0].fireAt);
  if (!(fireAt <= Date.now())) {
    throw new Error(
      `The fixture's timer fires at ${timer.pending.timers[0].fireAt}, after this machine's clock (${new Date().toISOString()}): is the clock wrong?`,
    );
  }
  const childId = (await historyOf(server, PARENT)).find((e) => e.type === "SubOrchestrationCreated")?.instanceId;
  if (typeof childId !== "string") throw new Error("The fixture's parent has no SubOrchestrationCreated event.");
  const child = await detailOf(server, childId);
  expect(child.pending.events.map((e: { name: string }) => e.name)).toEqual(["ChildGo"]);
  const histories = new Map<string, HistoryEvent[]>();
  for (const id of [CHAIN, EVENT, TIMER, PARENT, childId]) histories.set(id, await historyOf(server, id));
  return { childId, histories };
}

/**
 * Finishes every instance (raises the events; the queued and leased steps and the overdue
 * timer run by themselves) and checks outputs and histories; the histories the upgrade
 * found must come through unchanged, as a prefix.
 */
async function finishEveryInstance(server: TestServer, { childId, histories }: Snapshot): Promise<void> {
  expect(
    (await server.api(`/api/instances/${EVENT}/events/Approval`, { method: "POST", json: { decision: "Approved", by: "upgrade-test" } }))
      .status,
  ).toBe(202);
  expect(
    (await server.api(`/api/instances/${encodeURIComponent(childId)}/events/ChildGo`, { method: "POST", json: { ok: true } })).status,
  ).toBe(202);

  const finished = new Map<string, any>();
  for (const id of histories.keys()) finished.set(id, await until(server, id, isTerminal, 20_000));
  for (const [id, detail] of finished) expect(detail.status, `${id}: ${JSON.stringify(detail.error)}`).toBe("completed");

  const chainOutput = finished.get(CHAIN).output;
  expect(chainOutput).toEqual({
    orderId: "A-1",
    echo: { orderId: "A-1", step: "echo" },
    save: { orderId: "A-1", status: "saved", itemCount: 3 },
    pdf: { url: expect.stringMatching(/\/A-1\.pdf$/), pages: expect.any(Number) },
    last: { saved: "saved", pages: chainOutput.pdf.pages },
  });
  expect(finished.get(EVENT).output).toEqual({ orderId: "B-2", reply: { decision: "Approved", by: "upgrade-test" } });
  expect(finished.get(TIMER).output).toEqual({ woke: { orderId: "C-3", woke: true } });
  const childOutput = { child: { from: "D-4", go: { ok: true } } };
  expect(finished.get(childId).output).toEqual(childOutput);
  expect(finished.get(PARENT).output).toEqual({ orderId: "D-4", after: { fromChild: childOutput } });

  for (const [id, before] of histories) {
    const events = await historyOf(server, id);
    expectSoundHistory(id, events);
    expect(events.slice(0, before.length), `${id}: the history the upgrade found`).toEqual(before);
  }
  expect((await historyOf(server, TIMER)).filter((e) => e.type === "TimerFired")).toHaveLength(1);
  // The event came first: its century-long timeout stays unfired.
  const eventHistory = await historyOf(server, EVENT);
  expect(eventHistory.filter((e) => e.type === "TimerCreated")).toHaveLength(1);
  expect(eventHistory.filter((e) => e.type === "TimerFired")).toEqual([]);
}

/** Opens the migrated store once without a worker to see what was parked, then with one to finish it. */
async function upgradeAndFinish(overrides: Parameters<typeof startTestServer>[0]): Promise<void> {
  const reader = await startTestServer({ ...overrides, worker: false });
  let snapshot: Snapshot;
  try {
    snapshot = await snapshotParked(reader);
  } finally {
    await reader.close();
  }
  const server = await startTestServer(overrides);
  try {
    await finishEveryInstance(server, snapshot);
  } finally {
    await server.close();
  }
}

describe("an upgrade with work in flight (SQLite)", () => {
  it("opens the database Weft 64bd5b5 left when killed mid-flight, and finishes the queued and leased steps, the event waits, the overdue timer and the sub-workflow", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "weft-upgrade-in-flight-"));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    copyFileSync(SQLITE_FIXTURE, join(dataDir, "weft.db"));
    await upgradeAndFinish({ dataDir });
  });
});

const DATABASE_URL = process.env.WEFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("an upgrade with work in flight (PostgreSQL)", async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  admin.on("error", () => undefined);
  const reachable = await admin.connect().then(
    () => true,
    (error: Error) => {
      if (process.env.CI === "true") throw new Error(`PostgreSQL is required in CI but ${DATABASE_URL} is not reachable: ${error.message}`);
      process.stderr.write(
        `\n[upgrade-in-flight] PostgreSQL not reachable (${error.message}): the PostgreSQL upgrade test is skipped; with CI=true it fails instead.\n`,
      );
      return false;
    },
  );
  afterAll(() => (reachable ? admin.end() : undefined));

  /** Restores the dump under a fresh schema name on its own session (the dump empties search_path). */
  async function restoreFixture(): Promise<string> {
    const schema = `upgrade_in_flight_${randomBytes(4).toString("hex")}`;
    onTestFinished(() => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined));
    const sql = readFileSync(PG_FIXTURE, "utf8").replaceAll(PG_FIXTURE_SCHEMA, schema);
    expect(sql).not.toContain(PG_FIXTURE_SCHEMA);
    const restorer = new pg.Client({ connectionString: DATABASE_URL });
    await restorer.connect();
    try {
      await restorer.query(sql);
    } finally {
      await restorer.end();
    }
    return schema;
  }

  it.skipIf(!reachable)(
    "restores the dump Weft 64bd5b5 left when killed mid-flight, and finishes the queued and leased steps, the event waits, the overdue timer and the sub-workflow",
    async () => {
      const schema = await restoreFixture();
      const dataDir = mkdtempSync(join(tmpdir(), "weft-upgrade-in-flight-pg-"));
      onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
      await upgradeAndFinish({ dataDir, databaseUrl: DATABASE_URL, databaseSchema: schema });
    },
  );
});
