import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../testing/memory-store.js";
import { createClient } from "./client.js";
import type { TaskHubStore } from "./store.js";

/** A memory store that counts the write transactions the client asks for. */
function countingStore() {
  const store = createMemoryStore();
  const calls = { createInstance: 0, createInstances: [] as number[], enqueueMessage: 0, enqueueMessages: [] as number[] };
  const counters: Partial<TaskHubStore> = {
    createInstance: (...args) => (calls.createInstance++, store.createInstance(...args)),
    createInstances: (...args) => (calls.createInstances.push(args[0].length), store.createInstances(...args)),
    enqueueMessage: (...args) => (calls.enqueueMessage++, store.enqueueMessage(...args)),
    enqueueMessages: (...args) => (calls.enqueueMessages.push(args[0].length), store.enqueueMessages(...args)),
  };
  // The memory store's methods use private fields, so the others are bound to it.
  const counted = new Proxy(store, {
    get: (target, key) => {
      const value: unknown = counters[key as keyof TaskHubStore] ?? Reflect.get(target, key);
      return typeof value === "function" && !(key in counters) ? value.bind(target) : value;
    },
  }) as TaskHubStore;
  return { store: counted, calls };
}

describe("the client's group commit", () => {
  it("creates concurrent starts in one transaction, and still refuses an id in use with InstanceExistsError", async () => {
    const { store, calls } = countingStore();
    const client = createClient({ store });
    await client.start("o", null, { instanceId: "taken" });
    const results = await Promise.allSettled([
      client.start("o", 1, { instanceId: "a" }),
      client.start("o", 2, { instanceId: "taken" }),
      client.start("o", 3, { instanceId: "b" }),
      client.start("o", 4, { instanceId: "b" }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).name))).toEqual([
      "a",
      "InstanceExistsError",
      "b",
      "InstanceExistsError",
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ instanceId: "taken", status: "pending" });
    expect(calls.createInstances).toEqual([1, 4]);
    expect(calls.createInstance).toBe(0);
    expect((await store.getInstance("b"))?.input).toBe(3);
  });

  it("queues concurrent events and lifecycle messages in one transaction, each call with its own error", async () => {
    const { store, calls } = countingStore();
    const client = createClient({ store });
    await Promise.all(["x", "y", "done"].map((instanceId) => client.start("o", null, { instanceId })));
    await client.terminate("done");
    // A pending instance cannot be resumed: only that call fails.
    const results = await Promise.allSettled([
      client.raiseEvent("x", "go", 1),
      client.raiseEvent("missing", "go", 2),
      client.suspend("y"),
      client.resume("x"),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).name))).toEqual([
      "ok",
      "InstanceNotFoundError",
      "ok",
      "InstanceStateError",
    ]);
    expect(calls.enqueueMessages).toEqual([1, 4]);
    expect(calls.enqueueMessage).toBe(0);
  });
});
