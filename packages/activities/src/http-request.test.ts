import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NonRetryableError } from "@weft/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toActivityFunctions } from "./define-activity.js";
import { ActivityError, HttpStatusError } from "./errors.js";
import { createHttpRequestActivity } from "./http-request.js";
import { builtIns, testContext } from "./test-helpers.js";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://local");
    switch (url.pathname) {
      case "/json":
        response.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-demo": "yes" });
        response.end(JSON.stringify({ hello: "world", n: [1, 2] }));
        return;
      case "/text":
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("plain text");
        return;
      case "/missing":
        response.writeHead(404, { "content-type": "application/problem+json" });
        response.end(JSON.stringify({ title: "Not found" }));
        return;
      case "/boom":
        response.writeHead(503, { "content-type": "text/plain" });
        response.end("maintenance");
        return;
      case "/echo": {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ method: request.method, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") }));
        });
        return;
      }
      case "/endless": {
        // Chunked, no content-length: only counting the bytes read can stop it.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(16 * 1024, 120);
        const timer = setInterval(() => response.write(chunk), 1);
        response.on("close", () => clearInterval(timer));
        return;
      }
      case "/declared-large":
        response.writeHead(200, { "content-type": "text/plain", "content-length": String(5 * 1024 * 1024) });
        response.write("partial");
        return;
      case "/slow": {
        const timer = setTimeout(() => response.end("late"), 5_000);
        response.on("close", () => clearTimeout(timer));
        return;
      }
      case "/redirect":
        response.writeHead(302, { location: "/json" });
        response.end();
        return;
      case "/see-other":
        response.writeHead(303, { location: "/echo" });
        response.end();
        return;
      case "/loop":
        response.writeHead(307, { location: "/loop" });
        response.end();
        return;
      default:
        response.writeHead(500);
        response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("http.request by default", () => {
  it.each([
    ["http://127.0.0.1:9/", "loopback"],
    ["http://localhost/", "loopback"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://10.1.2.3/", "private-network"],
    ["http://[::1]:8080/", "loopback"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://198.18.0.1/", "a benchmarking address (Benchmarking, 198.18.0.0/15)"],
    ["http://[2002:7f00:1::]/", "a loopback address (127.0.0.1 in Loopback, 127.0.0.0/8, carried by 6to4, 2002::/16)"],
    ["http://[64:ff9b::7f00:1]/", "a loopback address (127.0.0.1 in Loopback, 127.0.0.0/8, carried by IPv4-IPv6 Translat., 64:ff9b::/96)"],
    ["http://224.0.0.1/", "a multicast address (Multicast, 224.0.0.0/4)"],
    ["http://255.255.255.255/", "a broadcast address (Limited Broadcast, 255.255.255.255/32)"],
    ["http://[ff02::1]/", "a multicast address"],
    ["http://192.0.2.1/", "a documentation address (Documentation (TEST-NET-1), 192.0.2.0/24)"],
    ["http://[2001:db8::1]/", "a documentation address (Documentation, 2001:db8::/32)"],
    ["http://240.0.0.1/", "a reserved special-purpose address (Reserved, 240.0.0.0/4)"],
    ["http://[fec0::1]/", "a private-network address (Site-Local (deprecated), fec0::/10)"],
  ])("refuses %s as %s, saying which option allows it", async (url, kind) => {
    const { call } = builtIns();
    const error = await failureOf(call("http.request", { url }));
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain(kind);
    expect(error.message).toContain("http.allowPrivateNetworks");
  });

  it("refuses the local test server too", async () => {
    const { call } = builtIns();
    await expect(call("http.request", { url: `${base}/json` })).rejects.toThrow(/loopback/);
  });

  it("refuses a file: URL and other schemes", async () => {
    const { call } = builtIns({ http: { allowPrivateNetworks: true } });
    for (const url of ["file:///etc/passwd", "ftp://example.com/x", "data:text/plain,hi"]) {
      const error = await failureOf(call("http.request", { url }));
      expect(error).toBeInstanceOf(NonRetryableError);
      expect(error.message).toMatch(/only http: and https: URLs/);
    }
  });

  it("refuses a host when any of its addresses is private", async () => {
    const activity = createHttpRequestActivity(
      {},
      {
        lookup: async () => [
          { address: "93.184.216.34", family: 4 },
          { address: "10.0.0.8", family: 4 },
        ],
      },
    );
    const fn = toActivityFunctions([activity])["http.request"];
    await expect(fn?.({ url: "https://mixed.example/" }, testContext())).rejects.toThrow(
      /'mixed\.example' resolves to 10\.0\.0\.8, a private-network address/,
    );
  });

  it("refuses invalid input before any request", async () => {
    const { call } = builtIns();
    await expect(call("http.request", { url: "not a url", method: "FETCH" })).rejects.toThrow(
      "Activity 'http.request': input.url must be a URL; input.method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS.",
    );
  });
});

describe("http.request with allowPrivateNetworks", () => {
  const local = (http: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
    builtIns({ http: { allowPrivateNetworks: true, ...http } });

  it("parses a JSON body and returns status and lower-case headers", async () => {
    const result = await local().call("http.request", { url: `${base}/json` });
    expect(result).toMatchObject({
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "x-demo": "yes" },
      body: { hello: "world", n: [1, 2] },
    });
  });

  it("returns a text body as text", async () => {
    await expect(local().call("http.request", { url: `${base}/text` })).resolves.toMatchObject({ status: 200, body: "plain text" });
  });

  it("returns a 4xx answer for the workflow to decide", async () => {
    await expect(local().call("http.request", { url: `${base}/missing` })).resolves.toMatchObject({
      status: 404,
      body: { title: "Not found" },
    });
  });

  it("fails retryably on a 5xx answer", async () => {
    const error = await failureOf(local().call("http.request", { url: `${base}/boom` }));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain("answered 503");
    expect((error as HttpStatusError).details).toMatchObject({ status: 503, body: "maintenance" });
  });

  it("sends the method, headers and a JSON body", async () => {
    const result = (await local().call("http.request", {
      url: `${base}/echo`,
      method: "POST",
      headers: { "x-trace": "abc" },
      body: { orderId: "A-1" },
    })) as { body: { method: string; headers: Record<string, string>; body: string } };
    expect(result.body.method).toBe("POST");
    expect(result.body.headers["x-trace"]).toBe("abc");
    expect(result.body.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(result.body.body)).toEqual({ orderId: "A-1" });
  });

  it("refuses a body on a GET", async () => {
    await expect(local().call("http.request", { url: `${base}/echo`, body: "x" })).rejects.toThrow(/GET request cannot have a body/);
  });

  it("follows redirects, turning a POST into a GET on 303", async () => {
    await expect(local().call("http.request", { url: `${base}/redirect` })).resolves.toMatchObject({ body: { hello: "world" } });
    const seeOther = (await local().call("http.request", { url: `${base}/see-other`, method: "POST", body: "x" })) as {
      body: { method: string; body: string };
    };
    expect(seeOther.body).toMatchObject({ method: "GET", body: "" });
    await expect(local().call("http.request", { url: `${base}/loop` })).rejects.toThrow(/redirected more than 5 times/);
  });

  it("stops reading a response that grows past maxResponseBytes", async () => {
    const error = await failureOf(local({ maxResponseBytes: 64 * 1024 }).call("http.request", { url: `${base}/endless` }));
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toMatch(/larger than 65536 bytes.*http\.maxResponseBytes/);
  });

  it("refuses a response whose declared length is past maxResponseBytes", async () => {
    await expect(local().call("http.request", { url: `${base}/declared-large` })).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it("gives up after the input's timeoutMs, retryably", async () => {
    const started = performance.now();
    const error = await failureOf(local().call("http.request", { url: `${base}/slow`, timeoutMs: 100 }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(ActivityError);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toMatch(/timed out after 100 ms/);
  });

  it("gives up after the option's timeoutMs when the input has none", async () => {
    await expect(local({ timeoutMs: 80 }).call("http.request", { url: `${base}/slow` })).rejects.toThrow(/timed out after 80 ms/);
  });

  it("stops when the attempt's signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const running = local().call("http.request", { url: `${base}/slow` }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("lease lost")), 30);
    await expect(running).rejects.toThrow("lease lost");
  });

  it("fails retryably when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failureOf(local().call("http.request", { url: `http://127.0.0.1:${port}/` }));
    expect(error).toBeInstanceOf(ActivityError);
    expect(error.message).toMatch(/failed: .*ECONNREFUSED/);
  });
});
