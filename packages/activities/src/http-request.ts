import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { NonRetryableError } from "@weft/engine";
import type { ActivityContext } from "@weft/engine";
import type { Headers, Response } from "undici";
import { z } from "zod";
import { defineActivity } from "./define-activity.js";
import type { ActivityDefinition } from "./define-activity.js";
import { abortReason } from "./delay.js";
import { ActivityError, ActivityErrorCode, HttpStatusError, nonRetryable } from "./errors.js";
import { classifyAddress, describeBlockedAddress } from "./network-guard.js";
import type { BlockedAddress } from "./network-guard.js";
import { createPinnedAgent } from "./pinned-agent.js";
import { loadUndici } from "./undici.js";
import type { ResolvedAddress } from "./pinned-agent.js";

export interface HttpRequestOptions {
  /**
   * Lets `http.request` reach loopback, link-local (cloud metadata), private and the
   * other special-purpose addresses. Off by default: a workflow author should not be
   * able to read the server's own admin ports or the cloud's credentials. The name is
   * still resolved once per hop and the connection pinned to that answer.
   */
  allowPrivateNetworks?: boolean;
  /** Per request, unless the input's `timeoutMs` says otherwise. Default 10 000. */
  timeoutMs?: number;
  /** A response body larger than this fails the step. Default 1 MiB. */
  maxResponseBytes?: number;
}

/**
 * Seams for tests. The server never passes these (`createBuiltInActivities` has no
 * way to), so no configuration can loosen the address check through them.
 */
export interface HttpRequestDependencies {
  /** Resolves a host name; asked once per hop. Default: the system resolver. */
  lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  /** Replaces the address check, so a test can let a loopback server stand in for a public one. */
  classifyAddress?: (address: string) => BlockedAddress | undefined;
  /** Extra trust roots for https, so a test can serve its own certificate. */
  ca?: string;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const NAME = "http.request";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

const httpRequestInput = z.object({
  url: z.url().describe("The address to call, http:// or https://."),
  method: z.enum(METHODS).default("GET").describe("The HTTP method."),
  headers: z.record(z.string(), z.string()).optional().describe('Request headers, e.g. { "authorization": "Bearer …" }.'),
  body: z.unknown().optional().describe("Request body: a string is sent as is; anything else is sent as JSON."),
  timeoutMs: z.number().int().positive().optional().describe("Give up after this many milliseconds (default: the server's setting, 10 s)."),
});

const httpRequestOutput = z.object({
  status: z.number().int().describe("The HTTP status code (4xx are returned, 5xx fail the step)."),
  headers: z.record(z.string(), z.string()).describe("Response headers, lower-case names."),
  body: z.unknown().describe("Parsed JSON when the response says it is JSON, else the text."),
});

export type HttpRequestInput = z.output<typeof httpRequestInput>;
export type HttpRequestOutput = z.output<typeof httpRequestOutput>;

/** The `http.request` activity, guarded against server-side request forgery. */
export function createHttpRequestActivity(
  options: HttpRequestOptions = {},
  dependencies: HttpRequestDependencies = {},
): ActivityDefinition<HttpRequestInput, HttpRequestOutput> {
  const settings = {
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    timeoutMs: positiveOption("http.timeoutMs", options.timeoutMs, DEFAULT_HTTP_TIMEOUT_MS),
    maxResponseBytes: positiveOption("http.maxResponseBytes", options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    lookup: dependencies.lookup ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true })),
    classifyAddress: dependencies.classifyAddress ?? classifyAddress,
    ca: dependencies.ca,
  };
  return defineActivity({
    name: NAME,
    title: "HTTP request",
    description:
      "Calls a URL and returns its status, headers and body. 4xx answers are returned for the workflow to decide; 5xx answers and network errors fail the step so its retry policy applies.",
    category: "Integrations",
    input: httpRequestInput,
    output: httpRequestOutput,
    run: (input, context) => httpRequest(input, context, settings),
  });
}

interface Settings {
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  lookup: NonNullable<HttpRequestDependencies["lookup"]>;
  classifyAddress: NonNullable<HttpRequestDependencies["classifyAddress"]>;
  ca: string | undefined;
}

async function httpRequest(input: HttpRequestInput, context: ActivityContext, settings: Settings): Promise<HttpRequestOutput> {
  const timeoutMs = input.timeoutMs ?? settings.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  const { Headers, fetch } = await loadUndici();
  let method: string = input.method;
  let url = parseUrl(input.url);
  let headers = new Headers(input.headers);
  let body = encodeBody(input, headers);

  try {
    // Redirects are followed here, not by fetch, so that every hop is resolved, checked
    // and pinned like the first.
    for (let hop = 0; ; hop++) {
      const destination = await resolveAllowedDestination(url, settings, hop > 0);
      // undici's own fetch and Agent (not Node's global fetch, an older undici), so the
      // dispatcher and the fetch that uses it are the same version.
      const dispatcher = await createPinnedAgent({ ...destination, ca: settings.ca });
      try {
        const response = await fetch(url, { method, headers, body, signal, redirect: "manual", dispatcher });
        const location = response.headers.get("location");
        if (isRedirect(response.status) && location !== null) {
          await response.body?.cancel();
          if (hop >= MAX_REDIRECTS) {
            throw nonRetryable(`Activity '${NAME}': ${input.url} redirected more than ${MAX_REDIRECTS} times.`, {
              code: "too-many-redirects",
              url: input.url,
            });
          }
          const next = parseUrl(new URL(location, url).href);
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
            if (method !== "HEAD") method = "GET";
            body = undefined;
            headers.delete("content-type");
          }
          if (next.origin !== url.origin) headers = withoutCredentials(headers);
          url = next;
          continue;
        }
        if (response.status >= 500) {
          // Only an excerpt is kept; an oversize error page must not hide the retryable 5xx.
          const excerpt = method === "HEAD" ? "" : await readLimited(response, settings.maxResponseBytes, url).catch(() => "");
          throw new HttpStatusError(response.status, method, url.href, response.statusText, excerpt.slice(0, 500));
        }
        const text = method === "HEAD" ? "" : await readLimited(response, settings.maxResponseBytes, url);
        return {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: decodeBody(text, response.headers.get("content-type")),
        };
      } finally {
        await dispatcher.destroy();
      }
    }
  } catch (error) {
    if (error instanceof NonRetryableError || error instanceof ActivityError) throw error;
    if (context.signal.aborted) throw abortReason(context.signal);
    if (timeout.aborted) {
      throw new ActivityError(
        ActivityErrorCode.HttpFailed,
        `Activity '${NAME}': ${method} ${url.href} timed out after ${timeoutMs} ms (raise the input's timeoutMs to wait longer).`,
        { cause: error, details: { url: url.href, timeoutMs } },
      );
    }
    throw new ActivityError(
      ActivityErrorCode.HttpFailed,
      `Activity '${NAME}': ${method} ${url.href} failed: ${describeNetworkError(error)}.`,
      { cause: error, details: { url: url.href } },
    );
  }
}

function parseUrl(text: string): URL {
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw nonRetryable(
      `Activity '${NAME}': refused ${url.protocol} URL ${JSON.stringify(text)}; only http: and https: URLs can be requested.`,
      { code: "scheme-not-allowed", url: text, scheme: url.protocol },
    );
  }
  return url;
}

function encodeBody(input: HttpRequestInput, headers: Headers): string | undefined {
  if (input.body === undefined) return undefined;
  if (input.method === "GET" || input.method === "HEAD") {
    throw nonRetryable(`Activity '${NAME}': a ${input.method} request cannot have a body; use POST or PUT.`, {
      code: "body-not-allowed",
      method: input.method,
    });
  }
  if (typeof input.body === "string") return input.body;
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return JSON.stringify(input.body);
}

/**
 * Resolves the URL's host once and checks every address it got; the hop then connects
 * to those addresses only (`createPinnedAgent`). An IP literal is its own answer: the
 * socket layer never looks one up, so asking a resolver would check something else.
 */
async function resolveAllowedDestination(
  url: URL,
  settings: Settings,
  redirected: boolean,
): Promise<{ host: string; addresses: readonly ResolvedAddress[] }> {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await settings.lookup(host);
    } catch (error) {
      throw new ActivityError(
        ActivityErrorCode.HttpFailed,
        `Activity '${NAME}': could not resolve the host '${host}' of ${url.href}: ${describeNetworkError(error)}.`,
        { cause: error, details: { url: url.href, host } },
      );
    }
  }
  if (!settings.allowPrivateNetworks) {
    // Any blocked address refuses the host: the connection may use any of them.
    for (const { address } of addresses) {
      const block = settings.classifyAddress(address);
      if (block === undefined) continue;
      throw nonRetryable(
        `Activity '${NAME}': refused ${redirected ? "a redirect to " : ""}${url.href} because '${host}' ${
          host === address ? "is" : `resolves to ${address},`
        } ${describeBlockedAddress(block)}. Requests to loopback, link-local, private and other special-purpose addresses ` +
          "(the IANA registries) are blocked to protect the server and its network; set the built-in activities' option " +
          "http.allowPrivateNetworks to true to allow them.",
        { code: "address-not-allowed", url: url.href, host, address, kind: block.kind, range: block.range },
      );
    }
  }
  if (addresses.length === 0) {
    throw new ActivityError(ActivityErrorCode.HttpFailed, `Activity '${NAME}': the host '${host}' has no address.`, {
      details: { url: url.href, host },
    });
  }
  return { host, addresses };
}

async function readLimited(response: Response, maxBytes: number, url: URL): Promise<string> {
  const tooLarge = (size: string): Error =>
    nonRetryable(
      `Activity '${NAME}': the response from ${url.href} is larger than ${maxBytes} bytes (${size}); ` +
        "raise the built-in activities' option http.maxResponseBytes to accept it.",
      { code: "response-too-large", url: url.href, maxResponseBytes: maxBytes },
    );
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`it declares ${declared}`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge(`stopped reading after ${received}`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function decodeBody(text: string, contentType: string | null): unknown {
  if (contentType === null || !/[/+]json\b/i.test(contentType)) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A server that labels text as JSON still gets its text through.
    return text;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * Headers that may follow a redirect to another origin: content negotiation only. Any
 * other header may carry a credential — `x-api-key`, a signed token, a secret put in
 * by `$secret()` — meant for the first origin alone, so it stays behind.
 */
const HEADERS_SAFE_ACROSS_ORIGINS = new Set([
  "accept",
  "accept-language",
  "accept-encoding",
  "content-language",
  "content-type",
  "user-agent",
  "cache-control",
  "pragma",
]);

function withoutCredentials(headers: Headers): Headers {
  const copy = new (headers.constructor as typeof Headers)();
  for (const [name, value] of headers) if (HEADERS_SAFE_ACROSS_ORIGINS.has(name)) copy.append(name, value);
  return copy;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
  }
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new ActivityError(
      ActivityErrorCode.InvalidOptions,
      `The built-in activities' option ${name} must be a number > 0, not ${value}.`,
      {
        details: { option: name, value },
      },
    );
  }
  return value;
}
