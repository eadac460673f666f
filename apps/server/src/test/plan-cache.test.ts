import { createClient } from "@weft/engine";
import { type Store } from "@weft/workflow-store";
import { createMemoryServerStore } from "@weft/workflow-store/testing";
import { describe, expect, it } from "vitest";
import { WorkflowService } from "../workflows.js";

/** A published workflow of about `kib` KiB: start → echo (with a long description) → end. */
function definition(id: string, kib: number) {
  return {
    id,
    name: id,
    description: "x".repeat(kib * 1024),
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      { id: "echo", type: "activity", activity: "util.echo", input: "input", position: { x: 0, y: 100 } },
      { id: "end", type: "end", position: { x: 0, y: 200 } },
    ],
    edges: [
      { id: "a", source: "start", target: "echo" },
      { id: "b", source: "echo", target: "end" },
    ],
  };
}

/** The store, counting the version reads that compiling a plan needs. */
function countingStore(): { store: Store; reads: string[] } {
  const store = createMemoryServerStore();
  const reads: string[] = [];
  const read = store.getWorkflowVersion.bind(store);
  store.getWorkflowVersion = (id, version) => {
    reads.push(`${id}@${version}`);
    return read(id, version);
  };
  return { store, reads };
}

describe("the cache of compiled plans", () => {
  it("compiles a published version once, and keeps plans of a bounded total size: a huge definition does not pin the others' memory", async () => {
    const { store, reads } = countingStore();
    const workflows = new WorkflowService({ store, client: createClient({ store }), activities: () => [{ name: "util.echo" }] });
    for (const id of ["small", "huge-1", "huge-2", "huge-3"]) {
      await workflows.saveDraft(id, definition(id, id === "small" ? 1 : 900));
      await workflows.publish(id);
    }

    expect((await workflows.plan("small", 1))?.workflowId).toBe("small");
    await workflows.plan("small", 1);
    expect(reads).toEqual(["small@1"]);

    // 2.7 MiB of definitions used since: still within the bound (4 MiB), nothing evicted.
    for (const id of ["huge-1", "huge-2", "huge-3"]) await workflows.plan(id, 1);
    await workflows.plan("small", 1);
    expect(reads.filter((r) => r === "small@1")).toHaveLength(1);

    // Two more huge ones pass the bound: the least recently used plans are dropped and compiled again when asked for.
    for (const id of ["huge-4", "huge-5"]) {
      await workflows.saveDraft(id, definition(id, 900));
      await workflows.publish(id);
      await workflows.plan(id, 1);
    }
    reads.length = 0;
    await workflows.plan("huge-1", 1);
    await workflows.plan("huge-5", 1);
    expect(reads).toEqual(["huge-1@1"]);
  });
});
