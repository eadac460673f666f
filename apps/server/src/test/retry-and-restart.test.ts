import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function publish(definition: Record<string, unknown>): Promise<number> {
  const id = definition.id as string;
  expect((await server.api(`/api/workflows/${id}`, { method: "PUT", json: definition })).status).toBe(200);
  const published = await server.api(`/api/workflows/${id}/publish`, { method: "POST" });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return published.body.version;
}

const node = (id: string, type: string, extra: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, ...extra });
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });

describe("retry now", () => {
  it("fires the backoff of a step waiting an hour between attempts, at once", async () => {
    await publish({
      id: "slow-retry",
      name: "Slow retry",
      nodes: [
        node("start", "start"),
        node("flaky", "activity", {
          activity: "util.flaky",
          input: '{ "failAttempts": 1 }',
          retry: { maxAttempts: 3, firstIntervalMs: 3_600_000 },
        }),
      ],
      edges: [edge("start", "flaky")],
    });
    const { body } = await server.api("/api/workflows/slow-retry/instances", { method: "POST", json: {} });
    const id = body.instanceId;
    await until(server, id, (d) => d.pending?.timers?.length === 1);
    expect((await server.api(`/api/instances/${id}/retry-now`, { method: "POST", json: { nodeId: "other" } })).status).toBe(409);
    expect((await server.api(`/api/instances/${id}/retry-now`, { method: "POST", json: { nodeId: "flaky" } })).status).toBe(202);
    const done = await until(server, id, isTerminal);
    expect(done.output).toEqual({ attempt: 2 });
    expect((await server.api(`/api/instances/${id}/retry-now`, { method: "POST" })).status).toBe(409);
  });
});

describe("restart from a step on a chosen version", () => {
  const flow = (version: "buggy" | "fixed") => ({
    id: "fix-me",
    name: "Fix me",
    nodes: [
      node("start", "start"),
      node("expensive", "activity", { activity: "util.echo", input: '{ "computed": input.n * 10 }' }),
      node("split", "parallel"),
      node("a", "activity", { activity: "util.echo", input: '"a"' }),
      node("b", "activity", { activity: "util.echo", input: '"b"' }),
      node("join", "join"),
      version === "buggy"
        ? node("last", "activity", { activity: "util.fail", input: '{ "message": "bug in the last step" }' })
        : node("last", "activity", { activity: "util.echo", input: '{ "kept": steps.expensive.computed, "joined": steps.join }' }),
    ],
    edges: [
      edge("start", "expensive"),
      edge("expensive", "split"),
      edge("split", "a"),
      edge("split", "b"),
      edge("a", "join"),
      edge("b", "join"),
      edge("join", "last"),
    ],
  });

  it("keeps the earlier steps' outputs and runs the fixed step from the new version", async () => {
    expect(await publish(flow("buggy"))).toBe(1);
    const { body } = await server.api("/api/workflows/fix-me/instances", { method: "POST", json: { input: { n: 4 } } });
    const failed = await until(server, body.instanceId, isTerminal);
    expect(failed.status).toBe("failed");
    expect(await publish(flow("fixed"))).toBe(2);

    const points = await server.api(`/api/instances/${body.instanceId}/restart-points?version=2`);
    expect(points.body).toEqual({ version: 2, nodeIds: expect.arrayContaining(["start", "expensive", "split", "last"]) });
    expect(points.body.nodeIds).not.toContain("a");

    expect(
      (await server.api(`/api/instances/${body.instanceId}/restart-from`, { method: "POST", json: { nodeId: "a", version: 2 } })).status,
    ).toBe(409);
    const restarted = await server.api(`/api/instances/${body.instanceId}/restart-from`, {
      method: "POST",
      json: { nodeId: "last", version: 2 },
    });
    expect(restarted.status, JSON.stringify(restarted.body)).toBe(202);
    expect(restarted.body.version).toBe(2);
    const done = await until(server, restarted.body.instanceId, isTerminal);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(done.output).toEqual({ kept: 40, joined: ["a", "b"] });
    // The expensive step did not run again in the new instance.
    const history = await server.api(`/api/instances/${restarted.body.instanceId}/history`);
    const names = history.body.events.filter((e: { type: string }) => e.type === "TaskScheduled").map((e: { name: string }) => e.name);
    expect(names).toEqual(["weft.restartSeed", "util.echo"]);
  });

  it("refuses a step the instance never reached, and an unknown version", async () => {
    await publish({
      id: "early-stop",
      name: "Early stop",
      nodes: [
        node("start", "start"),
        node("gate", "waitForEvent", { event: "never" }),
        node("after", "activity", { activity: "util.echo" }),
      ],
      edges: [edge("start", "gate"), edge("gate", "after")],
    });
    const { body } = await server.api("/api/workflows/early-stop/instances", { method: "POST", json: {} });
    await until(server, body.instanceId, (d) => d.pending?.events?.length === 1);
    expect((await server.api(`/api/instances/${body.instanceId}/restart-from`, { method: "POST", json: { nodeId: "after" } })).status).toBe(
      409,
    );
    expect(
      (await server.api(`/api/instances/${body.instanceId}/restart-from`, { method: "POST", json: { nodeId: "gate", version: 9 } })).status,
    ).toBe(404);
    expect((await server.api(`/api/instances/${body.instanceId}/restart-from`, { method: "POST", json: {} })).status).toBe(400);
  });
});
