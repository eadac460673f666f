import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;

/** start → wait for `event` → end: an instance that sits waiting until the event comes. */
function waiterDefinition(id: string, event: string) {
  return {
    id,
    name: id,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      { id: "wait", type: "waitForEvent", event, position: { x: 200, y: 0 } },
      { id: "done", type: "end", position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: "e1", source: "start", target: "wait" },
      { id: "e2", source: "wait", target: "done" },
    ],
  };
}

async function publish(definition: { id: string }): Promise<void> {
  expect((await server.api(`/api/workflows/${definition.id}`, { method: "PUT", json: definition })).status).toBe(200);
  expect((await server.api(`/api/workflows/${definition.id}/publish`, { method: "POST" })).status).toBe(201);
}

const startBatch = (workflowId: string, json: unknown) =>
  server.api(`/api/workflows/${workflowId}/instances/batch`, { method: "POST", json });
const raiseBatch = (event: string, json: unknown) => server.api(`/api/events/${event}`, { method: "POST", json });
const waitingFor = (event: string) => (detail: any) => detail.pending?.events?.some((e: { name: string }) => e.name === event);

async function countInstances(workflowId: string): Promise<number> {
  return (await server.api(`/api/instances?workflow=${workflowId}&limit=1000`)).body.items.length;
}

function expectProblem(result: { status: number; body: any; headers: Headers }, status: number, detail: RegExp) {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.headers.get("content-type")).toContain("application/problem+json");
  expect(result.body.detail).toMatch(detail);
}

beforeAll(async () => {
  server = await startTestServer();
  await publish(waiterDefinition("batch-waiter", "go"));
  await publish(waiterDefinition("batch-other", "go"));
  await publish(waiterDefinition("batch-stop", "stop"));
});
afterAll(async () => {
  await server?.close();
});

describe("POST /api/workflows/:id/instances/batch", () => {
  it("starts every item, with the given ids or new ones, and reports each in order", async () => {
    const { status, body } = await startBatch("batch-waiter", {
      items: [{ input: { n: 1 }, instanceId: "bs-happy-1" }, { input: { n: 2 } }, { instanceId: "bs-happy-3" }],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ workflowId: "batch-waiter", version: 1 });
    expect(body.results).toHaveLength(3);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(["started", "started", "started"]);
    expect(body.results[0].instanceId).toBe("bs-happy-1");
    expect(body.results[2].instanceId).toBe("bs-happy-3");
    const generated = body.results[1].instanceId as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const detail = await until(server, generated, waitingFor("go"));
    expect(detail).toMatchObject({ workflowId: "batch-waiter", version: 1, input: { n: 2 } });
    expect((await until(server, "bs-happy-3", waitingFor("go"))).input).toBeNull();
  });

  it('reports an id whose instance is still running as "exists" and starts the others', async () => {
    expect(
      (await server.api("/api/workflows/batch-waiter/instances", { method: "POST", json: { instanceId: "bs-taken", input: "first" } }))
        .status,
    ).toBe(202);
    const { status, body } = await startBatch("batch-waiter", {
      items: [{ instanceId: "bs-taken", input: "second" }, { instanceId: "bs-fresh" }],
    });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { instanceId: "bs-taken", status: "exists", error: expect.stringMatching(/bs-taken.*already exists/) },
      { instanceId: "bs-fresh", status: "started" },
    ]);
    expect((await server.api("/api/instances/bs-taken")).body.input).toBe("first");
  });

  it("refuses more than 1,000 items with a 400 that says so, starting nothing", async () => {
    const before = await countInstances("batch-other");
    const items = Array.from({ length: 1001 }, (_, i) => ({ instanceId: `bs-many-${i}` }));
    expectProblem(await startBatch("batch-other", { items }), 400, /body\.items: must hold at most 1,000 items/);
    expect(await countInstances("batch-other")).toBe(before);
  });

  it("refuses a malformed body as a whole with a 400 naming what to fix", async () => {
    const before = await countInstances("batch-other");
    expectProblem(
      await server.api("/api/workflows/batch-other/instances/batch", {
        method: "POST",
        body: "{ not json",
        headers: { "content-type": "application/json" },
      }),
      400,
      /not valid JSON/,
    );
    expectProblem(await server.api("/api/workflows/batch-other/instances/batch", { method: "POST" }), 400, /body is empty/);
    expectProblem(await startBatch("batch-other", { items: {} }), 400, /body\.items: must be a list of items/);
    expectProblem(await startBatch("batch-other", { items: [] }), 400, /body\.items: must hold at least one item/);
    expectProblem(await startBatch("batch-other", { items: [{ inptu: 1 }] }), 400, /body\.items\.0.*inptu/);
    expectProblem(
      await startBatch("batch-other", { items: [{ instanceId: "ok-1" }, { instanceId: "bad\u0000" }] }),
      400,
      /body\.items\.1\.instanceId: .*control characters/,
    );
    expectProblem(
      await startBatch("batch-other", { items: [{ instanceId: "bs-twice" }, {}, { instanceId: "bs-twice" }] }),
      400,
      /body\.items\.2\.instanceId: repeats the id of item 0/,
    );
    expect(await countInstances("batch-other")).toBe(before);
  });

  it("answers an unknown workflow or version with 404 as the single start does", async () => {
    expectProblem(await startBatch("no-such-workflow", { items: [{}] }), 404, /no-such-workflow/);
    expectProblem(await startBatch("batch-other", { items: [{}], version: 9 }), 404, /version 9/);
  });

  it("refuses the whole batch when one item's input fails inputSchema (422), naming the item", async () => {
    const before = await countInstances("order-processing");
    const result = await startBatch("order-processing", { items: [{ input: { orderId: "o-1" } }, { input: { customer: 3 } }] });
    expectProblem(result, 422, /The input of items\[1\] does not match the workflow's inputSchema/);
    expect(JSON.stringify(result.body.errors)).toContain("items[1].input");
    expect(await countInstances("order-processing")).toBe(before);
  });
});

describe("POST /api/events/:name", () => {
  it("raises the event on each listed instance and reports the unknown and the finished ones", async () => {
    const started = await startBatch("batch-waiter", {
      items: [{ instanceId: "ev-ids-1" }, { instanceId: "ev-ids-2" }, { instanceId: "ev-ids-done" }],
    });
    expect(started.status).toBe(200);
    for (const id of ["ev-ids-1", "ev-ids-2", "ev-ids-done"]) await until(server, id, waitingFor("go"));
    await server.api("/api/instances/ev-ids-done/terminate", { method: "POST" });
    await until(server, "ev-ids-done", isTerminal);
    const { status, body } = await raiseBatch("go", {
      instanceIds: ["ev-ids-1", "ev-ids-missing", "ev-ids-done", "ev-ids-2"],
      payload: { ok: true },
    });
    expect(status).toBe(200);
    expect(body.event).toBe("go");
    expect(body.results).toEqual([
      { instanceId: "ev-ids-1", status: "raised" },
      { instanceId: "ev-ids-missing", status: "not-found", error: expect.stringMatching(/ev-ids-missing/) },
      { instanceId: "ev-ids-done", status: "finished", error: expect.stringMatching(/terminated/) },
      { instanceId: "ev-ids-2", status: "raised" },
    ]);
    expect(body.nextCursor).toBeUndefined();
    for (const id of ["ev-ids-1", "ev-ids-2"]) expect((await until(server, id, isTerminal)).status).toBe("completed");
    const history = (await server.api("/api/instances/ev-ids-1/history")).body.events;
    expect(history.find((e: { type: string }) => e.type === "EventRaised")).toMatchObject({ name: "go", input: { ok: true } });
  });

  it("with a filter, reaches only the instances of that workflow (and version, and status) waiting for that event", async () => {
    const waiting = ["ev-f-1", "ev-f-2", "ev-f-3"];
    const suspended = "ev-f-suspended";
    await startBatch("batch-waiter", { items: [...waiting, suspended].map((instanceId) => ({ instanceId })) });
    await startBatch("batch-other", { items: [{ instanceId: "ev-f-other-workflow" }] });
    await startBatch("batch-stop", { items: [{ instanceId: "ev-f-other-event" }] });
    for (const id of [...waiting, suspended, "ev-f-other-workflow"]) await until(server, id, waitingFor("go"));
    await until(server, "ev-f-other-event", waitingFor("stop"));
    await server.api(`/api/instances/${suspended}/suspend`, { method: "POST" });
    await until(server, suspended, (d) => d.status === "suspended");

    // Instances of batch-waiter that are not waiting for "go" (the finished ones of the earlier tests) are left alone.
    const { status, body } = await raiseBatch("go", {
      filter: { workflow: "batch-waiter", version: 1, status: ["running"] },
      payload: "by filter",
    });
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    const reached = body.results.map((r: { instanceId: string }) => r.instanceId);
    expect(reached).toEqual(expect.arrayContaining(waiting));
    expect(reached).not.toContain(suspended);
    expect(reached).not.toContain("ev-f-other-workflow");
    expect(body.results.every((r: { status: string }) => r.status === "raised")).toBe(true);
    for (const id of waiting) expect((await until(server, id, isTerminal)).status).toBe("completed");

    // The other workflow's instance and the suspended one still wait; so does the one waiting for another event.
    expect((await server.api("/api/instances/ev-f-other-workflow")).body.status).toBe("running");
    expect((await server.api(`/api/instances/${suspended}`)).body.status).toBe("suspended");
    const stopFilter = await raiseBatch("go", { filter: { workflow: "batch-stop" } });
    expect(stopFilter.body.results).toEqual([]);
    expect((await server.api("/api/instances/ev-f-other-event")).body.status).toBe("running");
  });

  it("goes through a filter's matches a page at a time with nextCursor", async () => {
    const ids = ["ev-page-1", "ev-page-2", "ev-page-3"];
    await startBatch("batch-other", { items: ids.map((instanceId) => ({ instanceId })) });
    for (const id of ids) await until(server, id, waitingFor("go"));
    const reached: string[] = [];
    let cursor: string | undefined;
    let requests = 0;
    do {
      const { status, body } = await raiseBatch("go", { filter: { workflow: "batch-other", limit: 2, ...(cursor ? { cursor } : {}) } });
      expect(status).toBe(200);
      expect(body.results.length).toBeLessThanOrEqual(2);
      reached.push(...body.results.map((r: { instanceId: string }) => r.instanceId));
      cursor = body.nextCursor ?? undefined;
      requests++;
    } while (cursor && requests < 10);
    expect(reached).toEqual(expect.arrayContaining(ids));
    expect(new Set(reached).size).toBe(reached.length);
    expect(requests).toBeGreaterThanOrEqual(2);
  });

  it("refuses bad requests as a whole with a 400 naming what to fix, raising nothing", async () => {
    await startBatch("batch-stop", { items: [{ instanceId: "ev-bad-1" }] });
    await until(server, "ev-bad-1", waitingFor("stop"));
    expectProblem(await raiseBatch("stop", { payload: 1 }), 400, /either instanceIds .* or filter/);
    expectProblem(await raiseBatch("stop", { instanceIds: ["ev-bad-1"], filter: { workflow: "batch-stop" } }), 400, /not both/);
    expectProblem(await raiseBatch("stop", { instanceIds: [] }), 400, /body\.instanceIds: must hold at least one instance id/);
    expectProblem(
      await raiseBatch("stop", { instanceIds: Array.from({ length: 1001 }, (_, i) => `x-${i}`) }),
      400,
      /at most 1,000 instance ids/,
    );
    expectProblem(
      await raiseBatch("stop", { instanceIds: ["ev-bad-1", "ev-bad-1"] }),
      400,
      /body\.instanceIds\.1: repeats the id of item 0/,
    );
    expectProblem(
      await raiseBatch("stop", { filter: { workflow: "batch-stop", status: ["completed"] } }),
      400,
      /body\.filter\.status\.0: .*finished instance/,
    );
    expectProblem(await raiseBatch("stop", { filter: { workflow: "batch-stop", limit: 5000 } }), 400, /body\.filter\.limit/);
    expectProblem(await raiseBatch("stop", { filter: {} }), 400, /body\.filter\.workflow/);
    expectProblem(
      await server.api("/api/events/stop", { method: "POST", body: "[", headers: { "content-type": "application/json" } }),
      400,
      /not valid JSON/,
    );
    expectProblem(await raiseBatch("stop", { filter: { workflow: "no-such-workflow" } }), 404, /no-such-workflow/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.api("/api/instances/ev-bad-1")).body.status).toBe("running");
  });
});

describe("starts read what was just published", () => {
  it("a start, single or batch, right after a publish runs the new version, also within one burst of starts", async () => {
    await publish(waiterDefinition("bs-versions", "go"));
    const burst = Array.from({ length: 5 }, () => server.api("/api/workflows/bs-versions/instances", { method: "POST", json: {} }));
    expect((await Promise.all(burst)).map((r) => r.body.version)).toEqual([1, 1, 1, 1, 1]);
    await publish({ ...waiterDefinition("bs-versions", "go"), name: "second" } as { id: string });
    expect((await server.api("/api/workflows/bs-versions/instances", { method: "POST", json: {} })).body.version).toBe(2);
    expect((await startBatch("bs-versions", { items: [{}] })).body.version).toBe(2);
    expect((await startBatch("bs-versions", { items: [{}], version: 1 })).body.version).toBe(1);
  });
});

describe("the batch routes in the API's description", () => {
  it("are in the OpenAPI document with their bodies", async () => {
    const { body } = await server.api("/api/openapi.json");
    const start = body.paths["/api/workflows/{id}/instances/batch"]?.post;
    const raise = body.paths["/api/events/{name}"]?.post;
    expect(start?.requestBody.content["application/json"].schema.properties.items.maxItems).toBe(1000);
    expect(raise?.requestBody.content["application/json"].schema.properties).toHaveProperty("filter");
    expect(Object.keys(start?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "404"]));
  });
});
