import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultHostNames, hostNameOf } from "../request-guard.js";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

/** A raw request over the socket, with any Host header (fetch will not send one of ours). */
function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const START = "/api/workflows/order-processing/instances";
const ORDER = JSON.stringify({ input: { orderId: "o-1", customer: "Ada", email: "ada@example.com" } });

let server: TestServer;
let webDir: string;
beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), "weft-web-"));
  writeFileSync(join(webDir, "index.html"), "<!doctype html><title>Weft</title>");
  server = await startTestServer({ webDir, allowedOrigins: ["https://ops.example.com"], allowedHosts: ["weft.internal"] });
});
afterAll(async () => {
  await server?.close();
});

async function instanceCount(): Promise<number> {
  const { body } = await server.api("/api/instances?workflow=order-processing&limit=200");
  return body.items.length;
}

describe("requests that change state take JSON only (415)", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["text/plain with a charset", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
  ])("refuses a start sent as %s, and starts nothing", async (_, contentType) => {
    const before = await instanceCount();
    const response = await server.api(START, { method: "POST", headers: { "content-type": contentType }, body: ORDER });
    expect(response.status).toBe(415);
    expect(response.body.detail).toMatch(/application\/json/);
    expect(await instanceCount()).toBe(before);
  });

  it("refuses a body without a content type", async () => {
    const response = await raw(server.url, {
      method: "POST",
      path: START,
      headers: { "content-length": String(Buffer.byteLength(ORDER)) },
      body: ORDER,
    });
    expect(response.status).toBe(415);
  });

  it("accepts JSON (also with a charset or a +json type) and requests without a body", async () => {
    expect(
      (await server.api(START, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: ORDER })).status,
    ).toBe(202);
    const started = await server.api(START, { method: "POST", headers: { "content-type": "application/merge-patch+json" }, body: ORDER });
    expect(started.status).toBe(202);
    expect((await server.api(`/api/instances/${started.body.instanceId}/terminate`, { method: "POST" })).status).toBe(202);
  });

  it("refuses an approval sent as text/plain, and the instance keeps waiting", async () => {
    const { body } = await server.api(START, { method: "POST", json: JSON.parse(ORDER) });
    await until(server, body.instanceId, (d) => d.pending?.events?.length === 1);
    const approve = `/api/instances/${body.instanceId}/events/OrderApprovalResult`;
    const refused = await server.api(approve, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "http://evil.example" },
      body: '{"decision":"Approved"}',
    });
    expect(refused.status).toBe(403);
    const plain = await server.api(approve, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"decision":"Approved"}' });
    expect(plain.status).toBe(415);
    const history = await server.api(`/api/instances/${body.instanceId}/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).not.toContain("EventRaised");
    expect((await server.api(approve, { method: "POST", json: { decision: "Approved" } })).status).toBe(202);
    expect((await until(server, body.instanceId, isTerminal)).status).toBe("completed");
  });
});

describe("pages of other origins are refused (403)", () => {
  it.each([
    ["a foreign Origin", { origin: "http://evil.example" }],
    ["another port of loopback", { origin: "http://127.0.0.1:1" }],
    ["localhost for 127.0.0.1", { origin: "http://localhost:8787" }],
    ["the null origin", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
  ])("refuses %s on reads and writes", async (_, headers) => {
    const before = await instanceCount();
    const write = await server.api(START, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: ORDER });
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/WEFT_ALLOWED_ORIGINS/);
    expect((await server.api("/api/workflows", { headers })).status).toBe(403);
    expect((await server.api("/metrics", { headers })).status).toBe(403);
    expect(await instanceCount()).toBe(before);
  });

  it("serves its own pages, requests without browser headers, and configured origins", async () => {
    expect((await server.api("/api/workflows", { headers: { origin: server.url, "sec-fetch-site": "same-origin" } })).status).toBe(200);
    expect((await server.api("/api/workflows", { headers: { "sec-fetch-site": "none" } })).status).toBe(200);
    expect((await server.api("/api/workflows")).status).toBe(200);
    const allowed = await server.api("/api/workflows", { headers: { origin: "https://ops.example.com", "sec-fetch-site": "cross-site" } });
    expect(allowed.status).toBe(200);
  });

  it("grants CORS to the configured origins (so their pages can read answers and send JSON), to no other", async () => {
    const origin = "https://ops.example.com";
    const preflight = await fetch(`${server.url}${START}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const read = await fetch(`${server.url}/api/workflows`, { headers: { origin, "sec-fetch-site": "cross-site" } });
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBe(origin);
    const foreign = await fetch(`${server.url}${START}`, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("leaves navigations to the web app alone (a link from another site opens a run page)", async () => {
    const page = await server.api("/runs/anything", { headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } });
    expect(page.status).toBe(200);
  });

  it("keeps signed webhooks callable from anywhere, and unsigned ones from anything but a web page", async () => {
    const hookWorkflow = (id: string, trigger: Record<string, unknown>) => ({
      id,
      name: id,
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "end", type: "end", position: { x: 200, y: 0 } },
      ],
      edges: [{ id: "e1", source: "start", target: "end" }],
      trigger,
    });
    for (const [id, trigger] of [
      ["hook-unsigned", { type: "webhook", path: "unsigned" }],
      ["hook-signed", { type: "webhook", path: "signed", secret: "hook-secret-123" }],
    ] as const) {
      expect((await server.api(`/api/workflows/${id}`, { method: "PUT", json: hookWorkflow(id, trigger) })).status).toBeLessThan(300);
      expect((await server.api(`/api/workflows/${id}/publish`, { method: "POST" })).status).toBe(201);
    }
    const count = async (id: string) => (await server.api(`/api/instances?workflow=${id}`)).body.items.length as number;
    // A service posting any content type, with no browser headers.
    expect(
      (await server.api("/api/hooks/unsigned", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"a":1}' })).status,
    ).toBe(202);
    // A web page posting through the user's browser.
    for (const headers of [
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://127.0.0.1:1", "sec-fetch-site": "same-site" },
    ] as Record<string, string>[]) {
      const refused = await server.api("/api/hooks/unsigned", {
        method: "POST",
        headers: { ...headers, "content-type": "text/plain" },
        body: '{"a":1}',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/has no secret/);
    }
    expect(await count("hook-unsigned")).toBe(1);
    // Signed: the signature is the permission, wherever it comes from.
    const body = '{"a":2}';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `sha256=${createHmac("sha256", "hook-secret-123").update(`${timestamp}.${body}`).digest("hex")}`;
    const signed = await server.api("/api/hooks/signed", {
      method: "POST",
      headers: {
        origin: "https://sender.example",
        "sec-fetch-site": "cross-site",
        "content-type": "text/plain",
        "x-weft-timestamp": String(timestamp),
        "x-weft-signature": signature,
      },
      body,
    });
    expect(signed.status).toBe(202);
    expect(await count("hook-signed")).toBe(1);
  });
});

describe("only the configured host names are served (421: DNS rebinding)", () => {
  it("refuses a foreign Host on the API, the web app and /metrics", async () => {
    for (const path of ["/api/workflows", "/", "/metrics", "/api/health"]) {
      const response = await raw(server.url, { path, headers: { host: `evil.example:${new URL(server.url).port}` } });
      expect(response.status, path).toBe(421);
      expect(response.body).toMatch(/WEFT_ALLOWED_HOSTS/);
      expect(response.body).not.toContain("order-processing");
    }
    const write = await raw(server.url, {
      method: "POST",
      path: START,
      headers: { host: "rebind.evil.example", "content-type": "application/json" },
      body: ORDER,
    });
    expect(write.status).toBe(421);
  });

  it("serves the loopback names and configured names", async () => {
    const port = new URL(server.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      "LOCALHOST",
      "weft.internal",
      `weft.internal.:${port}`,
    ]) {
      expect((await raw(server.url, { path: "/api/health", headers: { host } })).status, host).toBe(200);
    }
  });

  it("derives host names from the listen address", () => {
    expect(hostNameOf("Example.COM.:8080")).toBe("example.com");
    expect(hostNameOf("[::1]:8787")).toBe("[::1]");
    expect(defaultHostNames("127.0.0.1")).toEqual(expect.arrayContaining(["localhost", "127.0.0.1", "[::1]"]));
    expect(defaultHostNames("10.1.2.3")).toContain("10.1.2.3");
    expect(defaultHostNames("weft.example.com")).toContain("weft.example.com");
    expect(defaultHostNames("0.0.0.0").length).toBeGreaterThan(3);
  });

  it("serves any name when WEFT_ALLOWED_HOSTS is *, but a rebound page is still not its own origin", async () => {
    const open = await startTestServer({ allowedHosts: "any" });
    try {
      expect((await raw(open.url, { path: "/api/health", headers: { host: "anything.example" } })).status).toBe(200);
      const port = new URL(open.url).port;
      const rebound = await raw(open.url, {
        method: "POST",
        path: START,
        headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, "content-type": "application/json" },
        body: ORDER,
      });
      expect(rebound.status).toBe(403);
      const own = await raw(open.url, {
        method: "POST",
        path: START,
        headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, "content-type": "application/json" },
        body: ORDER,
      });
      expect(own.status).toBe(202);
    } finally {
      await open.close();
    }
  });
});

describe("malformed URLs and server internals", () => {
  it.each(["/%", "/%E0%A4%A", "/runs/%zz", "/api/instances/%"])("answers 400 to %s", async (path) => {
    const response = await raw(server.url, { path });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).detail).toMatch(/percent-encoding/);
  });

  it("never returns a stack trace or the server's file paths in an instance's error", async () => {
    const definition = {
      id: "fails-with-stack",
      name: "Fails with a stack",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "boom", type: "activity", activity: "util.fail", input: '{ "message": "boom" }', position: { x: 200, y: 0 } },
        { id: "end", type: "end", position: { x: 400, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "boom" },
        { id: "e2", source: "boom", target: "end" },
      ],
    };
    expect((await server.api("/api/workflows/fails-with-stack", { method: "PUT", json: definition })).status).toBeLessThan(300);
    const published = await server.api("/api/workflows/fails-with-stack/publish", { method: "POST" });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const { body } = await server.api("/api/workflows/fails-with-stack/instances", { method: "POST", json: { input: {} } });
    const detail = await until(server, body.instanceId, isTerminal);
    expect(detail.status).toBe("failed");
    const history = await server.api(`/api/instances/${body.instanceId}/history`);
    const stream = await fetch(`${server.url}/api/instances/${body.instanceId}/stream`).then((r) => r.text());
    for (const [where, text] of [
      ["detail", JSON.stringify(detail)],
      ["history", JSON.stringify(history.body)],
      ["stream", stream],
    ] as const) {
      expect(text, where).toContain("boom");
      expect(text, where).not.toMatch(/"stack"|\bat [\w.<>]+ \(|\/dist\/|\.js:\d+|node:internal/);
    }
    // The history in the store keeps the stack (the logs and the engine may use it).
    const stored = await server.runtime.store.getHistory(body.instanceId);
    expect(JSON.stringify(stored)).toContain("stack");
  });
});
