/**
 * Runs the code-first order workflow once on a SQLite file and approves it:
 *   npm run order -w @weft/examples
 */
import { mkdirSync } from "node:fs";
import { createClient, createWorker } from "@weft/engine";
import { createSqliteStore } from "@weft/store-sqlite";
import { APPROVAL_EVENT, createOrderActivities, processOrder } from "./order-orchestrator.js";

mkdirSync(".weft", { recursive: true });
const store = await createSqliteStore({ path: ".weft/example-order.db" });
const outbox: unknown[] = [];
const worker = createWorker({ store, orchestrators: { processOrder }, activities: createOrderActivities(outbox) });
const client = createClient({ store });
worker.start();

const id = await client.start("processOrder", {
  id: `o-${Date.now()}`,
  customer: "Ada",
  email: "ada@example.com",
  items: [{ sku: "video-course", quantity: 1 }],
});
console.log(`started ${id}; waiting for it to ask for approval…`);
while (!(await client.get(id))?.pendingWaits.length) await new Promise((r) => setTimeout(r, 20));
await client.raiseEvent(id, APPROVAL_EVENT, { decision: "Approved" });
const done = await client.waitForCompletion(id);
console.log(done.status, done.output);
console.log("outbox:", outbox);
for (const event of await client.history(id)) console.log(event.seq, event.type, event.name ?? "");
await worker.stop();
await store.close();
