import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** A workflow whose one step calls `workflow` (pinned to `version`, or the latest). */
function calling(id: string, workflow: string, version?: number) {
  return {
    id,
    name: id,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      { id: "call", type: "subWorkflow", workflow, ...(version !== undefined ? { version } : {}), position: { x: 200, y: 0 } },
      { id: "end", type: "end", position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: "e1", source: "start", target: "call" },
      { id: "e2", source: "call", target: "end" },
    ],
  };
}

const leaf = (id: string) => ({
  id,
  name: id,
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "end", type: "end", position: { x: 200, y: 0 } },
  ],
  edges: [{ id: "e1", source: "start", target: "end" }],
});

async function put(definition: { id: string }) {
  const saved = await server.api(`/api/workflows/${definition.id}`, { method: "PUT", json: definition });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

describe("publishing sub-workflow cycles", () => {
  it("refuses a workflow that calls itself, with the problem on its node", async () => {
    await put(calling("self-caller", "self-caller"));
    const published = await server.api("/api/workflows/self-caller/publish", { method: "POST" });
    expect(published.status).toBe(422);
    expect(published.body.problems).toContainEqual(expect.objectContaining({ code: "sub-workflow-cycle", nodeId: "call" }));
  });

  it("refuses the publish that closes a cycle through a published workflow (A → B → A)", async () => {
    await put(leaf("cycle-a"));
    expect((await server.api("/api/workflows/cycle-a/publish", { method: "POST" })).status).toBe(201);
    await put(calling("cycle-b", "cycle-a"));
    expect((await server.api("/api/workflows/cycle-b/publish", { method: "POST" })).status).toBe(201);
    // cycle-a's next version would call cycle-b, whose latest version calls cycle-a.
    await put(calling("cycle-a", "cycle-b"));
    const published = await server.api("/api/workflows/cycle-a/publish", { method: "POST" });
    expect(published.status).toBe(422);
    expect(published.body.detail ?? published.body.title).toContain("'cycle-a' → 'cycle-b' → 'cycle-a'");
    expect(published.body.problems).toContainEqual(expect.objectContaining({ code: "sub-workflow-cycle", nodeId: "call" }));
  });

  it("accepts a pin to an earlier version that does not call back", async () => {
    await put(leaf("pin-a"));
    expect((await server.api("/api/workflows/pin-a/publish", { method: "POST" })).status).toBe(201);
    await put(calling("pin-b", "pin-a", 1));
    expect((await server.api("/api/workflows/pin-b/publish", { method: "POST" })).status).toBe(201);
    await put(calling("pin-a", "pin-b"));
    expect((await server.api("/api/workflows/pin-a/publish", { method: "POST" })).status).toBe(201);
  });
});

describe("limit settings", () => {
  it("reads the limits and the shutdown bound from the environment, with documented defaults", () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({
      maxSubWorkflowDepth: 10,
      maxOpenChildren: 1000,
      maxChildrenPerExecution: 5000,
      maxMapItems: 10_000,
      shutdownTimeoutMs: 10_000,
    });
    const set = loadConfig({
      WEFT_MAX_SUBWORKFLOW_DEPTH: "3",
      WEFT_MAX_OPEN_CHILDREN: "4",
      WEFT_MAX_CHILDREN_PER_EXECUTION: "5",
      WEFT_MAX_MAP_ITEMS: "6",
      WEFT_SHUTDOWN_TIMEOUT_MS: "700",
    });
    expect(set).toMatchObject({
      maxSubWorkflowDepth: 3,
      maxOpenChildren: 4,
      maxChildrenPerExecution: 5,
      maxMapItems: 6,
      shutdownTimeoutMs: 700,
    });
    expect(() => loadConfig({ WEFT_MAX_MAP_ITEMS: "0" })).toThrow("WEFT_MAX_MAP_ITEMS must be at least 1");
  });

  it("reads sticky dispatch's reservation from WEFT_AFFINITY_MS: unset leaves the engine's default, 0 turns it off, negatives are refused", () => {
    expect(loadConfig({}).affinityMs).toBeUndefined();
    expect(loadConfig({ WEFT_AFFINITY_MS: "0" }).affinityMs).toBe(0);
    expect(loadConfig({ WEFT_AFFINITY_MS: "500" }).affinityMs).toBe(500);
    expect(() => loadConfig({ WEFT_AFFINITY_MS: "-1" })).toThrow("WEFT_AFFINITY_MS (--affinity-ms) must be 0 (off) or more");
    expect(() => loadConfig({ WEFT_AFFINITY_MS: "soon" })).toThrow("WEFT_AFFINITY_MS must be a whole number");
  });

  it("runs 100 activities at once per process unless WEFT_ACTIVITY_CONCURRENCY says otherwise", () => {
    expect(loadConfig({}).activityConcurrency).toBe(100);
    expect(loadConfig({ WEFT_ACTIVITY_CONCURRENCY: "8" }).activityConcurrency).toBe(8);
  });
});
