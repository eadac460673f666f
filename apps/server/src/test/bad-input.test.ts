import { Agent, request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 4096, maxPayloadBytes: 1024 });
});
afterAll(async () => {
  await server?.close();
});

async function expectProblem(response: Promise<{ status: number; body: any; headers: Headers }>, status: number, detail?: RegExp) {
  const result = await response;
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.headers.get("content-type")).toContain("application/problem+json");
  expect(result.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  if (detail) expect(result.body.detail).toMatch(detail);
  return result.body;
}

describe("bad input gets a 4xx that says what to fix", () => {
  it("400 for malformed JSON, naming the problem", async () => {
    await expectProblem(
      server.api("/api/workflows/order-processing/instances", {
        method: "POST",
        body: "{ not json",
        headers: { "content-type": "application/json" },
      }),
      400,
      /not valid JSON/,
    );
  });

  it("400 for a body of the wrong shape, naming the field", async () => {
    const body = await expectProblem(
      server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: {}, version: "two" } }),
      400,
      /body\.version/,
    );
    expect(body.errors[0].path).toBe("body.version");
    await expectProblem(server.api("/api/workflows/order-processing/instances", { method: "POST", json: { inptu: {} } }), 400, /inptu/);
  });

  it("400 for a bad path parameter or query", async () => {
    await expectProblem(server.api("/api/workflows/Not_An_Id"), 400, /path\.id/);
    await expectProblem(server.api("/api/instances?status=runing"), 400, /query\.status/);
    await expectProblem(server.api("/api/instances?limit=-3"), 400, /query\.limit/);
    await expectProblem(server.api("/api/workflows/order-processing/versions/zero"), 400, /path\.v/);
  });

  it("404 for unknown workflows, versions, instances and routes", async () => {
    await expectProblem(server.api("/api/workflows/nope"), 404, /nope/);
    await expectProblem(server.api("/api/workflows/order-processing/versions/99"), 404, /version 99/);
    await expectProblem(server.api("/api/instances/nope"), 404, /nope/);
    await expectProblem(server.api("/api/instances/nope/events/x", { method: "POST", json: {} }), 404);
    await expectProblem(server.api("/api/instances/nope/stream"), 404);
    await expectProblem(server.api("/api/nothing-here"), 404);
  });

  it("413 for a body over the limit", async () => {
    await expectProblem(
      server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: { blob: "x".repeat(10_000) } } }),
      413,
      /larger than 4096 bytes/,
    );
  });

  it("413 for a chunked body (no content-length) that grows over the limit, and a small chunked body passes", async () => {
    const sendChunked = (body: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          `${server.url}/api/workflows/order-processing/instances`,
          { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        request.on("error", reject);
        // Written in pieces, so it goes out chunked.
        for (let i = 0; i < body.length; i += 1000) request.write(body.slice(i, i + 1000));
        request.end();
      });
    const big = await sendChunked(JSON.stringify({ input: { orderId: "c", blob: "x".repeat(10_000) } }));
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/larger than 4096 bytes/);
    expect((await sendChunked(JSON.stringify({ input: { orderId: "chunked-small" } }))).status).toBe(202);
  });

  it("413 for a body over the limit closes the connection, so a keep-alive client's next request still works", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const request = httpRequest(
          `${server.url}${path}`,
          { method, agent, headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {} },
          (response) => {
            response.resume();
            response.on("end", () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
          },
        );
        request.on("error", reject);
        request.end(body);
      });
    try {
      const big = JSON.stringify({ input: { blob: "x".repeat(200_000) } });
      expect(await send("POST", "/api/workflows/order-processing/instances", big)).toEqual({ status: 413, connection: "close" });
      for (let i = 0; i < 3; i++) expect((await send("GET", "/api/health")).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("413 for an input or an event payload over the payload limit, before anything is recorded", async () => {
    const big = { orderId: "o", note: "x".repeat(1500) };
    await expectProblem(
      server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: big } }),
      413,
      /The input is 2 KiB; the limit is 1 KiB/,
    );
    const started = await server.api("/api/workflows/order-processing/instances", {
      method: "POST",
      json: { input: { orderId: "small" } },
    });
    await expectProblem(
      server.api(`/api/instances/${started.body.instanceId}/events/OrderApprovalResult`, { method: "POST", json: big }),
      413,
      /payload of event/,
    );
  });

  it("422 with every problem for publishing an invalid definition, and the draft is kept", async () => {
    const draft = {
      id: "broken",
      name: "Broken",
      nodes: [
        { id: "a", type: "activity", activity: "util.echoo", position: { x: 0, y: 0 } },
        { id: "b", type: "activity", activity: "util.echo", input: "{ unclosed", position: { x: 0, y: 0 } },
      ],
      edges: [{ id: "e1", source: "a", target: "missing" }],
    };
    const saved = await server.api("/api/workflows/broken", { method: "PUT", json: draft });
    expect(saved.status).toBe(200);
    const codes = saved.body.problems.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(["no-start", "dangling-edge", "unknown-activity", "bad-expression"]));
    const body = await expectProblem(server.api("/api/workflows/broken/publish", { method: "POST" }), 422);
    expect(body.problems.length).toBeGreaterThanOrEqual(4);
    expect((await server.api("/api/workflows/broken")).body.draft.nodes).toHaveLength(2);
    await expectProblem(server.api("/api/workflows/broken/instances", { method: "POST", json: {} }), 409, /no published version/);
  });

  it("400 for a draft that is not a definition document, or whose id differs from the URL", async () => {
    await expectProblem(server.api("/api/workflows/x1", { method: "PUT", json: [1, 2] }), 400);
    await expectProblem(
      server.api("/api/workflows/x1", { method: "PUT", json: { id: "x2", name: "X", nodes: [], edges: [] } }),
      400,
      /does not match/,
    );
    await expectProblem(server.api("/api/workflows/x1", { method: "PUT", json: { id: "x1", name: "X", nodes: "many", edges: [] } }), 400);
  });

  it("422 for input that fails the workflow's inputSchema, naming the field", async () => {
    const body = await expectProblem(
      server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: { customer: 3 } } }),
      422,
      /inputSchema/,
    );
    expect(JSON.stringify(body.errors)).toContain("orderId");
  });

  it("400 for an instance id that would not survive the database (half a surrogate pair, NUL, a newline), saying what is wrong", async () => {
    for (const [instanceId, problem] of [
      ["a\ud800b", /surrogate pair/],
      ["nul\u0000", /control characters/],
      ["line\nbreak", /control characters/],
    ] as const) {
      const body = await expectProblem(
        server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: { orderId: "x" }, instanceId } }),
        400,
      );
      expect(JSON.stringify(body)).toMatch(problem);
    }
    // A well-formed pair (an emoji) is fine.
    expect(
      (
        await server.api("/api/workflows/order-processing/instances", {
          method: "POST",
          json: { input: { orderId: "x" }, instanceId: "ok-\u{1F680}" },
        })
      ).status,
    ).toBe(202);
  });

  it("409 for an instance id in use, and for an event on a finished instance", async () => {
    const first = await server.api("/api/workflows/order-processing/instances", {
      method: "POST",
      json: { input: { orderId: "x" }, instanceId: "taken-1" },
    });
    expect(first.status).toBe(202);
    await expectProblem(
      server.api("/api/workflows/order-processing/instances", { method: "POST", json: { input: { orderId: "x" }, instanceId: "taken-1" } }),
      409,
      /taken-1/,
    );
    await server.api("/api/instances/taken-1/terminate", { method: "POST" });
    await until(server, "taken-1", isTerminal);
    await expectProblem(
      server.api("/api/instances/taken-1/events/OrderApprovalResult", { method: "POST", json: { decision: "Approved" } }),
      409,
      /terminated/,
    );
  });

  it("validates a posted definition without saving it, ignoring a version field", async () => {
    const { status, body } = await server.api("/api/workflows/validate", {
      method: "POST",
      json: { id: "v", name: "V", version: 3, nodes: [], edges: [] },
    });
    expect(status).toBe(200);
    expect(body.problems.map((p: { code: string }) => p.code)).toContain("no-start");
    expect((await server.api("/api/workflows/v")).status).toBe(404);
  });

  it("keeps serving after a run of hostile requests", async () => {
    const hostile = [
      server.api("/api/workflows/validate", {
        method: "POST",
        json: { __proto__: { polluted: true }, constructor: { prototype: {} }, nodes: [{}], edges: null },
      }),
      server.api("/api/workflows/validate", { method: "POST", json: JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`) }),
      server.api("/api/workflows/validate", {
        method: "POST",
        json: {
          id: "h",
          name: "H",
          nodes: [
            { id: "s", type: "start", position: { x: 0, y: 0 } },
            { id: "a", type: "activity", activity: "util.echo", input: "$eval('1')", position: { x: 1, y: 1 } },
          ],
          edges: [],
        },
      }),
      server.api("/api/instances?cursor=%ZZ"),
    ];
    for (const result of await Promise.all(hostile)) expect(result.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await server.api("/api/health")).status).toBe(200);
  });
});
