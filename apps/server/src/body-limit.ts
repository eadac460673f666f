import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpProblem } from "./problem.js";

/**
 * The request body limit (WEFT_MAX_BODY_BYTES), checked without building a web `Request`.
 *
 * Hono's `bodyLimit` first reads `c.req.raw.body` to see whether there is a body at all,
 * and on the Node adapter that getter turns the lightweight request into a full web
 * `Request` with a stream over the socket — about a tenth of the CPU a small start
 * request costs. A body with a declared `content-length` is judged by that header alone
 * (Node's parser never delivers more bytes than it declares), and its bytes are then read
 * by the adapter's direct path when the route asks for them. Only a body without a
 * length (chunked) is counted as it streams, by Hono's middleware.
 */
export function bodyLimitByLength(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new HttpProblem(413, "Content too large", `The request body is larger than ${maxBytes} bytes (WEFT_MAX_BODY_BYTES).`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (c.req.header("transfer-encoding") === undefined) {
      if (length !== undefined) return Number(length) > maxBytes ? tooLarge() : next();
      // Neither header on a Node request: HTTP/1.1 says it has no body (Node's parser reads none).
      // A request built in-process (`app.request`) may have a body regardless, so it is counted.
      if ((c.env as { incoming?: unknown } | undefined)?.incoming !== undefined) return next();
    }
    return streamed(c, next);
  };
}
