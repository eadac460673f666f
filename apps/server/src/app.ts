import { Hono } from "hono";
import { bodyLimitByLength } from "./body-limit.js";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { bearerAuth } from "./auth.js";
import type { AppDeps, RouteContext } from "./deps.js";
import { badRequest, HttpProblem, problemResponse, toHttpProblem } from "./problem.js";
import { mountRoute, RouteTable } from "./openapi.js";
import { createRequestGuard, requestGuardOptions } from "./request-guard.js";
import { batchRoutes } from "./routes/batch.js";
import { hookRoutes } from "./routes/hooks.js";
import { instanceControlRoutes, instanceRestartRoutes } from "./routes/instance-control.js";
import { instanceRoutes } from "./routes/instances.js";
import { miscRoutes } from "./routes/misc.js";
import { secretRoutes } from "./routes/secrets.js";
import { streamRoutes } from "./routes/streams.js";
import { webRoutes } from "./routes/web.js";
import { workerRoutes } from "./routes/workers.js";
import { workflowRoutes, workflowVersionRoutes } from "./routes/workflows.js";

export interface WeftApp {
  app: Hono;
  /** Every API route with its schemas: the OpenAPI document and the auth test walk it. */
  routes: RouteTable;
}

/**
 * The HTTP app, built from its dependencies. It does not listen: `serve.ts` puts it on a
 * socket for `weft start`, and the tests' harness on a loopback port of its own.
 */
export function createApp(deps: AppDeps): WeftApp {
  const app = new Hono();
  const table = new RouteTable();
  const context: RouteContext = { deps, table, route: (spec) => mountRoute(app, table, spec) };

  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    deps.metrics.requests.inc({ method: c.req.method, status: String(status) });
    deps.metrics.requestDuration.observe({ method: c.req.method }, (performance.now() - started) / 1000);
    if (status >= 500) deps.logger.error({ method: c.req.method, path: c.req.path, status }, "request failed");
    else deps.logger.debug({ method: c.req.method, path: c.req.path, status, ms: Math.round(performance.now() - started) }, "request");
  });
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  const guard = createRequestGuard(requestGuardOptions(deps.config));
  // The server's own pages and the origins of WEFT_ALLOWED_ORIGINS (the pages the guard lets
  // through) get CORS headers; a page on any other origin gets none, so browsers refuse it.
  const allowedOrigins = cors({
    origin: (origin, c) => (origin && guard.foreignPage(c) === undefined ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "DELETE"],
  });
  // A request without an Origin header (curl, a service, a same-origin GET) has nothing for
  // CORS to allow: its answer carries no Access-Control-Allow-Origin either way, so it skips
  // the middleware, whose `Vary: Origin` rebuilt every response (~40 µs a request).
  app.use("/api/*", (c, next) => (c.req.header("origin") === undefined ? next() : allowedOrigins(c, next)));
  // A path that is not valid percent-encoding (`/%`, a cut UTF-8 sequence) is the client's
  // mistake; routes that decode it (the web app's files) would otherwise throw a URIError.
  app.use("*", async (c, next) => {
    try {
      decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      throw badRequest(
        "The URL's path is not valid percent-encoding (a '%' must be followed by two hex digits of UTF-8); encode it with encodeURIComponent.",
      );
    }
    return next();
  });
  app.use("*", guard.middleware);
  app.use("*", bearerAuth(deps.config.apiToken));
  app.use("/api/*", bodyLimitByLength(deps.config.maxBodyBytes));

  miscRoutes(app, context);
  workflowRoutes(context);
  workflowVersionRoutes(context);
  instanceRoutes(context);
  instanceControlRoutes(context);
  instanceRestartRoutes(context);
  batchRoutes(context);
  streamRoutes(context);
  hookRoutes(context, guard);
  workerRoutes(context);
  secretRoutes(context);

  app.all("/api/*", (c) => {
    throw new HttpProblem(404, "Not found", `No API route ${c.req.method} ${c.req.path}; see /api/docs.`);
  });
  webRoutes(app, context);

  app.onError((error, c) => {
    const problem = toHttpProblem(error);
    if (problem) return problemResponse(c, problem);
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, "unexpected error");
    return problemResponse(c, new HttpProblem(500, "Internal server error", "Something went wrong on the server; it has been logged."));
  });
  app.notFound((c) => problemResponse(c, new HttpProblem(404, "Not found", `Nothing at ${c.req.path}.`)));
  return { app, routes: table };
}
