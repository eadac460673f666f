import { instancesStreamMessages, instanceStreamMessages, problemSchema } from "@weft/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { RouteDoc } from "../openapi.js";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

/**
 * The wire contract (`@weft/protocol`) against the running server: every answer a client
 * gets is checked against the schema its route documents, every error against the problem
 * schema, and every documented success must be reached here at least once, so a route
 * whose handler drifts from its schema, or a new route without a schema, fails this test.
 */

let server: TestServer;
const seen = new Set<string>();

beforeAll(async () => {
  server = await startTestServer({ remoteLeaseMs: 2_000 });
});
afterAll(() => server?.close());

function routeOf(method: string, path: string): RouteDoc {
  const bare = path.split("?")[0] ?? path;
  const route = server.runtime.web.routes.routes.find(
    (r) => r.method === method.toLowerCase() && new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, "[^/]+")}$`).test(bare),
  );
  if (!route) throw new Error(`No documented route answers ${method} ${bare}`);
  return route;
}

/** Calls the API and checks the answer against the route's documented schema for its status. */
async function call(method: string, path: string, json?: unknown, expected?: number): Promise<any> {
  const route = routeOf(method, path);
  const answer = await server.api(path, { method, ...(json !== undefined ? { json } : {}) });
  if (expected !== undefined) expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(expected);
  const documented = route.responses[answer.status];
  if (answer.status >= 400) {
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expectMatches(problemSchema, answer.body, `${method} ${route.path} ${answer.status}`);
  } else {
    expect(documented, `${method} ${route.path} answered ${answer.status}, which it does not document`).toBeDefined();
    if (documented?.schema) expectMatches(documented.schema, answer.body, `${method} ${route.path} ${answer.status}`);
  }
  seen.add(`${route.method} ${route.path} ${answer.status}`);
  return answer.body;
}

function expectMatches(schema: z.ZodType, body: unknown, where: string): void {
  const result = schema.safeParse(body);
  expect(result.success, `${where} does not match its schema: ${result.error?.message}\n${JSON.stringify(body)}`).toBe(true);
}

/** Reads server-sent events until the stream ends or `enough` says stop. */
async function readStream(path: string, enough: (events: { event: string; data: unknown }[]) => boolean) {
  const abort = new AbortController();
  const response = await fetch(`${server.url}${path}`, { signal: abort.signal });
  expect(response.status).toBe(200);
  seen.add(`get ${routeOf("GET", path).path} 200`);
  const events: { event: string; data: unknown }[] = [];
  const decoder = new TextDecoder();
  let text = "";
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = text.indexOf("\n\n")) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (enough(events)) break;
    }
  } finally {
    abort.abort();
  }
  return events;
}

const oneStep = (id: string, activity: string, extra: Record<string, unknown> = {}, definition: Record<string, unknown> = {}) => ({
  id,
  name: id,
  ...definition,
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "step", type: "activity", activity, input: "input", position: { x: 200, y: 0 }, ...extra },
  ],
  edges: [{ id: "e1", source: "start", target: "step" }],
});

async function publish(definition: { id: string }): Promise<void> {
  await call("PUT", `/api/workflows/${definition.id}`, definition, 200);
  await call("POST", `/api/workflows/${definition.id}/publish`, undefined, 201);
}

async function startOrder(): Promise<string> {
  const input = { orderId: "o-1", customer: "Ada", email: "ada@example.com" };
  return (await call("POST", "/api/workflows/order-processing/instances", { input }, 202)).instanceId;
}

const waiting = (d: any) => d.pending?.events?.length > 0;

describe("the wire contract", () => {
  it("holds for the service, catalog and workflow routes", async () => {
    await call("GET", "/api/health", undefined, 200);
    await call("GET", "/api/activities", undefined, 200);
    await call("GET", "/api/workflows", undefined, 200);
    await call("GET", "/api/workflows/order-processing", undefined, 200);
    await call("GET", "/api/workflows/order-processing/versions/1", undefined, 200);
    await call("POST", "/api/workflows/validate", oneStep("x", "util.echo"), 200);
    await publish(oneStep("contract-echo", "util.echo"));
    await call("PUT", "/api/workflows/contract-doomed", oneStep("contract-doomed", "util.echo"), 200);
    await call("DELETE", "/api/workflows/contract-doomed", undefined, 204);
    await call("GET", "/api/workflows/nope-nothing", undefined, 404);
    await call("PUT", "/api/secrets/contract.key", { value: "a-long-secret-value" }, 204);
    await call("GET", "/api/secrets", undefined, 200);
    await call("DELETE", "/api/secrets/contract.key", undefined, 204);
    await call("GET", "/api/outbox?limit=5", undefined, 200);
    await call("GET", "/api/openapi.json", undefined, 200);
  });

  it("holds for starting, reading, and the events of a run", async () => {
    const id = await startOrder();
    await until(server, id, waiting);
    await call("GET", `/api/instances/${id}`, undefined, 200);
    await call("GET", `/api/instances/${id}/history`, undefined, 200);
    await call("GET", "/api/instances?limit=5&status=running,completed", undefined, 200);
    const [approval] = await call("GET", "/api/approvals", undefined, 200);
    expect(approval.instanceId).toBe(id);
    await call("POST", `/api/instances/${id}/events/${approval.event}`, { approved: true }, 202);
    await until(server, id, isTerminal);
    await call("GET", `/api/instances/${id}/restart-points`, undefined, 200);
    const events = await readStream(`/api/instances/${id}/stream`, () => false);
    expect(events.map((e) => e.event)).toContain("status");
    for (const { event, data } of events) expectMatches(instanceStreamMessages[event as "history" | "status"], data, `stream ${event}`);
    await call("POST", `/api/instances/${id}/restart`, undefined, 202);
    const points = await call("GET", `/api/instances/${id}/restart-points`, undefined, 200);
    await call("POST", `/api/instances/${id}/restart-from`, { nodeId: points.nodeIds[0] }, 202);
    await call("DELETE", `/api/instances/${id}`, undefined, 204);
    await call("GET", `/api/instances/${id}`, undefined, 404);
  });

  it("holds for the global stream", async () => {
    const events = readStream("/api/stream", (got) => got.some((e) => e.event === "instance"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await call("POST", "/api/workflows/contract-echo/instances", { input: 1 }, 202);
    for (const { event, data } of await events)
      expectMatches(instancesStreamMessages[event as "instance" | "purged"], data, `stream ${event}`);
  });

  it("holds for batches, control and retries", async () => {
    const batch = await call(
      "POST",
      "/api/workflows/order-processing/instances/batch",
      { items: [{ input: { orderId: "b1" } }, { input: { orderId: "b2" } }] },
      200,
    );
    const ids: string[] = batch.results.map((r: { instanceId: string }) => r.instanceId);
    for (const id of ids) await until(server, id, waiting);
    const [first = "", second = ""] = ids;
    await call("POST", `/api/instances/${first}/suspend`, { reason: "checking" }, 202);
    await until(server, first, (d) => d.status === "suspended");
    await call("POST", `/api/instances/${first}/resume`, {}, 202);
    await call("POST", "/api/events/NotAnEvent", { instanceIds: ids, payload: 1 }, 200);
    await call("POST", `/api/instances/${second}/terminate`, {}, 202);
    await call("POST", `/api/instances/${second}/retry-now`, {}, 409);

    await publish(oneStep("contract-fail", "util.fail", { retry: { maxAttempts: 2, firstIntervalMs: 600_000 } }));
    const failing = (await call("POST", "/api/workflows/contract-fail/instances", { input: { message: "no" } }, 202)).instanceId;
    await until(server, failing, (d) => d.pending?.timers?.length > 0);
    await call("POST", `/api/instances/${failing}/retry-now`, { nodeId: "step" }, 202);
    await until(server, failing, isTerminal);
    await call("POST", `/api/instances/${failing}/rewind`, {}, 202);
  });

  it("holds for webhooks", async () => {
    await publish(oneStep("contract-hook", "util.echo", {}, { trigger: { type: "webhook", path: "contract-hook" } }));
    await call("POST", "/api/hooks/contract-hook", { hello: "hook" }, 202);
    await call("POST", "/api/hooks/no-such-hook", {}, 404);
  });

  it("holds for remote workers", async () => {
    const type = { name: "contract.remote", inputSchema: { type: "object" }, outputSchema: {} };
    await call("POST", "/api/workers/activities", { activities: [type] }, 200);
    await call("GET", "/api/workers/activities", undefined, 200);
    await publish(oneStep("contract-remote", "contract.remote"));
    await call("POST", "/api/workflows/contract-remote/instances", { input: {} }, 202);
    const { tasks } = await call("POST", "/api/workers/poll", { workerId: "w", activities: ["contract.remote"], waitMs: 5_000 }, 200);
    const [task] = tasks;
    await call("POST", "/api/workers/tasks/heartbeat", { taskToken: task.taskToken }, 200);
    await call("POST", "/api/workers/tasks/complete", { taskToken: task.taskToken, result: "done" }, 200);
    const second = (await call("POST", "/api/workflows/contract-remote/instances", { input: {} }, 202)).instanceId;
    const polled = await call("POST", "/api/workers/poll", { workerId: "w", activities: ["contract.remote"], waitMs: 5_000 }, 200);
    await call(
      "POST",
      "/api/workers/tasks/fail",
      { taskToken: polled.tasks[0].taskToken, error: { message: "no", nonRetryable: true } },
      200,
    );
    await until(server, second, isTerminal);
    await call("DELETE", "/api/workers/activities/contract.remote", undefined, 204);
  });

  it("writes an OpenAPI document whose every reference resolves", async () => {
    const document = await call("GET", "/api/openapi.json", undefined, 200);
    const refs: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === "object" && value !== null)
        for (const [key, inner] of Object.entries(value)) {
          if (key === "$ref") refs.push(String(inner));
          else walk(inner);
        }
    };
    walk(document.paths);
    expect(refs).toContain("#/components/schemas/Failure");
    for (const ref of new Set(refs)) {
      const target = ref
        .replace(/^#\//, "")
        .split("/")
        .reduce<any>((node, part) => node?.[part], document);
      expect(target, `${ref} resolves`).toBeDefined();
    }
    // Every component has a name a reader understands (zod would call an unnamed recursive schema __schema0).
    expect(Object.keys(document.components.schemas).sort()).toEqual(["Failure", "JsonValue"]);
    // The Failure component refers to itself for its cause, inside the components.
    expect(document.components.schemas.Failure.properties.cause).toEqual({ $ref: "#/components/schemas/Failure" });
  });

  it("documents a schema for every JSON success, and every documented success was reached", () => {
    const missing: string[] = [];
    const undocumented: string[] = [];
    for (const route of server.runtime.web.routes.routes) {
      for (const [status, response] of Object.entries(route.responses)) {
        if (Number(status) >= 300) continue;
        const key = `${route.method} ${route.path} ${status}`;
        const json = (response.contentType ?? "application/json") === "application/json";
        // The OpenAPI document describes itself; 204 has no body.
        if (json && !response.schema && status !== "204" && route.path !== "/api/openapi.json") undocumented.push(key);
        if ((response.schema || status === "204") && !seen.has(key)) missing.push(key);
      }
    }
    expect(undocumented, "routes whose JSON answer has no schema in @weft/protocol").toEqual([]);
    expect(missing, "documented answers this test never reached").toEqual([]);
  });
});
