import { hostname as osHostname, networkInterfaces } from "node:os";
import type { Context, MiddlewareHandler } from "hono";
import type { ServerConfig } from "./config.js";
import { HttpProblem } from "./problem.js";

/**
 * Defences against the two ways a web page in the user's own browser can reach a
 * server on loopback, which CORS alone does not stop:
 *
 * - **Cross-site requests.** A page on another origin can still *send* a "simple"
 *   request (`mode: "no-cors"`, `text/plain` or form bodies) — CORS only hides the
 *   answer — and the request has done its work by then. So state is changed only by
 *   `application/json` bodies (which a foreign page cannot send without a preflight
 *   that CORS refuses), and every API request that a browser marks as coming from
 *   another origin (`Origin`, `Sec-Fetch-Site`) is refused unless that origin is
 *   configured.
 * - **DNS rebinding.** A foreign page can make its own name resolve to 127.0.0.1;
 *   the browser then treats the server as that page's origin. The `Host` header still
 *   names the attacker's domain, so only the names the server is configured for are
 *   served.
 *
 * Webhooks (`/api/hooks/*`) stay callable from anywhere: they carry their own
 * signature, and senders post whatever content type they like.
 */
export interface RequestGuardOptions {
  /** The address the server listens on (`HOST`): decides the default host names. */
  listenHost: string;
  /** Extra names the `Host` header may carry, or `"any"` to accept every name. */
  allowedHosts: readonly string[] | "any";
  /** Origins (scheme://host[:port]) whose pages may call the API besides the server's own. */
  allowedOrigins: readonly string[];
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** The guard's options from the server's configuration. */
export function requestGuardOptions(config: Pick<ServerConfig, "host" | "allowedHosts" | "allowedOrigins">): RequestGuardOptions {
  return { listenHost: config.host, allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins };
}

export interface RequestGuard {
  middleware: MiddlewareHandler;
  /**
   * The origin of the web page that sent this request, when it is a page of another
   * origin that is not allowed (`"another site"` when only `Sec-Fetch-Site` says so).
   */
  foreignPage(c: Context): string | undefined;
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const defaults = new Set(defaultHostNames(options.listenHost));
  const hosts = options.allowedHosts === "any" ? "any" : new Set([...defaults, ...options.allowedHosts.map(normaliseHostName)]);
  const origins = new Set(options.allowedOrigins.map(normaliseOrigin));
  // Requests made in-process (`app.request`) carry no Host header; their URL holds it.
  const hostOf = (c: Context) => c.req.header("host") ?? new URL(c.req.url).host;

  function foreignPage(c: Context): string | undefined {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    let allowed = false;
    if (origin !== undefined) {
      const own = isOwnOrigin(origin, hostOf(c));
      // With every host name accepted (WEFT_ALLOWED_HOSTS=*), a DNS-rebound page also sends
      // an Origin that matches its Host: only the names the server knows count as its own.
      allowed = (own !== undefined && (hosts !== "any" || defaults.has(own))) || origins.has(normaliseOrigin(origin));
    }
    if (origin !== undefined && !allowed) return origin;
    if ((site === "cross-site" || site === "same-site") && !allowed) return origin ?? "another site";
    return undefined;
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    const hostHeader = hostOf(c);
    if (hosts !== "any" && !hosts.has(hostNameOf(hostHeader))) {
      throw new HttpProblem(
        421,
        "Misdirected request",
        `This server does not answer to the host name '${hostHeader.slice(0, 100)}'. If you reach it by that name, add it to WEFT_ALLOWED_HOSTS (a comma-separated list).`,
      );
    }
    const path = c.req.path;
    const isApi = path.startsWith("/api/") || path === "/metrics";
    // Webhooks check their own callers (routes/hooks.ts): signed ones are callable from anywhere.
    if (!isApi || path.startsWith("/api/hooks/")) return next();

    const page = foreignPage(c);
    if (page !== undefined) {
      throw new HttpProblem(
        403,
        "Forbidden",
        `Requests from the web page at ${page} are refused: the Weft API answers only its own pages. To let another web app call it, add its origin to WEFT_ALLOWED_ORIGINS.`,
      );
    }

    if (
      STATE_CHANGING.has(c.req.method) &&
      !isJsonOrEmpty(c.req.header("content-type"), c.req.header("content-length"), c.req.header("transfer-encoding"))
    ) {
      throw new HttpProblem(
        415,
        "Unsupported media type",
        `Send the request body as JSON with "content-type: application/json" (got ${JSON.stringify(c.req.header("content-type") ?? "no content type")}).`,
      );
    }
    return next();
  };
  return { middleware, foreignPage };
}

/** True for a JSON content type, and for a request without a body and without a content type. */
function isJsonOrEmpty(contentType: string | undefined, contentLength: string | undefined, transferEncoding: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === "") {
    return transferEncoding === undefined && (contentLength === undefined || contentLength.trim() === "0");
  }
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  return JSON_MEDIA_TYPE.test(mediaType);
}

/** The page's host name when `origin` is this server's own origin (the one the Host header names). */
function isOwnOrigin(origin: string, hostHeader: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    // The Host header has been checked, so the page came from this very server.
    return url.host.toLowerCase() === hostHeader.toLowerCase() ? hostNameOf(url.host) : undefined;
  } catch {
    return undefined;
  }
}

function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin.trim());
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return origin.trim().toLowerCase();
  }
}

/** The host name of a `Host` header, without its port, lower-case, without a trailing dot. */
export function hostNameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.lastIndexOf(":");
  return normaliseHostName(colon === -1 ? value : value.slice(0, colon));
}

function normaliseHostName(name: string): string {
  let value = name.trim().toLowerCase().replace(/\.$/, "");
  // Bare IPv6 addresses in configuration are written without brackets; headers carry them with.
  if (value.includes(":") && !value.startsWith("[")) value = `[${value}]`;
  return value;
}

/**
 * The names a server answers to unless told otherwise: the loopback names, the
 * address it listens on, and — when it listens on every interface — this
 * machine's name and addresses.
 */
export function defaultHostNames(listenHost: string): string[] {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  const bare = listenHost.replace(/^\[|\]$/g, "");
  if (bare === "0.0.0.0" || bare === "::" || bare === "") {
    names.push(osHostname());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) names.push(address.address);
    }
  } else {
    names.push(bare);
  }
  return names.map(normaliseHostName);
}
