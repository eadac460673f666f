import { describe, expect, it } from "vitest";
import { findSubWorkflowCycle, type PublishedVersion } from "./sub-workflow-cycles.js";
import { definitionOf } from "./testing.js";
import { validate } from "./validate.js";

/** A workflow whose only step calls `workflow` (at `version`, or the latest). */
function calling(id: string, workflow: string, version?: number) {
  return definitionOf({
    id,
    nodes: [
      { id: "start", type: "start" },
      { id: "call", type: "subWorkflow", workflow, ...(version !== undefined ? { version } : {}) },
      { id: "end", type: "end" },
    ],
    edges: [
      ["start", "call"],
      ["call", "end"],
    ],
  });
}

const leaf = (id: string) =>
  definitionOf({
    id,
    nodes: [
      { id: "start", type: "start" },
      { id: "end", type: "end" },
    ],
    edges: [["start", "end"]],
  });

/** Published versions by workflow id, oldest first. */
function loaderOf(published: Record<string, unknown[]>) {
  return async (workflowId: string, version: number | "latest"): Promise<PublishedVersion | undefined> => {
    const versions = published[workflowId] ?? [];
    const number = version === "latest" ? versions.length : version;
    const definition = versions[number - 1];
    return definition === undefined ? undefined : { version: number, definition };
  };
}

describe("sub-workflow cycles", () => {
  it("validate refuses a sub-workflow node that calls its own workflow, on that node", () => {
    const problems = validate(calling("loop", "loop"), { workflows: ["loop"] });
    const cycle = problems.find((p) => p.code === "sub-workflow-cycle");
    expect(cycle).toMatchObject({ severity: "error", nodeId: "call" });
    expect(cycle?.message).toContain("calls 'loop', the workflow it is in");
  });

  it("refuses a publish that closes a cycle through a published workflow (A → B → A)", async () => {
    const load = loaderOf({ b: [calling("b", "a")] });
    const problem = await findSubWorkflowCycle("a", calling("a", "b"), 1, load);
    expect(problem).toMatchObject({ code: "sub-workflow-cycle", nodeId: "call" });
    expect(problem?.message).toContain("'a' → 'b' → 'a'");
  });

  it("follows pinned versions: a pin to an earlier version that does not call back is no cycle", async () => {
    const load = loaderOf({ a: [leaf("a")], b: [calling("b", "a", 1)] });
    expect(await findSubWorkflowCycle("a", calling("a", "b"), 2, load)).toBeUndefined();
    // …but a pin to the version being published is one.
    const pinnedToNew = loaderOf({ a: [leaf("a")], b: [calling("b", "a", 2)] });
    expect(await findSubWorkflowCycle("a", calling("a", "b"), 2, pinnedToNew)).toMatchObject({ code: "sub-workflow-cycle" });
  });

  it("refuses leading into a cycle among published versions, and accepts a chain without one", async () => {
    const load = loaderOf({ b: [calling("b", "c")], c: [calling("c", "b")], d: [calling("d", "e")], e: [leaf("e")] });
    expect((await findSubWorkflowCycle("a", calling("a", "b"), 1, load))?.message).toContain("'a' → 'b' → 'c' → 'b'");
    expect(await findSubWorkflowCycle("a", calling("a", "d"), 1, load)).toBeUndefined();
  });
});
