import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

const SECRET = "sk_live_8c7f3a9d2e41";
let server: TestServer;
let recorder: ReturnType<typeof createServer>;
const received: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  recorder = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, body });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ echoed: req.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  server = await startTestServer({ allowPrivateNetworks: true });
});
afterAll(async () => {
  await server?.close();
  recorder?.close();
});

describe("secrets", () => {
  it("are set by name, listed without values, and refused with a bad name", async () => {
    expect((await server.api("/api/secrets/payment-key", { method: "PUT", json: { value: SECRET } })).status).toBe(204);
    const list = await server.api("/api/secrets");
    expect(list.body).toEqual({ names: ["payment-key"] });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    expect((await server.api("/api/secrets/bad name", { method: "PUT", json: { value: "x" } })).status).toBe(400);
  });

  it("reach the activity but never the history: the request carries the value, history only the placeholder", async () => {
    const { port } = recorder.address() as AddressInfo;
    await server.api("/api/workflows/pay", {
      method: "PUT",
      json: {
        id: "pay",
        name: "Pay",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 } },
          {
            id: "charge",
            type: "activity",
            activity: "http.request",
            input: `{ "url": "http://127.0.0.1:${port}/charge", "method": "POST", "headers": { "authorization": "Bearer " & $secret("payment-key") }, "body": { "amount": 5 } }`,
            position: { x: 200, y: 0 },
          },
        ],
        edges: [{ id: "e", source: "start", target: "charge" }],
      },
    });
    expect((await server.api("/api/workflows/pay/publish", { method: "POST" })).status).toBe(201);
    const { body } = await server.api("/api/workflows/pay/instances", { method: "POST", json: {} });
    const done = await until(server, body.instanceId, isTerminal);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(received.at(-1)?.authorization).toBe(`Bearer ${SECRET}`);
    const history = await server.api(`/api/instances/${body.instanceId}/history`);
    const text = JSON.stringify(history.body);
    expect(text).not.toContain(SECRET);
    expect(text).toContain("{{secret:payment-key}}");
    expect(JSON.stringify(done)).not.toContain(SECRET);
  });
});
