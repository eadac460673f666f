import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { NonRetryableError } from "@weft/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toActivityFunctions } from "./define-activity.js";
import { createHttpRequestActivity } from "./http-request.js";
import type { HttpRequestDependencies, HttpRequestOptions } from "./http-request.js";
import { classifyAddress } from "./network-guard.js";
import { testContext } from "./test-helpers.js";

// DNS rebinding without a DNS server: the lookup seam answers one address on its
// first call and another later, as a hostile name server would. The "public" server
// is a loopback one on 127.0.0.2 that the classify seam lets through (for these tests
// only: production builds the activity without dependencies); the private target
// listens on 127.0.0.1, on the same port, where the second answer points.
const STAND_IN = "127.0.0.2";
const PRIVATE = "127.0.0.1";

let standIn: Server;
let privateTarget: Server;
let port: number;
let privateHits = 0;

const answer = (who: string) => (request: IncomingMessage, response: ServerResponse) => {
  const url = new URL(request.url ?? "/", "http://local");
  if (url.pathname === "/hop") {
    response.writeHead(302, { location: `http://${request.headers.host}/whoami` });
    response.end();
    return;
  }
  const to = url.searchParams.get("to");
  if (url.pathname === "/redirect" && to !== null) {
    response.writeHead(302, { location: to });
    response.end();
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  if (url.pathname === "/credentials") {
    const { authorization = null, cookie = null, accept = null } = request.headers;
    const apiKey = request.headers["x-api-key"] ?? null;
    response.end(JSON.stringify({ who, host: request.headers.host, authorization, cookie, apiKey, accept }));
    return;
  }
  response.end(JSON.stringify({ who, host: request.headers.host }));
};

async function listen(server: Server, host: string, at = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // The same port on both addresses, so only the address decides who answers.
  for (let attempt = 0; ; attempt++) {
    standIn = createServer(answer("stand-in"));
    port = await listen(standIn, STAND_IN);
    privateTarget = createServer((request, response) => {
      privateHits += 1;
      answer("private")(request, response);
    });
    try {
      await listen(privateTarget, PRIVATE, port);
      return;
    } catch (error) {
      await new Promise((resolve) => standIn.close(resolve));
      if (attempt >= 5) throw error;
    }
  }
});

afterAll(async () => {
  for (const server of [standIn, privateTarget]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A name server that answers `first` once, then `later` for every other question. */
function rebindingLookup(first: string, later: string) {
  const asked: string[] = [];
  const lookup: NonNullable<HttpRequestDependencies["lookup"]> = async (hostname) => {
    asked.push(hostname);
    return [{ address: asked.length === 1 ? first : later, family: 4 }];
  };
  return { asked, lookup };
}

/** The real classification, except that the stand-in counts as public. */
const standInIsPublic: NonNullable<HttpRequestDependencies["classifyAddress"]> = (address) =>
  address === STAND_IN ? undefined : classifyAddress(address);

function httpRequest(dependencies: HttpRequestDependencies, options: HttpRequestOptions = {}) {
  const fn = toActivityFunctions([createHttpRequestActivity({ timeoutMs: 5_000, ...options }, dependencies)])["http.request"];
  if (fn === undefined) throw new Error("no http.request");
  return (input: unknown) => fn(input, testContext()) as Promise<{ status: number; body: { who: string; host: string } }>;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("http.request connects to the address it checked", () => {
  it("asks the resolver once and connects there, even if the name points at a private address a moment later (DNS rebinding)", async () => {
    privateHits = 0;
    const dns = rebindingLookup(STAND_IN, PRIVATE);
    const call = httpRequest({ lookup: dns.lookup, classifyAddress: standInIsPublic });
    // "localhost" is also what the system resolver would answer with 127.0.0.1 for.
    const result = await call({ url: `http://localhost:${port}/whoami` });
    expect(result.body).toEqual({ who: "stand-in", host: `localhost:${port}` });
    expect(dns.asked).toEqual(["localhost"]);
    expect(privateHits).toBe(0);
  });

  it("resolves, checks and pins every redirect hop: a name that turns private on the second hop is refused", async () => {
    privateHits = 0;
    const dns = rebindingLookup(STAND_IN, PRIVATE);
    const call = httpRequest({ lookup: dns.lookup, classifyAddress: standInIsPublic });
    const error = await failureOf(call({ url: `http://localhost:${port}/hop` }));
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toMatch(
      new RegExp(
        `refused a redirect to http://localhost:${port}/whoami because 'localhost' resolves to 127\\.0\\.0\\.1, a loopback address \\(Loopback, 127\\.0\\.0\\.0/8\\)`,
      ),
    );
    expect(dns.asked).toEqual(["localhost", "localhost"]);
    expect(privateHits).toBe(0);
  });

  it("refuses a redirect to a name that resolves to a private address", async () => {
    privateHits = 0;
    const asked: string[] = [];
    const call = httpRequest({
      classifyAddress: standInIsPublic,
      lookup: async (hostname) => {
        asked.push(hostname);
        return [{ address: hostname === "internal.example" ? "10.0.0.5" : STAND_IN, family: 4 }];
      },
    });
    const to = encodeURIComponent(`http://internal.example:${port}/admin`);
    const error = await failureOf(call({ url: `http://public.example:${port}/redirect?to=${to}` }));
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain(
      `refused a redirect to http://internal.example:${port}/admin because 'internal.example' resolves to 10.0.0.5, a private-network address (Private-Use, 10.0.0.0/8)`,
    );
    expect(asked).toEqual(["public.example", "internal.example"]);
  });

  it("follows a redirect to a public name, pinning that hop to its own answer", async () => {
    privateHits = 0;
    const asked: string[] = [];
    const call = httpRequest({
      classifyAddress: standInIsPublic,
      lookup: async (hostname) => {
        asked.push(hostname);
        return [{ address: STAND_IN, family: 4 }];
      },
    });
    const to = encodeURIComponent(`http://second.example:${port}/whoami`);
    const result = await call({ url: `http://first.example:${port}/redirect?to=${to}` });
    expect(result.body).toEqual({ who: "stand-in", host: `second.example:${port}` });
    expect(asked).toEqual(["first.example", "second.example"]);
    expect(privateHits).toBe(0);
  });

  it("keeps credentials on a same-origin hop and drops them — custom headers too — on a hop to another origin", async () => {
    const call = httpRequest({ classifyAddress: standInIsPublic, lookup: async () => [{ address: STAND_IN, family: 4 }] });
    const headers = { authorization: "Bearer s3cret", cookie: "session=1", "x-api-key": "k3y-s3cret", accept: "application/json" };
    const same = encodeURIComponent(`http://first.example:${port}/credentials`);
    const other = encodeURIComponent(`http://second.example:${port}/credentials`);
    await expect(call({ url: `http://first.example:${port}/redirect?to=${same}`, headers })).resolves.toMatchObject({
      body: { authorization: "Bearer s3cret", cookie: "session=1", apiKey: "k3y-s3cret", accept: "application/json" },
    });
    await expect(call({ url: `http://first.example:${port}/redirect?to=${other}`, headers })).resolves.toMatchObject({
      body: { host: `second.example:${port}`, authorization: null, cookie: null, apiKey: null, accept: "application/json" },
    });
  });

  it("connects to an IP literal as written, without asking the resolver", async () => {
    const dns = rebindingLookup(PRIVATE, PRIVATE);
    const call = httpRequest({ lookup: dns.lookup, classifyAddress: standInIsPublic });
    const result = await call({ url: `http://${STAND_IN}:${port}/whoami` });
    expect(result.body.who).toBe("stand-in");
    expect(dns.asked).toEqual([]);
  });

  it("with allowPrivateNetworks still resolves once and connects to that address", async () => {
    privateHits = 0;
    const dns = rebindingLookup(STAND_IN, PRIVATE);
    const call = httpRequest({ lookup: dns.lookup }, { allowPrivateNetworks: true });
    const result = await call({ url: `http://pinned.example:${port}/whoami` });
    expect(result.body).toEqual({ who: "stand-in", host: `pinned.example:${port}` });
    expect(dns.asked).toEqual(["pinned.example"]);
    expect(privateHits).toBe(0);
  });
});

describe("http.request over TLS to a pinned address", () => {
  // A self-signed certificate for the name pinned.example only (testdata/, valid to 2126).
  const certificate = readFileSync(new URL("../testdata/pinned-example.crt", import.meta.url), "utf8");
  const key = readFileSync(new URL("../testdata/pinned-example.key", import.meta.url), "utf8");
  let tlsServer: Server;
  let tlsPort: number;
  const serverNames: (string | false | null)[] = [];

  beforeAll(async () => {
    tlsServer = createTlsServer({ cert: certificate, key }, (request, response) => {
      serverNames.push((request.socket as TLSSocket).servername);
      answer("tls")(request, response);
    });
    tlsPort = await listen(tlsServer, STAND_IN);
  });

  afterAll(async () => {
    tlsServer.closeAllConnections();
    await new Promise((resolve) => tlsServer.close(resolve));
  });

  const pinnedTo =
    (address: string): HttpRequestDependencies["lookup"] =>
    async () => [{ address, family: 4 }];

  it("sends the host name as SNI and verifies the certificate against the name, not the address", async () => {
    serverNames.length = 0;
    const call = httpRequest({ lookup: pinnedTo(STAND_IN), classifyAddress: standInIsPublic, ca: certificate });
    const result = await call({ url: `https://pinned.example:${tlsPort}/whoami` });
    expect(result.body).toEqual({ who: "tls", host: `pinned.example:${tlsPort}` });
    expect(serverNames).toEqual(["pinned.example"]);
  });

  it("refuses a certificate that does not name the host, though the address is the same", async () => {
    const call = httpRequest({ lookup: pinnedTo(STAND_IN), classifyAddress: standInIsPublic, ca: certificate });
    const error = await failureOf(call({ url: `https://other.example:${tlsPort}/whoami` }));
    expect(error.message).toMatch(/failed: .*(does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID)/);
  });

  it("still verifies the certificate chain", async () => {
    const call = httpRequest({ lookup: pinnedTo(STAND_IN), classifyAddress: standInIsPublic });
    const error = await failureOf(call({ url: `https://pinned.example:${tlsPort}/whoami` }));
    expect(error.message).toMatch(/failed: .*self[- ]signed certificate/i);
  });
});
