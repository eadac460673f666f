import type { MiddlewareHandler } from "hono";
import { nextRequestTurn, turnIsSpent } from "@weft/engine";

/**
 * Requests take their share of the event loop's turns with the engine's work
 * (`event-loop-turns.ts` in the engine): a request that arrives once the current turn
 * has run its slice waits for the next turn instead of lengthening this one.
 *
 * Why: Node (libuv ≥ 1.45) accepts one new connection per iteration of the event loop.
 * When every iteration runs all the requests that arrived in it, an iteration grows with
 * the number of busy clients, and a client that connects to a busy server waits that
 * many long iterations for its first answer (bench/ANALYSIS.md, sixth session).
 * Bounded iterations let new connections in at the pace of the slices.
 */
export function eventLoopShare(): MiddlewareHandler {
  return async (_c, next) => {
    if (turnIsSpent(performance.now())) await nextRequestTurn();
    await next();
  };
}
