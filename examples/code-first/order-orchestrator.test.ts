import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createWorker, type EngineClient, type TaskHubStore, type Worker } from "@weft/engine";
import { createFakeClock, type FakeClock } from "@weft/engine/testing";
import { createSqliteStore } from "@weft/store-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APPROVAL_EVENT, APPROVAL_TIMEOUT_MS, createOrderActivities, type Order, processOrder } from "./order-orchestrator.js";

const order: Order = { id: "o-1001", customer: "Ada", email: "ada@example.com", items: [{ sku: "video-course", quantity: 1 }] };

let dir: string;
let store: TaskHubStore;
let clock: FakeClock;
let worker: Worker;
let client: EngineClient;
let outbox: unknown[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-order-"));
  store = await createSqliteStore({ path: join(dir, "weft.db") });
  clock = createFakeClock();
  outbox = [];
  worker = createWorker({ store, clock, orchestrators: { processOrder }, activities: createOrderActivities(outbox), pollIntervalMs: 20 });
  client = createClient({ store, clock });
  worker.start();
});

afterEach(async () => {
  await worker.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitingForApproval(id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const instance = await client.get(id);
    if (instance?.pendingWaits.some((w) => w.name === APPROVAL_EVENT)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the order never waited for approval");
}

describe("the code-first order workflow on SQLite", () => {
  it("emails the customer once the order is approved", async () => {
    const id = await client.start("processOrder", order, { instanceId: order.id });
    await waitingForApproval(id);
    expect((await client.get(id))?.customStatus).toBe("Waiting for approval");
    await client.raiseEvent(id, APPROVAL_EVENT, { decision: "Approved" });
    const done = await client.waitForCompletion(id);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ orderId: "o-1001", status: "processed", pdf: "pdfs/o-1001.pdf", video: "videos/o-1001.mp4" });
    expect(outbox).toEqual([{ kind: "email", to: "ada@example.com", pdf: "pdfs/o-1001.pdf", video: "videos/o-1001.mp4" }]);
    // The PDF and the video were scheduled in the same turn: they ran in parallel.
    const history = await client.history(id);
    const scheduled = history.filter((e) => e.type === "TaskScheduled");
    const pdf = scheduled.find((e) => e.name === "order.createPdf");
    const video = scheduled.find((e) => e.name === "order.createVideo");
    expect(pdf?.at).toBe(video?.at);
    expect(video?.seq).toBe((pdf?.seq ?? 0) + 1);
  });

  it("records 'not approved' when nobody answers within 30 minutes", async () => {
    const id = await client.start("processOrder", order);
    await waitingForApproval(id);
    clock.advance(APPROVAL_TIMEOUT_MS - 1);
    worker.poke();
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.get(id))?.status).toBe("running");
    clock.advance(1);
    worker.poke();
    const done = await client.waitForCompletion(id);
    expect(done.output).toMatchObject({ status: "not approved", reason: "No approval within 30 minutes" });
    expect(outbox).toEqual([{ kind: "not-approved", orderId: "o-1001", reason: "No approval within 30 minutes" }]);
  });

  it("takes the not-approved branch when the order is rejected", async () => {
    const id = await client.start("processOrder", order);
    await waitingForApproval(id);
    await client.raiseEvent(id, APPROVAL_EVENT, { decision: "Rejected", comment: "out of stock" });
    const done = await client.waitForCompletion(id);
    expect(done.output).toMatchObject({ status: "not approved", reason: "Rejected: out of stock" });
  });
});
