import { request as httpRequest } from "node:http";

/**
 * What a web page in the user's browser can send to a server on loopback without
 * CORS's permission — simple requests (text/plain, forms, no content type) with a
 * foreign `Origin` or `Sec-Fetch-Site` — and what a DNS-rebound name sends (a
 * foreign `Host`). Each must be refused and change nothing. Sent over a raw socket
 * so that every header is exactly what a browser would send.
 */
export interface CrossOriginProbeResult {
  probes: number;
  refused: number;
  /** Probes answered with something other than the expected refusal, with their status. */
  unexpected: string[];
}

interface Probe {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  expected: number;
}

function send(baseUrl: string, probe: Probe, auth: Record<string, string>): Promise<number> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers = {
      ...auth,
      ...probe.headers,
      ...(probe.body !== undefined ? { "content-length": String(Buffer.byteLength(probe.body)) } : {}),
    };
    const req = httpRequest({ host: "127.0.0.1", port, method: probe.method, path: probe.path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(probe.body);
  });
}

/** Sends every probe at a running server; `startPath` starts an instance, `approvePath` answers a wait. */
export async function probeCrossOrigin(
  baseUrl: string,
  targets: { startPath: string; approvePath: string },
  auth: Record<string, string> = {},
): Promise<CrossOriginProbeResult> {
  const input = JSON.stringify({ input: { orderId: "cross-origin" } });
  const approval = JSON.stringify({ decision: "Approved" });
  const own = new URL(baseUrl).host;
  const probes: Probe[] = [];
  for (const [target, body] of [
    [targets.startPath, input],
    [targets.approvePath, approval],
  ] as const) {
    for (const contentType of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      probes.push({
        name: `${target} as ${contentType}`,
        method: "POST",
        path: target,
        headers: { host: own, "content-type": contentType },
        body,
        expected: 415,
      });
      probes.push({
        name: `${target} as ${contentType} from evil.example`,
        method: "POST",
        path: target,
        headers: { host: own, "content-type": contentType, origin: "http://evil.example", "sec-fetch-site": "cross-site" },
        body,
        expected: 403,
      });
    }
    probes.push({ name: `${target} without a content type`, method: "POST", path: target, headers: { host: own }, body, expected: 415 });
    for (const origin of ["http://evil.example", "http://127.0.0.1:1", "http://localhost:1", "null"]) {
      probes.push({
        name: `${target} as JSON from ${origin}`,
        method: "POST",
        path: target,
        headers: { host: own, "content-type": "application/json", origin },
        body,
        expected: 403,
      });
    }
    probes.push({
      name: `${target} marked same-site`,
      method: "POST",
      path: target,
      headers: { host: own, "content-type": "application/json", "sec-fetch-site": "same-site" },
      body,
      expected: 403,
    });
    for (const host of ["evil.example", `rebind.evil.example:${new URL(baseUrl).port}`, "127.0.0.1.nip.io"]) {
      probes.push({
        name: `${target} for host ${host}`,
        method: "POST",
        path: target,
        headers: { host, "content-type": "application/json" },
        body,
        expected: 421,
      });
    }
  }
  for (const path of ["/api/workflows", "/api/instances", "/metrics", "/"]) {
    probes.push({ name: `GET ${path} for a rebound host`, method: "GET", path, headers: { host: "evil.example" }, expected: 421 });
  }
  const unexpected: string[] = [];
  for (const probe of probes) {
    const status = await send(baseUrl, probe, auth);
    if (status !== probe.expected) unexpected.push(`${probe.name}: ${status} (expected ${probe.expected})`);
  }
  return { probes: probes.length, refused: probes.length - unexpected.length, unexpected };
}
