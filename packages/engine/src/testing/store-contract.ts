import { describe } from "vitest";
import { describeActivities } from "./store-contract/activities.js";
import { describeCommit } from "./store-contract/commit.js";
import { describeGroupWrites } from "./store-contract/group-writes.js";
import { createContractContext, type StoreFactory } from "./store-contract/helpers.js";
import { describeInstances } from "./store-contract/instances.js";
import { describeLocalDispatch } from "./store-contract/local-dispatch.js";
import { describeMisc } from "./store-contract/misc.js";
import { describeOrchestrations } from "./store-contract/orchestrations.js";

/**
 * The task hub's contract suite: every store runs these behaviours unchanged (the
 * server's tables have their own, `describeWorkflowStoreContract` in
 * `@weft/workflow-store/testing`).
 *
 * `factory` is called once per test and must return an empty store (or one no
 * other test writes to: a fresh file, database or schema). The suite closes the
 * store when the test finishes, then calls `cleanup`. Tests drive time through
 * the `now` arguments only, from a fixed fake epoch in the past, so a store that
 * reads the wall clock for visibility or leases fails them.
 *
 * @example
 * describeStoreContract("sqlite", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "weft-"));
 *   const store = await createSqliteStore({ path: join(dir, "weft.db") });
 *   return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
 * });
 */
export function describeStoreContract(storeName: string, factory: StoreFactory): void {
  const ctx = createContractContext(factory);
  describe(`Task hub contract: ${storeName}`, () => {
    describeInstances(ctx);
    describeGroupWrites(ctx);
    describeOrchestrations(ctx);
    describeCommit(ctx);
    describeActivities(ctx);
    describeLocalDispatch(ctx);
    describeMisc(ctx);
  });
}

export type { StoreFactory };
