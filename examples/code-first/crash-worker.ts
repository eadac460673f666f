/**
 * The process the crash-recovery test kills: it opens the SQLite store, starts
 * the instances that do not exist yet, and works until every one has finished.
 * Each activity run appends "<instanceId> <taskId>" to runs.log before returning,
 * so the test can count runs that were repeated after a kill.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { createClient, createWorker, type OrchestrationContext } from "@weft/engine";
import { createSqliteStore } from "@weft/store-sqlite";

const [dir = ".", countText = "20"] = process.argv.slice(2);
const count = Number(countText);

export function* pipeline(ctx: OrchestrationContext, n: number) {
  const a: number = yield ctx.callActivity("step", n);
  const [b, c] = (yield ctx.all([ctx.callActivity<number>("step", a), ctx.callActivity<number>("step", a + 1)])) as [number, number];
  yield ctx.sleep(30);
  const d: number = yield ctx.callActivity("step", b + c);
  return d;
}

const store = await createSqliteStore({ path: join(dir, "weft.db") });
const client = createClient({ store });
const worker = createWorker({
  store,
  orchestrators: { pipeline },
  activities: {
    step: async (n: number, ctx) => {
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
      appendFileSync(join(dir, "runs.log"), `${ctx.instanceId} ${ctx.taskId}\n`);
      return n + 1;
    },
  },
  pollIntervalMs: 50,
  // Few at once, so a run takes seconds and the kills land in the middle of it.
  activityConcurrency: 4,
});
worker.start();
for (let i = 0; i < count; i++) {
  const id = `crash-${i}`;
  if (!(await client.get(id))) await client.start("pipeline", i, { instanceId: id });
}
for (;;) {
  const open = await client.list({ status: ["pending", "running"], limit: 1 });
  if (open.items.length === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
await worker.stop();
await store.close();
process.exit(0);
