import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpProblem } from "./problem.js";

/** Open without a token: health, and webhooks (they carry their own signature). */
export function isOpenRoute(method: string, path: string): boolean {
  return (method === "GET" && path === "/api/health") || (method === "POST" && path.startsWith("/api/hooks/"));
}

const SSE_PATHS = /^\/api\/(stream|instances\/[^/]+\/stream)$/;

/**
 * With a token configured, every API route but the open ones needs
 * `Authorization: Bearer <token>`; the SSE routes also take `?access_token=`
 * because EventSource cannot send headers. Compared in constant time.
 */
export function bearerAuth(token: string | undefined): MiddlewareHandler {
  const expected = token ? Buffer.from(token) : undefined;
  return async (c, next) => {
    if (!expected) return next();
    const path = c.req.path;
    const guarded = path.startsWith("/api/") || path === "/metrics";
    if (!guarded || isOpenRoute(c.req.method, path)) return next();
    const header = c.req.header("Authorization") ?? "";
    let given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!given && SSE_PATHS.test(path)) given = c.req.query("access_token") ?? "";
    const candidate = Buffer.from(given);
    if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) {
      throw new HttpProblem(401, "Unauthorized", 'This server needs an API token: send "Authorization: Bearer <token>".');
    }
    return next();
  };
}
