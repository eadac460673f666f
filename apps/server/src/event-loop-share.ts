import type { MiddlewareHandler } from "hono";
import { nextTurn, turnIsSpent } from "@weft/engine";

/**
 * Requests take their share of the event loop's turns with the engine's work
 * (`event-loop-turns.ts` in the engine): a request that arrives once the current turn
 * has run its slice waits for a later turn instead of lengthening this one.
 *
 * Why it matters: Node (libuv ≥ 1.45) accepts one new connection per iteration of the
 * event loop. When every iteration runs all the requests that arrived in it, an
 * iteration grows with the number of busy clients, and a client that connects while
 * 50 others keep the server busy waited ~1 s for its first answer (HTTP 2 of the
 * benchmark: p99 450–600 ms at a p50 of 45 ms). Bounded iterations accept connections
 * at the pace of the slices; the work done per second stays the same.
 */
export function eventLoopShare(): MiddlewareHandler {
  return async (_c, next) => {
    if (turnIsSpent(performance.now())) await nextTurn();
    await next();
  };
}
