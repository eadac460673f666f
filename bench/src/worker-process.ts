/**
 * One Weft worker process on a shared PostgreSQL schema (the 2- and 4-process rows).
 * Prints "READY" once its worker runs; on SIGTERM stops gracefully and prints its
 * metrics and peak RSS as one "@@WORKER {json}" line.
 *
 *   node --import tsx src/worker-process.ts <schema>
 */
import { createWorker } from "@weft/engine";
import { createPostgresStore } from "@weft/store-postgres";
import { DATABASE_URL, peakRssMb, quiet, storeTrace, traced } from "./common.js";
import { activities, orchestrators } from "./orchestrators.js";

const schema = process.argv[2];
if (!schema) throw new Error("usage: worker-process.ts <schema>");
const store = traced(
  await createPostgresStore({
    connectionString: DATABASE_URL,
    schema,
    poolSize: Number(process.env.BENCH_POOL ?? 10),
    applicationName: "weft-bench-worker",
  }),
);
const worker = createWorker({ store, orchestrators, activities, ...quiet });
worker.start();
process.stdout.write("READY\n");
// The scenario process holds our stdin: when it goes away (done, failed, killed), so do we.
process.stdin.resume();
process.stdin.once("end", () => process.exit(0));
process.once("SIGTERM", async () => {
  await worker.stop();
  await store.close();
  process.stdout.write(`@@WORKER ${JSON.stringify({ ...worker.metrics(), peakRssMb: Math.round(peakRssMb()), ...storeTrace })}\n`);
  process.exit(0);
});
