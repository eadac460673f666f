import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examplesDir } from "../runtime.js";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const order = { orderId: "o-42", customer: "Ada", email: "ada@example.com" };

/** Publishes a definition under a fresh id. */
async function publish(definition: Record<string, unknown>): Promise<string> {
  const id = definition.id as string;
  const saved = await server.api(`/api/workflows/${id}`, { method: "PUT", json: definition });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const published = await server.api(`/api/workflows/${id}/publish`, { method: "POST" });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return id;
}

function example(file: string): Record<string, any> {
  return JSON.parse(readFileSync(`${examplesDir()}${file}`, "utf8"));
}

describe("the server on a fresh database", () => {
  it("answers health once ready, with the store kind", async () => {
    const { status, body } = await server.api("/api/health");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", store: "sqlite" });
  });

  it("has published both examples", async () => {
    const { body } = await server.api("/api/workflows");
    const ids = body.map((w: { id: string }) => w.id).sort();
    expect(ids).toEqual(["order-processing", "video-pipeline"]);
    expect(body.every((w: { latestVersion: number }) => w.latestVersion === 1)).toBe(true);
  });

  it("publishes the catalog with JSON Schemas", async () => {
    const { body } = await server.api("/api/activities");
    const names = body.map((a: { name: string }) => a.name);
    for (const name of [
      "util.echo",
      "util.sleep",
      "util.flaky",
      "util.fail",
      "http.request",
      "notify.send",
      "order.createVideo",
      "video.transcode",
    ]) {
      expect(names).toContain(name);
    }
    expect(body.find((a: { name: string }) => a.name === "util.sleep").inputSchema).toMatchObject({ type: "object" });
  });

  it("serves an OpenAPI document that lists every route", async () => {
    const { body } = await server.api("/api/openapi.json");
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(["/api/workflows/{id}/instances", "/api/instances/{id}/stream", "/api/hooks/{path}"]),
    );
    const docs = await fetch(`${server.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger-ui-bundle.js");
  });
});

describe("the order workflow over HTTP", () => {
  it("is approved, emails the customer, and the outbox shows it", async () => {
    const started = await server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: order } });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/api/instances/${started.body.instanceId}`);
    const id = started.body.instanceId;
    const waiting = await until(server, id, (d) => d.pending?.events?.length === 1);
    expect(waiting.pending.events[0]).toMatchObject({
      name: "OrderApprovalResult",
      nodeId: "approve",
      approval: { title: "Approve order" },
    });
    const approvals = await server.api("/api/approvals");
    const mine = approvals.body.find((a: { instanceId: string }) => a.instanceId === id);
    expect(mine.choices).toContain("Approved");
    // The run's input in one line, to tell waiting runs apart (issue 17, item 9).
    expect(mine.summary).toBe("orderId: o-42 · customer: Ada · email: ada@example.com");
    // The runs list says what each run waits for.
    const listed = await server.api(`/api/instances?workflow=order-processing&status=running&limit=100`);
    expect(listed.body.items.find((i: { instanceId: string }) => i.instanceId === id)).toMatchObject({
      waitingFor: ["Approve order"],
      lastError: null,
    });
    const raised = await server.api(`/api/instances/${id}/events/OrderApprovalResult`, { method: "POST", json: { decision: "Approved" } });
    expect(raised.status).toBe(202);
    const done = await until(server, id, isTerminal);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ orderId: "o-42", approved: true });
    const outbox = await server.api(`/api/outbox?instance=${id}`);
    expect(outbox.body.items.some((m: { channel: string; to: string }) => m.channel === "email" && m.to === "ada@example.com")).toBe(true);
  });

  it("is rejected and takes the not-approved branch", async () => {
    const { body } = await server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: order } });
    await until(server, body.instanceId, (d) => d.pending?.events?.length === 1);
    await server.api(`/api/instances/${body.instanceId}/events/OrderApprovalResult`, {
      method: "POST",
      json: { decision: "Rejected", comment: "no stock" },
    });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.output).toEqual({ orderId: "o-42", approved: false });
  });

  it("times out without an answer and takes the timeout edge", async () => {
    const quick = example("order-processing.json");
    quick.id = "order-quick-timeout";
    quick.nodes.find((n: { id: string }) => n.id === "approve").timeoutMs = 300;
    await publish(quick);
    const { body } = await server.api(`/api/workflows/${quick.id}/instances`, { method: "POST", json: { input: order } });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.output).toEqual({ orderId: "o-42", approved: false });
    const history = await server.api(`/api/instances/${body.instanceId}/history`);
    expect(
      history.body.events.some((e: { type: string; tags?: { timeoutFor?: string } }) => e.type === "TimerFired" && e.tags?.timeoutFor),
    ).toBe(true);
  });
});

describe("the video pipeline over HTTP", () => {
  it("runs end to end: transcodes every resolution in parallel with the thumbnail, then notifies", async () => {
    const { body } = await server.api("/api/workflows/video-pipeline/instances", {
      method: "POST",
      json: { input: { url: "https://videos.example.com/talk.mp4", resolutions: [1080, 720], notify: "ops@example.com" } },
    });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(done.output.renditions).toHaveLength(2);
    const history = await server.api(`/api/instances/${body.instanceId}/history`);
    const transcodes = history.body.events.filter(
      (e: { type: string; name?: string }) => e.type === "TaskScheduled" && e.name === "video.transcode",
    );
    expect(transcodes.map((e: { tags: { index: number } }) => e.tags.index)).toEqual([0, 1]);
    const outbox = await server.api(`/api/outbox?instance=${body.instanceId}`);
    expect(outbox.body.items[0]).toMatchObject({ channel: "notify", to: "ops@example.com" });
  });
});

describe("retries and error edges over HTTP", () => {
  it("retries a flaky step until it succeeds", async () => {
    const id = await publish({
      id: "flaky-then-ok",
      name: "Flaky then OK",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        {
          id: "flaky",
          type: "activity",
          activity: "util.flaky",
          input: '{ "failAttempts": 2 }',
          retry: { maxAttempts: 3, firstIntervalMs: 20 },
          position: { x: 200, y: 0 },
        },
      ],
      edges: [{ id: "e1", source: "start", target: "flaky" }],
    });
    const { body } = await server.api(`/api/workflows/${id}/instances`, { method: "POST", json: {} });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.output).toEqual({ attempt: 3 });
  });

  it("takes the error edge once the retries are exhausted", async () => {
    const id = await publish({
      id: "exhausted",
      name: "Exhausted",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        {
          id: "bad",
          type: "activity",
          activity: "util.fail",
          input: '{ "message": "upstream down" }',
          retry: { maxAttempts: 2, firstIntervalMs: 20 },
          position: { x: 200, y: 0 },
        },
        { id: "handled", type: "end", output: '{ "handled": steps.bad.error.message }', position: { x: 400, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "bad" },
        { id: "e2", source: "bad", target: "handled", kind: "error" },
      ],
    });
    const { body } = await server.api(`/api/workflows/${id}/instances`, { method: "POST", json: {} });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.output).toEqual({ handled: "upstream down" });
  });

  it("runs the new definition of a workflow deleted and made again under the same id, whose versions go on from the last one", async () => {
    const made = (answer: string, hook: string) => ({
      id: "remade",
      name: "Remade",
      trigger: { type: "webhook", path: hook },
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "end", type: "end", output: `{ "answer": "${answer}" }`, position: { x: 200, y: 0 } },
      ],
      edges: [{ id: "e1", source: "start", target: "end" }],
    });
    const run = async (path: string) => {
      const { status, body } = await server.api(path, { method: "POST", json: {} });
      expect(status, JSON.stringify(body)).toBe(202);
      return (await until(server, body.instanceId, isTerminal)).output;
    };
    await publish(made("old", "remade-old"));
    expect(await run("/api/workflows/remade/instances")).toEqual({ answer: "old" });
    expect(await run("/api/hooks/remade-old")).toEqual({ answer: "old" });
    expect((await server.api("/api/workflows/remade", { method: "DELETE" })).status).toBe(204);
    await publish(made("new", "remade-new"));
    expect((await server.api("/api/workflows/remade")).body).toMatchObject({ latestVersion: 2 });
    expect(await run("/api/workflows/remade/instances")).toEqual({ answer: "new" });
    expect(await run("/api/hooks/remade-new")).toEqual({ answer: "new" });
    expect((await server.api("/api/hooks/remade-old", { method: "POST", json: {} })).status).toBe(404);
  });

  it("validates sub-workflow references against the stored workflows, suggesting the closest id", async () => {
    const calling = (workflow: string) => ({
      id: "caller",
      name: "Caller",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "child", type: "subWorkflow", workflow, position: { x: 200, y: 0 } },
        { id: "end", type: "end", position: { x: 400, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "child" },
        { id: "e2", source: "child", target: "end" },
      ],
    });
    const problems = async (workflow: string) =>
      (await server.api("/api/workflows/validate", { method: "POST", json: calling(workflow) })).body.problems as { message: string }[];
    expect(await problems("order-processing")).toEqual([]);
    const typo = await problems("order-procesing");
    expect(typo.map((p) => p.message)).toEqual([
      expect.stringMatching(/workflow 'order-procesing', which does not exist\. Did you mean 'order-processing'\?/),
    ]);
  });
});
