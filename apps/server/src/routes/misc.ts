import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Hono } from "hono";
import { z } from "zod";
import { activityInfoSchema, approvalSchema, healthSchema, outboxPageSchema, outboxQuery, type Health } from "@weft/protocol";
import type { RouteContext } from "../deps.js";
import { HttpProblem } from "../problem.js";
import { parseQuery } from "../validation.js";
import { approvalViews } from "../views.js";

export function miscRoutes(app: Hono, { deps, table, route }: RouteContext): void {
  route({
    method: "get",
    path: "/api/health",
    tag: "Service",
    summary: "Liveness: 200 once the store is migrated and the examples are published",
    auth: false,
    responses: { 200: { description: "Ready", schema: healthSchema }, 503: { description: "Starting" } },
    handler: (c) => {
      if (!deps.ready()) throw new HttpProblem(503, "Service unavailable", "Weft is starting: the store is being prepared.");
      const health: Health = { status: "ok", store: deps.store.kind, version: deps.version };
      return c.json(health);
    },
  });

  route({
    method: "get",
    path: "/api/activities",
    tag: "Service",
    summary: "The activity catalog with JSON Schemas",
    responses: { 200: { description: "Activities", schema: z.array(activityInfoSchema) } },
    handler: (c) => c.json(deps.activities()),
  });

  route({
    method: "get",
    path: "/api/approvals",
    tag: "Instances",
    summary: "Every pending approval wait",
    responses: { 200: { description: "Approvals, oldest first", schema: z.array(approvalSchema) } },
    handler: async (c) => {
      const approvals = [];
      let cursor: string | undefined;
      do {
        const page = await deps.client.list({ status: ["running", "suspended"], limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const instance of page.items) approvals.push(...approvalViews(instance));
        cursor = page.nextCursor;
      } while (cursor);
      approvals.sort((a, b) => a.since.localeCompare(b.since));
      return c.json(approvals);
    },
  });

  route({
    method: "get",
    path: "/api/outbox",
    tag: "Service",
    summary: "Messages notify.send and the demo steps sent, newest first",
    query: outboxQuery,
    responses: { 200: { description: "Messages", schema: outboxPageSchema } },
    handler: async (c) => {
      const query = parseQuery(c, outboxQuery);
      const items = await deps.store.listOutbox({
        ...(query.limit ? { limit: query.limit } : {}),
        ...(query.before ? { beforeId: query.before } : {}),
        ...(query.instance ? { instanceId: query.instance } : {}),
      });
      return c.json({ items });
    },
  });

  route({
    method: "get",
    path: "/metrics",
    tag: "Service",
    summary: "Prometheus metrics",
    responses: { 200: { description: "Text format", contentType: "text/plain" } },
    handler: async (c) => {
      const body = await deps.metrics.render();
      return c.body(body, 200, { "content-type": deps.metrics.contentType });
    },
  });

  route({
    method: "get",
    path: "/api/openapi.json",
    tag: "Service",
    summary: "This document",
    responses: { 200: { description: "OpenAPI 3.1" } },
    handler: (c) => c.json(table.document(deps.version)),
  });

  route({
    method: "get",
    path: "/api/docs",
    tag: "Service",
    summary: "The API reference (Swagger UI)",
    responses: { 200: { description: "HTML", contentType: "text/html" } },
    handler: (c) => c.html(DOCS_PAGE),
  });
  app.get("/api/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    if (file === "docs-init.js") {
      return c.body(DOCS_INIT, 200, { "content-type": "text/javascript" });
    }
    if (!DOCS_ASSETS.has(file)) throw new HttpProblem(404, "Not found", `No docs asset '${file}'.`);
    const body = await readFile(join(swaggerDir(), file));
    return c.body(body, 200, {
      "content-type": file.endsWith(".css") ? "text/css" : "text/javascript",
      "cache-control": "public, max-age=86400",
    });
  });
}

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#docs", deepLinking: true });\n`;

const DOCS_ASSETS = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]);

let swaggerPath: string | undefined;
function swaggerDir(): string {
  swaggerPath ??= createRequire(import.meta.url)("swagger-ui-dist").getAbsoluteFSPath() as string;
  return swaggerPath;
}

// Served from our own origin (no CDN): the docs work offline and under the strict CSP.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Weft API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/docs-init.js"></script>
</body></html>`;
