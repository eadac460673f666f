import { streamSSE } from "hono/streaming";
import { instanceIdParam, instancesStreamMessages, instanceStreamMessages, streamMessagesSchema } from "@weft/protocol";
import { z } from "zod";
import type { RouteContext } from "../deps.js";
import { notFound } from "../problem.js";
import { check } from "../validation.js";
import { publicEvent, summaryView } from "../views.js";

const KEEP_ALIVE_MS = 15_000;
/** Status changes for the global stream are coalesced per instance over this window. */
const GLOBAL_FLUSH_MS = 100;

export function streamRoutes({ deps, route }: RouteContext): void {
  const { client, store } = deps;

  route({
    method: "get",
    path: "/api/instances/:id/stream",
    tag: "Streams",
    summary: "SSE: the current status, the history (after Last-Event-ID), then live events; closes after the terminal status",
    params: { id: instanceIdParam },
    query: z.object({ access_token: z.string().optional() }),
    responses: {
      200: {
        description: "event: history (id = seq) and event: status",
        contentType: "text/event-stream",
        schema: streamMessagesSchema(instanceStreamMessages),
      },
      404: { description: "Unknown instance" },
    },
    handler: async (c) => {
      const instanceId = check(instanceIdParam, c.req.param("id"), "path.id");
      if (!(await client.get(instanceId))) throw notFound(`No instance with id '${instanceId}' exists.`);
      const lastEventId = Number(c.req.header("Last-Event-ID") ?? c.req.query("after") ?? 0);
      const afterSeq = Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
      deps.metrics.streams.inc();
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => abort.abort()), KEEP_ALIVE_MS);
        try {
          for await (const change of client.subscribe(instanceId, { afterSeq, signal: abort.signal })) {
            if (change.type === "history") {
              await stream.writeSSE({ event: "history", id: String(change.event.seq), data: JSON.stringify(publicEvent(change.event)) });
            } else {
              await stream.writeSSE({ event: "status", data: JSON.stringify(summaryView(change.instance)) });
            }
          }
        } catch (error) {
          if (!abort.signal.aborted) deps.logger.warn({ instanceId, err: error }, "instance stream ended with an error");
        } finally {
          clearInterval(keepAlive);
          deps.metrics.streams.dec();
        }
      });
    },
  });

  route({
    method: "get",
    path: "/api/stream",
    tag: "Streams",
    summary: "SSE: every instance's status changes (event: instance, data = summary; event: purged when one is gone)",
    query: z.object({ access_token: z.string().optional() }),
    responses: {
      200: {
        description: "event: instance, and event: purged",
        contentType: "text/event-stream",
        schema: streamMessagesSchema(instancesStreamMessages),
      },
    },
    handler: (c) => {
      deps.metrics.streams.inc();
      return streamSSE(c, async (stream) => {
        const changed = new Set<string>();
        let wake: (() => void) | undefined;
        let closed = false;
        const unsubscribe = store.subscribe((n) => {
          if (n.kind !== "instance-changed") return;
          changed.add(n.instanceId);
          wake?.();
        });
        stream.onAbort(() => {
          closed = true;
          wake?.();
        });
        const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => undefined), KEEP_ALIVE_MS);
        try {
          await stream.write(": connected\n\n");
          while (!closed) {
            if (changed.size === 0) {
              await new Promise<void>((resolve) => (wake = resolve));
              wake = undefined;
              continue;
            }
            await new Promise((resolve) => setTimeout(resolve, GLOBAL_FLUSH_MS));
            const ids = [...changed];
            changed.clear();
            for (const instanceId of ids) {
              const instance = await client.get(instanceId);
              if (instance) await stream.writeSSE({ event: "instance", data: JSON.stringify(summaryView(instance)) });
              else await stream.writeSSE({ event: "purged", data: JSON.stringify({ instanceId }) });
            }
          }
        } finally {
          clearInterval(keepAlive);
          unsubscribe();
          deps.metrics.streams.dec();
        }
      });
    },
  });
}
