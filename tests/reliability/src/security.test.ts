import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeCrossOrigin } from "./support/cross-origin-probes.js";
import { definition } from "./support/definitions.js";
import { probeSpecialPurposeAddresses } from "./support/http-probes.js";
import { type InProcessServer, startInProcessServer } from "./support/in-process-server.js";
import { report } from "./support/results.js";
import { publish } from "./support/server-process.js";

// Scenario 9: auth on every route, webhook signatures, CORS, requests a foreign web page
// or a DNS-rebound name can send, and http.request refusing private networks through a
// running workflow (cloud metadata, private ranges, and every other special-purpose range:
// DNS rebinding and per-hop pinning are tested in packages/activities, where the resolver
// is a seam). The probes that load the server (engine limits, expressions) and the secret
// probes have files of their own: security-*.test.ts.
const TOKEN = "reliability-token-0123456789";
const figures: Record<string, number | boolean> = {};

describe("security probes", () => {
  let server: InProcessServer;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  beforeAll(async () => {
    server = await startInProcessServer({ apiToken: TOKEN });
  });
  afterAll(async () => {
    report("security", figures);
    await server?.close();
  });

  it("answers 401 on every route without the token, with a wrong token, and with the token in the query", async () => {
    const routes = server.runtime.web.routes.routes;
    let probed = 0;
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === "v" ? "1" : "x"));
      for (const headers of [{}, { Authorization: "Bearer wrong" }, { Authorization: TOKEN }] as Record<string, string>[]) {
        const response = await fetch(`${server.url}${path}${route.path.includes("stream") ? "" : `?access_token=${TOKEN}`}`, {
          method: route.method.toUpperCase(),
          headers: { ...headers, ...(route.method === "post" || route.method === "put" ? { "content-type": "application/json" } : {}) },
          ...(route.method === "post" || route.method === "put" ? { body: "{}" } : {}),
        });
        await response.body?.cancel();
        probed += 1;
        if (route.auth === false) expect(response.status, `${route.method} ${route.path}`).not.toBe(401);
        else if (!(route.path.includes("stream") && Object.keys(headers).length === 0))
          expect(response.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    for (const path of ["/metrics", "/api/openapi.json", "/api/instances", "/api/approvals"]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(401);
    }
    figures.routesProbed = routes.length;
    figures.unauthorisedRequests = probed;
  });

  it("refuses a webhook with a missing, wrong, stale or malformed signature (401) and a replayed one (409)", async () => {
    const hooked = {
      ...definition(
        "signed-hook",
        [
          { id: "start", type: "start" },
          { id: "end", type: "end" },
        ],
        [["start", "end"]],
      ),
      trigger: { type: "webhook", path: "signed", secret: "hook-secret" },
    };
    await publish((p, init) => server.api(p, { ...init, headers: { ...auth, ...init?.headers } }), hooked);
    const body = JSON.stringify({ order: 1 });
    const sign = (ts: number, raw = body, secret = "hook-secret") =>
      `sha256=${createHmac("sha256", secret).update(`${ts}.${raw}`).digest("hex")}`;
    const now = Math.floor(Date.now() / 1000);
    const post = (headers: Record<string, string>, raw = body) =>
      fetch(`${server.url}/api/hooks/signed`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: raw,
      }).then((r) => r.status);
    const statuses = {
      missing: await post({}),
      noTimestamp: await post({ "X-Weft-Signature": sign(now) }),
      wrongSecret: await post({ "X-Weft-Timestamp": String(now), "X-Weft-Signature": sign(now, body, "other") }),
      tamperedBody: await post({ "X-Weft-Timestamp": String(now), "X-Weft-Signature": sign(now) }, JSON.stringify({ order: 2 })),
      stale: await post({ "X-Weft-Timestamp": String(now - 301), "X-Weft-Signature": sign(now - 301) }),
      future: await post({ "X-Weft-Timestamp": String(now + 301), "X-Weft-Signature": sign(now + 301) }),
      malformed: await post({ "X-Weft-Timestamp": "yesterday", "X-Weft-Signature": "sha256=zz" }),
      valid: await post({ "X-Weft-Timestamp": String(now), "X-Weft-Signature": sign(now) }),
      replayed: await post({ "X-Weft-Timestamp": String(now), "X-Weft-Signature": sign(now) }),
    };
    expect(statuses).toEqual({
      missing: 401,
      noTimestamp: 401,
      wrongSecret: 401,
      tamperedBody: 401,
      stale: 401,
      future: 401,
      malformed: 401,
      valid: 202,
      replayed: 409,
    });
    figures.webhookProbes = Object.keys(statuses).length;
  });

  it("grants CORS to its own origin only", async () => {
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1.evil.example", server.url.replace("127.0.0.1", "localhost")]) {
      for (const method of ["GET", "OPTIONS"]) {
        const response = await fetch(`${server.url}/api/workflows`, {
          method,
          headers: { ...auth, Origin: origin, "Access-Control-Request-Method": "POST" },
        });
        expect(response.headers.get("access-control-allow-origin"), `${method} from ${origin}`).toBeNull();
      }
    }
    const same = await fetch(`${server.url}/api/workflows`, { headers: { ...auth, Origin: server.url } });
    expect(same.headers.get("access-control-allow-origin")).toBe(server.url);
    figures.corsOriginsRefused = 4;
  });

  it("refuses what a foreign web page or a DNS-rebound name sends (415, 403, 421), and nothing starts or is approved", async () => {
    const api = (p: string, init?: Parameters<InProcessServer["api"]>[1]) =>
      server.api(p, { ...init, headers: { ...auth, ...init?.headers } });
    const started = await api("/api/workflows/order-processing/instances", {
      json: { input: { orderId: "o-1", customer: "Ada", email: "ada@example.com" } },
    });
    expect(started.status).toBe(202);
    const instanceId: string = started.body.instanceId;
    for (let i = 0; i < 500 && (await api(`/api/instances/${instanceId}`)).body.pending?.events?.length !== 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    const count = async () => (await api("/api/instances?workflow=order-processing&limit=1000")).body.items.length as number;
    const before = await count();
    const result = await probeCrossOrigin(
      server.url,
      { startPath: "/api/workflows/order-processing/instances", approvePath: `/api/instances/${instanceId}/events/OrderApprovalResult` },
      auth,
    );
    expect(result.unexpected).toEqual([]);
    expect(await count()).toBe(before);
    const detail = (await api(`/api/instances/${instanceId}`)).body;
    expect(detail.status).toBe("running");
    expect(detail.pending.events).toHaveLength(1);
    figures.crossOriginProbesRefused = result.refused;
  });

  it("refuses http.request to cloud metadata, loopback and private ranges in a running workflow", async () => {
    const fetcher = definition(
      "ssrf-probe",
      [
        { id: "start", type: "start" },
        { id: "get", type: "activity", activity: "http.request", input: '{ "url": input.url, "timeoutMs": 2000 }' },
        { id: "end", type: "end" },
      ],
      [
        ["start", "get"],
        ["get", "end"],
      ],
    );
    const api = (p: string, init?: Parameters<InProcessServer["api"]>[1]) =>
      server.api(p, { ...init, headers: { ...auth, ...init?.headers } });
    await publish(api, fetcher);
    const port = new URL(server.url).port;
    const targets = [
      "http://169.254.169.254/latest/meta-data/",
      `http://127.0.0.1:${port}/api/health`,
      `http://localhost:${port}/api/health`,
      `http://[::1]:${port}/api/health`,
      "http://10.0.0.1/",
      "http://172.16.0.1/",
      "http://192.168.1.1/",
      "http://0.0.0.0/",
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`,
    ];
    const outcomes: string[] = [];
    for (const url of targets) {
      const started = await api("/api/workflows/ssrf-probe/instances", { json: { input: { url } } });
      expect(started.status).toBe(202);
      let detail: any;
      for (let i = 0; i < 500; i++) {
        detail = (await api(`/api/instances/${started.body.instanceId}`)).body;
        if (["completed", "failed"].includes(detail.status)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      outcomes.push(`${url}: ${detail.status} ${detail.error?.message ?? ""}`);
      expect(detail.status, `${url} was fetched: ${JSON.stringify(detail.output)}`).toBe("failed");
      expect(JSON.stringify(detail.error)).toMatch(/private|loopback|link-local|metadata|blocked|refus|not allowed/i);
    }
    figures.ssrfTargetsRefused = targets.length;
  });

  it("refuses benchmarking, 6to4, NAT64, multicast, broadcast and other special-purpose addresses in a running workflow", async () => {
    const outcomes = await probeSpecialPurposeAddresses(
      (path, init) => server.api(path, { ...init, headers: { ...auth, ...init?.headers } }),
      new URL(server.url).port,
    );
    for (const outcome of outcomes) {
      expect(outcome, `${outcome.url} ended ${outcome.status}: ${outcome.message}`).toMatchObject({ status: "failed", refused: true });
    }
    figures.specialPurposeTargetsRefused = outcomes.filter((o) => o.refused).length;
    figures.maxMsToRefusal = Math.max(...outcomes.map((o) => o.ms));
  });
});
