import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";
import { formsIn } from "@weft/definition/testing";

const SECRET = "sk_live_8c7f3a9d2e41";
// Upper case, a space, a quote, a slash, a plus and a non-ASCII letter: each is written differently by some encoder.
const TRICKY = 'Sk_Live 9F"3a/Q+é7';
// Valid in a host name, so the URL parser lower-cases it instead of refusing it.
const HOST_SECRET = "Sk-Live-9F3aQ7x2";
let server: TestServer;
let recorder: ReturnType<typeof createServer>;
const received: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  recorder = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, body });
      const auth = req.headers.authorization ?? "";
      res.setHeader("content-type", "application/json");
      // A server that echoes what it got, in the encodings other services use.
      res.end(
        JSON.stringify({
          echoed: auth,
          lower: auth.toLowerCase(),
          upper: auth.toUpperCase(),
          url: encodeURIComponent(auth),
          form: new URLSearchParams({ a: auth }).toString(),
          base64: Buffer.from(`user:${auth.slice(7)}`).toString("base64"),
          hex: Buffer.from(auth).toString("hex"),
          json: JSON.stringify({ auth }),
          path: req.url,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  server = await startTestServer({ allowPrivateNetworks: true });
});
afterAll(async () => {
  await server?.close();
  recorder?.close();
});

async function runOnce(id: string, nodes: { id: string; [setting: string]: unknown }[]): Promise<any> {
  const all = [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    ...nodes.map((n, i) => ({ position: { x: 200 * (i + 1), y: 0 }, ...n })),
  ];
  const edges = all.slice(1).map((n, i) => ({ id: `e${i}`, source: all[i]?.id, target: n.id }));
  expect((await server.api(`/api/workflows/${id}`, { method: "PUT", json: { id, name: id, nodes: all, edges } })).status).toBeLessThan(300);
  const published = await server.api(`/api/workflows/${id}/publish`, { method: "POST" });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  const { body } = await server.api(`/api/workflows/${id}/instances`, { method: "POST", json: {} });
  return until(server, body.instanceId, isTerminal);
}

/** Everything a client can read about an instance, as one text. */
async function everythingAbout(instanceId: string): Promise<string> {
  const detail = await server.api(`/api/instances/${instanceId}`);
  const history = await server.api(`/api/instances/${instanceId}/history`);
  const outbox = await server.api("/api/outbox");
  return JSON.stringify([detail.body, history.body, outbox.body]);
}

describe("secrets", () => {
  it("are set by name, listed without values, and refused with a bad name", async () => {
    expect((await server.api("/api/secrets/payment-key", { method: "PUT", json: { value: SECRET } })).status).toBe(204);
    const list = await server.api("/api/secrets");
    expect(list.body).toEqual({ names: ["payment-key"] });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    expect((await server.api("/api/secrets/bad name", { method: "PUT", json: { value: "x" } })).status).toBe(400);
  });

  it("refuses a value shorter than 8 characters, saying why", async () => {
    const short = await server.api("/api/secrets/pin", { method: "PUT", json: { value: "1234" } });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toMatch(/at least 8 characters/);
  });

  it("reach the activity but never the history: the request carries the value, history only the placeholder", async () => {
    const { port } = recorder.address() as AddressInfo;
    const done = await runOnce("pay", [
      {
        id: "charge",
        type: "activity",
        activity: "http.request",
        input: `{ "url": "http://127.0.0.1:${port}/charge", "method": "POST", "headers": { "authorization": "Bearer " & $secret("payment-key") }, "body": { "amount": 5 } }`,
      },
    ]);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(received.at(-1)?.authorization).toBe(`Bearer ${SECRET}`);
    const history = await server.api(`/api/instances/${done.instanceId}/history`);
    const text = JSON.stringify(history.body);
    expect(text).not.toContain(SECRET);
    expect(text).toContain("{{secret:payment-key}}");
    expect(JSON.stringify(done)).not.toContain(SECRET);
  });

  it("never reach the outbox: a notify.send body built from a secret is stored with the placeholder", async () => {
    await server.api("/api/secrets/mail-key", { method: "PUT", json: { value: TRICKY } });
    const done = await runOnce("mail-secret", [
      {
        id: "send",
        type: "activity",
        activity: "notify.send",
        input: `{ "to": "ops", "subject": "key " & $secret("mail-key"), "body": "the key is " & $secret("mail-key") }`,
      },
    ]);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    const outbox = JSON.stringify((await server.api("/api/outbox")).body);
    expect(outbox).toContain("the key is {{secret:mail-key}}");
    expect(formsIn(outbox, TRICKY)).toEqual([]);
  });

  it("are taken out of a result that echoes them lower-cased, upper-cased, percent-, form-, base64-, hex- or JSON-encoded", async () => {
    await server.api("/api/secrets/echo-key", { method: "PUT", json: { value: TRICKY } });
    const { port } = recorder.address() as AddressInfo;
    const done = await runOnce("echo-secret", [
      {
        id: "call",
        type: "activity",
        activity: "http.request",
        input: `{ "url": "http://127.0.0.1:${port}/echo/" & $secret("echo-key") & "?k=" & $secret("echo-key"), "method": "POST", "headers": { "authorization": "Bearer " & $secret("echo-key") }, "body": { "key": $secret("echo-key") } }`,
      },
    ]);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(received.at(-1)?.authorization).toBe(`Bearer ${TRICKY}`);
    expect(formsIn(await everythingAbout(done.instanceId), TRICKY)).toEqual([]);
  });

  it("are not in the error of an http.request whose URL held one (host lower-cased, path and query percent-encoded)", async () => {
    await server.api("/api/secrets/host-key", { method: "PUT", json: { value: HOST_SECRET } });
    await server.api("/api/secrets/path-key", { method: "PUT", json: { value: TRICKY } });
    const byHost = await runOnce("fail-host", [
      {
        id: "call",
        type: "activity",
        activity: "http.request",
        input: `{ "url": "http://" & $secret("host-key") & ".invalid/x", "timeoutMs": 3000 }`,
      },
    ]);
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const byPath = await runOnce("fail-path", [
      {
        id: "call",
        type: "activity",
        activity: "http.request",
        input: `{ "url": "http://127.0.0.1:1/" & $secret("path-key") & "?k=" & $secret("path-key"), "timeoutMs": 3000 }`,
      },
    ]);
    for (const [done, value] of [
      [byHost, HOST_SECRET],
      [byPath, TRICKY],
    ] as const) {
      expect(done.status).toBe("failed");
      const text = await everythingAbout(done.instanceId);
      expect(formsIn(text, value), text).toEqual([]);
      expect(text).toMatch(/\{\{secret:(host|path)-key\}\}/);
    }
  });

  it("are stored encrypted: neither the database nor its WAL holds a value in any form", async () => {
    const stored = await server.runtime.store.getValue("secret:payment-key");
    expect(stored).toMatch(/^weft-enc:v1:[0-9a-f]{16}:/);
    const dir = server.runtime.config.dataDir;
    const bytes = readdirSync(dir)
      .filter((f) => f.startsWith("weft.db"))
      .map((f) => readFileSync(join(dir, f)).toString("latin1"))
      .join("\n");
    expect(bytes.length).toBeGreaterThan(0);
    for (const value of [SECRET, TRICKY, HOST_SECRET]) expect(formsIn(bytes, Buffer.from(value).toString("latin1")), value).toEqual([]);
  });
});
