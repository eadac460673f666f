import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.api("/api/workflows/waiter", {
    method: "PUT",
    json: {
      id: "waiter",
      name: "Waiter",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "wait", type: "waitForEvent", event: "go", position: { x: 200, y: 0 } },
        { id: "maybeFail", type: "activity", activity: "util.echo", position: { x: 400, y: 0 } },
        { id: "check", type: "choice", position: { x: 600, y: 0 } },
        { id: "boom", type: "fail", error: "Told", message: '"told to fail"', position: { x: 800, y: 0 } },
        { id: "ok", type: "end", position: { x: 800, y: 200 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "wait" },
        { id: "e2", source: "wait", target: "maybeFail" },
        { id: "e3", source: "maybeFail", target: "check" },
        { id: "e4", source: "check", target: "boom", condition: "steps.wait.fail = true" },
        { id: "e5", source: "check", target: "ok", default: true },
      ],
    },
  });
  await server.api("/api/workflows/waiter/publish", { method: "POST" });
});
afterAll(async () => {
  await server?.close();
});

async function startWaiter(input: unknown = { n: 1 }): Promise<string> {
  const { status, body } = await server.api("/api/workflows/waiter/instances", { method: "POST", json: { input } });
  expect(status).toBe(202);
  await until(server, body.instanceId, (d) => d.pending?.events?.length === 1);
  return body.instanceId;
}

describe("instance lifecycle over HTTP", () => {
  it("terminates a running instance, then refuses a second terminate with 409", async () => {
    const id = await startWaiter();
    expect((await server.api(`/api/instances/${id}/terminate`, { method: "POST", json: { reason: "no longer needed" } })).status).toBe(202);
    const done = await until(server, id, isTerminal);
    expect(done.status).toBe("terminated");
    const again = await server.api(`/api/instances/${id}/terminate`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
  });

  it("suspends (events wait) and resumes", async () => {
    const id = await startWaiter();
    expect((await server.api(`/api/instances/${id}/suspend`, { method: "POST" })).status).toBe(202);
    await until(server, id, (d) => d.status === "suspended");
    await server.api(`/api/instances/${id}/events/go`, { method: "POST", json: { fail: false } });
    await new Promise((r) => setTimeout(r, 100));
    expect((await server.api(`/api/instances/${id}`)).body.status).toBe("suspended");
    expect((await server.api(`/api/instances/${id}/suspend`, { method: "POST" })).status).toBe(409);
    expect((await server.api(`/api/instances/${id}/resume`, { method: "POST" })).status).toBe(202);
    expect((await until(server, id, isTerminal)).status).toBe("completed");
  });

  it("restarts an instance as a new one with the same version and input", async () => {
    const id = await startWaiter({ n: 7 });
    await server.api(`/api/instances/${id}/events/go`, { method: "POST", json: {} });
    await until(server, id, isTerminal);
    const restarted = await server.api(`/api/instances/${id}/restart`, { method: "POST" });
    expect(restarted.status).toBe(202);
    expect(restarted.body.instanceId).not.toBe(id);
    const detail = await until(server, restarted.body.instanceId, (d) => d.pending?.events?.length === 1);
    expect(detail).toMatchObject({ input: { n: 7 }, version: 1, workflowId: "waiter" });
  });

  it("rewinds a failed instance (409 unless failed) and purges a finished one (409 while running)", async () => {
    const id = await startWaiter();
    expect((await server.api(`/api/instances/${id}/rewind`, { method: "POST" })).status).toBe(409);
    expect((await server.api(`/api/instances/${id}`, { method: "DELETE" })).status).toBe(409);
    await server.api(`/api/instances/${id}/events/go`, { method: "POST", json: { fail: true } });
    const failed = await until(server, id, isTerminal);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ name: "Told", message: "told to fail" });
    // The runs list says why it failed, in one line (issue 17, item 9).
    const listed = await server.api(`/api/instances?workflow=waiter&status=failed&limit=100`);
    expect(listed.body.items.find((i: { instanceId: string }) => i.instanceId === id)).toMatchObject({
      lastError: "Told: told to fail",
      waitingFor: [],
    });
    expect((await server.api(`/api/instances/${id}/rewind`, { method: "POST" })).status).toBe(202);
    // The failure came from the workflow itself, so the rewound run fails again, in a new turn.
    await until(server, id, (d) => d.status === "failed" && d.updatedAt !== failed.updatedAt);
    const history = await server.api(`/api/instances/${id}/history`);
    expect(history.body.events.some((e: { type: string }) => e.type === "ExecutionRewound")).toBe(true);
    expect((await server.api(`/api/instances/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await server.api(`/api/instances/${id}`)).status).toBe(404);
  });

  it("lists instances newest first with a status filter and cursor paging", async () => {
    const ids = [await startWaiter(), await startWaiter(), await startWaiter()];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { instanceId: string }[]; nextCursor: string | null } } = await server.api(
        `/api/instances?workflow=waiter&status=running&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      seen.push(...page.body.items.map((i) => i.instanceId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    const search = await server.api(`/api/instances?q=${ids[0]?.slice(0, 8)}`);
    expect(search.body.items.map((i: { instanceId: string }) => i.instanceId)).toContain(ids[0]);
  });
});

describe("GET /metrics", () => {
  it("reports instances, queues and the worker's counters, the poison ones included, in Prometheus text", async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const name of [
      "weft_instances",
      "weft_queue_depth",
      "weft_activities_started_total",
      "weft_activities_poisoned_total",
      "weft_isolated_process_deaths_total",
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(text).toMatch(/^weft_activities_poisoned_total 0$/m);
  });
});
