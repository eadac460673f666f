import { createContractContext, type StoreFactory } from "@weft/engine/testing";
import { describe } from "vitest";
import type { WorkflowStore } from "../workflow-store.js";
import { describeServerFacts } from "./server-facts.js";
import { describeWorkflows } from "./workflows.js";

/** A store the suite can open and close: any backend that keeps the server's tables. */
export type WorkflowStoreUnderTest = WorkflowStore & { close(): Promise<void> };

/**
 * The server tables' contract suite: drafts and published versions, claim-once keys,
 * values and the outbox. Every store that implements `WorkflowStore` runs it unchanged,
 * beside the engine's task hub suite (`describeStoreContract` in `@weft/engine/testing`).
 * `factory` returns an empty store per test, as for the task hub suite; time is driven
 * through the `now` arguments only.
 *
 * @example
 * describeWorkflowStoreContract("sqlite", async () => ({ store: await createSqliteStore({ path: ":memory:" }) }));
 */
export function describeWorkflowStoreContract(storeName: string, factory: StoreFactory<WorkflowStoreUnderTest>): void {
  const ctx = createContractContext(factory);
  describe(`Workflow store contract: ${storeName}`, () => {
    describeWorkflows(ctx);
    describeServerFacts(ctx);
  });
}
