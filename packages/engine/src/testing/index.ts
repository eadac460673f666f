export { describeStoreContract } from "./store-contract.js";
// For other contract suites (the server's tables): fresh stores per test, the fake epoch, awkward JSON.
export { awkward, createContractContext, freshId, SECOND, T0 } from "./store-contract/helpers.js";
export type { ContractContext, StoreFactory } from "./store-contract/helpers.js";
export { clone, iso } from "./memory-values.js";
export { createMemoryStore, MemoryStore } from "./memory-store.js";
export { createFakeClock } from "./fake-clock.js";
export type { FakeClock } from "./fake-clock.js";
export { createTestHub } from "./test-hub.js";
export type { TestHub, TestHubOptions } from "./test-hub.js";
