import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertSafeBinding, ConfigError, loadConfig } from "../config.js";
import { startTestServer, type TestServer, until } from "./harness.js";

const TOKEN = "test-token-0123456789";

describe("with an API token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ apiToken: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("every route but health and hooks answers 401 without the token", async () => {
    const routes = server.runtime.web.routes.routes;
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === "v" ? "1" : "x"));
      const response = await fetch(`${server.url}${path}`, {
        method: route.method.toUpperCase(),
        ...(route.method === "post" || route.method === "put" ? { body: "{}", headers: { "content-type": "application/json" } } : {}),
      });
      if (route.auth === false) expect(response.status, `${route.method} ${route.path}`).not.toBe(401);
      else expect(response.status, `${route.method} ${route.path}`).toBe(401);
      await response.body?.cancel();
    }
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it("accepts the token as a bearer header, and as access_token on streams only", async () => {
    const ok = await fetch(`${server.url}/api/workflows`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${server.url}/api/workflows?access_token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/workflows`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/api/stream?access_token=${TOKEN}`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    controller.abort();
  });
});

describe("binding", () => {
  it("refuses to listen beyond loopback without a token, and explains why", () => {
    expect(() => assertSafeBinding(loadConfig({ HOST: "0.0.0.0" }))).toThrow(ConfigError);
    expect(() => assertSafeBinding(loadConfig({ HOST: "0.0.0.0" }))).toThrow(/WEFT_API_TOKEN/);
    expect(() => assertSafeBinding(loadConfig({ HOST: "0.0.0.0", WEFT_API_TOKEN: "t" }))).not.toThrow();
    expect(() => assertSafeBinding(loadConfig({ HOST: "127.0.0.1" }))).not.toThrow();
    expect(() => assertSafeBinding(loadConfig({ HOST: "::1" }))).not.toThrow();
  });
});

describe("headers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sends security headers and no CORS grant to other origins", async () => {
    const response = await fetch(`${server.url}/api/workflows`, { headers: { Origin: "https://evil.example" } });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const same = await fetch(`${server.url}/api/workflows`, { headers: { Origin: server.url } });
    expect(same.headers.get("access-control-allow-origin")).toBe(server.url);
    expect(same.headers.get("vary")).toContain("Origin");
  });

  it("answers a same-origin preflight, and a request without an Origin with no CORS headers", async () => {
    const preflight = await fetch(`${server.url}/api/workflows/x/instances`, {
      method: "OPTIONS",
      headers: { Origin: server.url, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(server.url);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const plain = await fetch(`${server.url}/api/workflows`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    expect(plain.headers.get("vary")).toBeNull();
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("triggers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { autoSchedule: false });
    for (const [id, trigger] of [
      ["hooked", { type: "webhook", path: "new-purchase", secret: "s3cret" }],
      ["open-hook", { type: "webhook", path: "open" }],
      ["ticker", { type: "schedule", cron: "*/5 * * * *", input: { from: "schedule" } }],
    ] as const) {
      await server.api(`/api/workflows/${id}`, {
        method: "PUT",
        json: {
          id,
          name: id,
          trigger,
          nodes: [
            { id: "start", type: "start", position: { x: 0, y: 0 } },
            { id: "echo", type: "activity", activity: "util.echo", position: { x: 200, y: 0 } },
          ],
          edges: [{ id: "e", source: "start", target: "echo" }],
        },
      });
      expect((await server.api(`/api/workflows/${id}/publish`, { method: "POST" })).status).toBe(201);
    }
    await server.runtime.scheduler.reload();
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => undefined);

  const sign = (body: string, timestamp: number, secret = "s3cret") =>
    `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

  it("starts the workflow for a correctly signed webhook, with the body as input", async () => {
    const body = JSON.stringify({ order: 1 });
    const ts = Math.floor(Date.now() / 1000);
    const response = await server.api("/api/hooks/new-purchase", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "X-Weft-Timestamp": String(ts), "X-Weft-Signature": sign(body, ts) },
    });
    expect(response.status).toBe(202);
    const done = await until(server, response.body.instanceId, (d) => d.status === "completed");
    expect(done.output).toEqual({ order: 1 });
  });

  it("refuses a missing, wrong or stale signature with 401 and a replayed one with 409", async () => {
    const body = JSON.stringify({ order: 2 });
    const ts = Math.floor(Date.now() / 1000);
    const post = (headers: Record<string, string>) =>
      server.api("/api/hooks/new-purchase", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Weft-Timestamp": String(ts), "X-Weft-Signature": sign(body, ts, "wrong") })).status).toBe(401);
    expect((await post({ "X-Weft-Timestamp": String(ts - 600), "X-Weft-Signature": sign(body, ts - 600) })).status).toBe(401);
    const good = { "X-Weft-Timestamp": String(ts), "X-Weft-Signature": sign(body, ts) };
    expect((await post(good)).status).toBe(202);
    expect((await post(good)).status).toBe(409);
  });

  it("starts an unsigned hook without a secret, and 404s an unknown path", async () => {
    expect((await server.api("/api/hooks/open", { method: "POST", json: { a: 1 } })).status).toBe(202);
    expect((await server.api("/api/hooks/nothing", { method: "POST", json: {} })).status).toBe(404);
  });

  it("fires a schedule once per tick, also across a restart shorter than its interval", async () => {
    const scheduler = server.runtime.scheduler;
    const t0 = Date.parse("2026-11-28T10:01:00Z");
    await scheduler.tick(t0); // first sight: remembers t0, fires nothing
    const count = async () => (await server.api("/api/instances?workflow=ticker&limit=100")).body.items.length;
    expect(await count()).toBe(0);
    await scheduler.tick(Date.parse("2026-11-28T10:05:00Z"));
    await scheduler.tick(Date.parse("2026-11-28T10:05:30Z"));
    expect(await count()).toBe(1);
    // "Down" from 10:06 to 10:11: the 10:10 tick was missed and fires on the first check after.
    await scheduler.tick(Date.parse("2026-11-28T10:11:00Z"));
    expect(await count()).toBe(2);
    // Another process (or a second tick call) for the same time fires nothing more.
    await scheduler.tick(Date.parse("2026-11-28T10:11:00Z"));
    expect(await count()).toBe(2);
    const first = (await server.api("/api/instances?workflow=ticker&limit=1")).body.items[0];
    const detail = await until(server, first.instanceId, (d) => d.status === "completed");
    expect(detail.input).toEqual({ from: "schedule" });
  });
});
