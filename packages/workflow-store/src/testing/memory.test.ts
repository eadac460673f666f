import { describeStoreContract } from "@weft/engine/testing";
import { describeWorkflowStoreContract } from "./contract.js";
import { createMemoryServerStore, MemoryServerStore } from "./memory-server-store.js";
import { MemoryWorkflowTables } from "./memory-workflow-tables.js";

describeWorkflowStoreContract("memory tables", async () => ({
  store: Object.assign(new MemoryWorkflowTables(), { close: async () => {} }),
}));
// The whole memory store: the server's tables beside the task hub, each still keeping its contract.
describeWorkflowStoreContract("memory server store", async () => ({ store: createMemoryServerStore() }));
describeStoreContract("memory server store", async () => ({ store: new MemoryServerStore() }));
