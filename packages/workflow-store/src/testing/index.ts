export { describeWorkflowStoreContract } from "./contract.js";
export type { WorkflowStoreUnderTest } from "./contract.js";
export { MemoryWorkflowTables } from "./memory-workflow-tables.js";
export { createMemoryServerStore, MemoryServerStore } from "./memory-server-store.js";
