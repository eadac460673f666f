import type { Context } from "hono";
import {
  historyPageSchema,
  historyQuery,
  instanceDetailSchema,
  instanceIdParam,
  instanceListQuery,
  instancePageSchema,
} from "@weft/protocol";
import type { RouteContext } from "../deps.js";
import { notFound } from "../problem.js";
import { check, parseQuery } from "../validation.js";
import { detailView, publicEvent, summaryView } from "../views.js";

export function instanceRoutes({ deps, route }: RouteContext): void {
  const { client } = deps;
  const id = (c: Context) => check(instanceIdParam, c.req.param("id"), "path.id");
  const params = { id: instanceIdParam };

  route({
    method: "get",
    path: "/api/instances",
    tag: "Instances",
    summary: "List instances, newest first",
    query: instanceListQuery,
    responses: {
      200: { description: "A page", schema: instancePageSchema },
    },
    handler: async (c) => {
      const query = parseQuery(c, instanceListQuery);
      const page = await client.list({
        ...(query.status ? { status: query.status as never } : {}),
        ...(query.workflow ? { name: query.workflow } : {}),
        ...(query.from ? { createdFrom: new Date(query.from).toISOString() } : {}),
        ...(query.to ? { createdTo: new Date(query.to).toISOString() } : {}),
        ...(query.q ? { idContains: query.q } : {}),
        limit: query.limit ?? 50,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return c.json({ items: page.items.map(summaryView), nextCursor: page.nextCursor ?? null });
    },
  });

  route({
    method: "get",
    path: "/api/instances/:id",
    tag: "Instances",
    summary: "One instance, with what it waits on",
    params,
    responses: { 200: { description: "Detail", schema: instanceDetailSchema }, 404: { description: "Unknown instance" } },
    handler: async (c) => {
      const instanceId = id(c);
      const instance = await client.get(instanceId);
      if (!instance) throw notFound(`No instance with id '${instanceId}' exists.`);
      const history = await deps.store.getHistory(instanceId);
      return c.json(detailView(instance, history));
    },
  });

  route({
    method: "get",
    path: "/api/instances/:id/history",
    tag: "Instances",
    summary: "History events after a sequence number",
    params,
    query: historyQuery,
    responses: { 200: { description: "Events in seq order", schema: historyPageSchema } },
    handler: async (c) => {
      const instanceId = id(c);
      const query = parseQuery(c, historyQuery);
      const events = await client.history(instanceId, {
        ...(query.after !== undefined ? { afterSeq: query.after } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      });
      return c.json({ events: events.map(publicEvent) });
    },
  });
}
