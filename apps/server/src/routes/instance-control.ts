import { taggedVersion } from "@weft/definition";
import type { Context } from "hono";
import {
  acceptedSchema,
  eventNameParam,
  instanceIdParam,
  reasonBody,
  restartFromBody,
  restartPointsQuery,
  restartPointsSchema,
  retryNowBody,
  startedSchema,
  type Accepted,
} from "@weft/protocol";
import { z } from "zod";
import type { RouteContext } from "../deps.js";
import { badRequest, conflict, notFound } from "../problem.js";
import { check, parseBody, parseQuery, readJson } from "../validation.js";
import { startedResponse } from "./workflows.js";

/** The path's instance id, checked. */
const id = (c: Context) => check(instanceIdParam, c.req.param("id"), "path.id");
const params = { id: instanceIdParam };
/** The answer to a request that queued a message for the instance. */
const accepted = (c: Context) => c.json({ accepted: true } satisfies Accepted, 202);

/**
 * The routes that act on an instance: raise an event, terminate, suspend, resume,
 * rewind, and purge. Restarting is instanceRestartRoutes, below.
 * Reading instances is routes/instances.ts.
 */
export function instanceControlRoutes({ deps, route }: RouteContext): void {
  const { client } = deps;

  route({
    method: "post",
    path: "/api/instances/:id/events/:name",
    tag: "Instances",
    summary: "Raise an event; the body is its payload",
    params: { ...params, name: eventNameParam },
    body: z.unknown(),
    responses: {
      202: { description: "Queued", schema: acceptedSchema },
      404: { description: "Unknown instance" },
      409: { description: "The instance is finished" },
    },
    handler: async (c) => {
      const instanceId = id(c);
      const name = check(eventNameParam, c.req.param("name"), "path.name");
      const payload = await readJson(c, { optional: true });
      deps.workflows.checkPayload(`The payload of event '${name}'`, payload);
      await client.raiseEvent(instanceId, name, payload ?? null);
      deps.logger.info({ instanceId, event: name }, "event raised");
      return accepted(c);
    },
  });

  const lifecycle = [
    ["terminate", "Terminate", (instanceId: string, reason?: string) => client.terminate(instanceId, reason)],
    ["suspend", "Suspend (events are kept; nothing runs)", (instanceId: string, reason?: string) => client.suspend(instanceId, reason)],
    ["resume", "Resume a suspended instance", (instanceId: string, reason?: string) => client.resume(instanceId, reason)],
    ["rewind", "Re-run a failed instance's failed steps", (instanceId: string, reason?: string) => client.rewind(instanceId, reason)],
  ] as const;
  for (const [action, summary, run] of lifecycle) {
    route({
      method: "post",
      path: `/api/instances/:id/${action}`,
      tag: "Instances",
      summary,
      params,
      body: reasonBody,
      responses: {
        202: { description: "Queued", schema: acceptedSchema },
        404: { description: "Unknown instance" },
        409: { description: "Not allowed in the instance's state" },
      },
      handler: async (c) => {
        const instanceId = id(c);
        const body = await parseBody(c, reasonBody, { optional: true });
        await run(instanceId, body.reason);
        deps.logger.info({ instanceId, action }, `instance ${action}`);
        return accepted(c);
      },
    });
  }

  route({
    method: "delete",
    path: "/api/instances/:id",
    tag: "Instances",
    summary: "Purge a finished instance and its history",
    params,
    responses: { 204: { description: "Purged" }, 404: { description: "Unknown instance" }, 409: { description: "Still running" } },
    handler: async (c) => {
      const instanceId = id(c);
      await client.purge(instanceId);
      return c.body(null, 204);
    },
  });
}

/** Restarting an instance: from the start, from a step (restart points), and retrying a backing-off step now. */
export function instanceRestartRoutes({ deps, route }: RouteContext): void {
  const { client } = deps;

  route({
    method: "post",
    path: "/api/instances/:id/restart",
    tag: "Instances",
    summary: "A new instance with the same workflow version and input",
    params,
    responses: { 202: { description: "Started", schema: startedSchema }, 404: { description: "Unknown instance" } },
    handler: async (c) => {
      const instanceId = id(c);
      const previous = await client.get(instanceId);
      if (!previous) throw notFound(`No instance with id '${instanceId}' exists.`);
      const version = taggedVersion(previous.tags);
      if (version === undefined) throw badRequest(`Instance '${instanceId}' was not started from a workflow definition.`);
      // Same workflow, version, pinned sub-workflow versions and input: the instance's tags and input, copied.
      const restarted = await client.restart(instanceId);
      deps.logger.info({ instanceId: restarted, restartOf: instanceId }, "instance restarted");
      return startedResponse(c, { instanceId: restarted, workflowId: previous.name, version });
    },
  });

  route({
    method: "post",
    path: "/api/instances/:id/retry-now",
    tag: "Instances",
    summary: "Retry now: fire the backoff timer of a step waiting between attempts (of every such step without nodeId)",
    params,
    body: retryNowBody,
    responses: { 202: { description: "Fired", schema: acceptedSchema }, 409: { description: "Nothing is backing off" } },
    handler: async (c) => {
      const instanceId = id(c);
      const body = await parseBody(c, retryNowBody, { optional: true });
      const instance = await client.get(instanceId);
      if (!instance) throw notFound(`No instance with id '${instanceId}' exists.`);
      const history = await deps.store.getHistory(instanceId);
      const fired = new Set(history.filter((e) => e.type === "TimerFired").map((e) => e.taskId));
      const backoffs = history.filter(
        (e) =>
          e.type === "TimerCreated" &&
          e.tags?.backoffFor !== undefined &&
          !fired.has(e.taskId) &&
          (body.nodeId === undefined || e.tags?.nodeId === body.nodeId) &&
          (body.index === undefined || e.tags?.index === body.index),
      );
      if (backoffs.length === 0) {
        throw conflict(`No step of instance '${instanceId}'${body.nodeId ? ` at node '${body.nodeId}'` : ""} is waiting to retry.`);
      }
      for (const timer of backoffs) await client.fireTimer(instanceId, timer.taskId ?? 0);
      deps.logger.info({ instanceId, timers: backoffs.length }, "retry now");
      return accepted(c);
    },
  });

  route({
    method: "get",
    path: "/api/instances/:id/restart-points",
    tag: "Instances",
    summary: "The steps this instance can be restarted from, on a published version (default: its own)",
    params,
    query: restartPointsQuery,
    responses: {
      200: { description: "The version and its restart points", schema: restartPointsSchema },
      400: { description: "Not an instance of a drawn workflow" },
      404: { description: "Unknown instance or version" },
    },
    handler: async (c) => {
      const query = parseQuery(c, restartPointsQuery);
      return c.json(await deps.workflows.restartPoints(id(c), query.version));
    },
  });

  route({
    method: "post",
    path: "/api/instances/:id/restart-from",
    tag: "Instances",
    summary: "A new instance on a chosen published version that keeps the outputs of the steps before nodeId and runs from there",
    params,
    body: restartFromBody,
    responses: {
      202: { description: "Started", schema: startedSchema },
      400: { description: "Not an instance of a drawn workflow" },
      404: { description: "Unknown instance or version" },
      409: { description: "Not a restart point, or never reached" },
    },
    handler: async (c) => {
      const instanceId = id(c);
      const body = await parseBody(c, restartFromBody);
      const started = await deps.workflows.restartFrom(instanceId, body.nodeId, body.version);
      deps.logger.info(
        { instanceId: started.instanceId, restartOf: instanceId, from: body.nodeId, version: started.version },
        "instance restarted from a step",
      );
      return startedResponse(c, started);
    },
  });
}
