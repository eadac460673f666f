export { describeStoreContract } from "./store-contract.js";
export { createMemoryStore, MemoryStore } from "./memory-store.js";
export { createFakeClock } from "./fake-clock.js";
export type { FakeClock } from "./fake-clock.js";
export { createTestHub } from "./test-hub.js";
export type { TestHub, TestHubOptions } from "./test-hub.js";
