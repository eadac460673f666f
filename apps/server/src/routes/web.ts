import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, normalize, relative } from "node:path";
import type { Hono } from "hono";
import type { RouteContext } from "../deps.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/**
 * The web app: the built single-page app when there is one (every unknown path
 * gets its index.html), otherwise a plain page listing the workflows.
 */
export function webRoutes(app: Hono, { deps }: RouteContext): void {
  const dir = deps.config.webDir;
  if (dir && existsSync(join(dir, "index.html"))) {
    app.get("*", async (c) => {
      const wanted = normalize(join(dir, decodeURIComponent(c.req.path)));
      const inside = !relative(dir, wanted).startsWith("..");
      const ext = wanted.slice(wanted.lastIndexOf("."));
      if (inside && TYPES[ext] && existsSync(wanted)) {
        const cache = c.req.path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
        return c.body(await readFile(wanted), 200, { "content-type": TYPES[ext], "cache-control": cache });
      }
      return c.body(await readFile(join(dir, "index.html")), 200, {
        "content-type": TYPES[".html"] as string,
        "cache-control": "no-cache",
      });
    });
    return;
  }
  app.get("/", async (c) => {
    const workflows = await deps.store.listWorkflows();
    const items = workflows
      .map(
        (w) =>
          `<li><a href="/api/workflows/${encodeURIComponent(w.workflowId)}">${escapeHtml(w.name)}</a> — version ${w.latestVersion || "none"}</li>`,
      )
      .join("\n");
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weft</title></head>
<body>
<h1>Weft</h1>
<p>The designer is not built yet; the API is at <a href="/api/docs">/api/docs</a>.</p>
<h2>Workflows</h2>
<ul>
${items}
</ul>
</body></html>`);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
