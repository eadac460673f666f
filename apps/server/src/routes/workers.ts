import {
  acceptedSchema,
  activityName,
  completeBody,
  failBody,
  heartbeatBody,
  leaseSchema,
  MAX_POLL_WAIT_MS,
  pollBody,
  polledTasksSchema,
  registerBody,
  registeredSchema,
  remoteActivitySchema,
} from "@weft/protocol";
import { z } from "zod";
import type { RouteContext } from "../deps.js";
import { notFound } from "../problem.js";
import { check, parseBody } from "../validation.js";

const tokenProblems = {
  401: { description: "Not a token this server issued" },
  409: {
    description:
      "The lease is no longer held: it expired and the task went back to the queue, or the instance ended. Drop the work; the task is not lost.",
  },
};

/**
 * Remote workers over HTTP: any language can serve activities with nothing but an HTTP
 * client and JSON (see docs/remote-workers.md and examples/worker-python).
 */
export function workerRoutes({ deps, route }: RouteContext): void {
  const remote = deps.extensions.remote;

  route({
    method: "post",
    path: "/api/workers/activities",
    tag: "Remote workers",
    summary:
      "Register activity types a remote worker serves, with their JSON Schemas: they join the catalog (/api/activities) and the palette. " +
      "Registrations are kept in the store; re-registering replaces the schema. From then on the server's own worker never claims tasks of these names: " +
      "they wait in the queue for a remote worker, however long. A name the server runs itself (built-in or weft.config) is refused with 409.",
    body: registerBody,
    responses: {
      200: { description: "Registered", schema: registeredSchema },
      409: { description: "A name is served in-process already" },
    },
    handler: async (c) => {
      const body = await parseBody(c, registerBody);
      const records = await remote.register(body.activities);
      deps.logger.info({ activities: records.map((r) => r.name) }, "remote activities registered");
      return c.json({ registered: records.map((r) => r.name) });
    },
  });

  route({
    method: "get",
    path: "/api/workers/activities",
    tag: "Remote workers",
    summary: "The activity types remote workers registered, with when a worker last polled for each (this server process's view)",
    responses: { 200: { description: "Registrations", schema: z.array(remoteActivitySchema) } },
    handler: (c) => c.json(remote.list()),
  });

  route({
    method: "delete",
    path: "/api/workers/activities/:name",
    tag: "Remote workers",
    summary:
      "Forget a registered activity type: it leaves the catalog, and its queued tasks then fail fast as unknown (unless it is registered again first)",
    params: { name: activityName },
    responses: { 204: { description: "Forgotten" }, 404: { description: "Not registered" } },
    handler: async (c) => {
      const name = check(activityName, c.req.param("name"), "path.name");
      if (!(await remote.unregister(name))) throw notFound(`No remote worker registered activity '${name}'.`);
      return c.body(null, 204);
    },
  });

  route({
    method: "post",
    path: "/api/workers/poll",
    tag: "Remote workers",
    summary:
      `Long-poll for tasks of registered activity types. Answers at once with up to maxTasks tasks, or holds the request until one is queued (up to waitMs, at most ${MAX_POLL_WAIT_MS / 1000} s) and answers {tasks: []} when none came. ` +
      "Each task is leased to this worker for leaseMs: heartbeat within it, or the task goes back to the queue for another worker (at-least-once: make activities idempotent with idempotencyKey).",
    body: pollBody,
    responses: {
      200: { description: "Tasks (possibly none)", schema: polledTasksSchema },
      409: { description: "A name is not registered" },
    },
    handler: async (c) => {
      const body = await parseBody(c, pollBody);
      const tasks = await remote.poll({
        workerId: body.workerId,
        activities: body.activities,
        max: body.maxTasks ?? 1,
        waitMs: body.waitMs ?? MAX_POLL_WAIT_MS,
        signal: c.req.raw.signal,
      });
      return c.json({ tasks });
    },
  });

  route({
    method: "post",
    path: "/api/workers/tasks/complete",
    tag: "Remote workers",
    summary: "Complete a task with its result",
    body: completeBody,
    responses: { 200: { description: "Recorded", schema: acceptedSchema }, ...tokenProblems },
    handler: async (c) => {
      const body = await parseBody(c, completeBody);
      await remote.complete(body.taskToken, body.result);
      return c.json({ accepted: true });
    },
  });

  route({
    method: "post",
    path: "/api/workers/tasks/fail",
    tag: "Remote workers",
    summary: "Fail a task: retried by the workflow's retry policy, unless error.nonRetryable",
    body: failBody,
    responses: { 200: { description: "Recorded", schema: acceptedSchema }, ...tokenProblems },
    handler: async (c) => {
      const body = await parseBody(c, failBody);
      await remote.fail(body.taskToken, body.error);
      return c.json({ accepted: true });
    },
  });

  route({
    method: "post",
    path: "/api/workers/tasks/heartbeat",
    tag: "Remote workers",
    summary: "Extend a task's lease by leaseMs. A 409 means stop: the instance ended (terminated, say) or the lease was lost",
    body: heartbeatBody,
    responses: { 200: { description: "Lease extended", schema: leaseSchema }, ...tokenProblems },
    handler: async (c) => {
      const body = await parseBody(c, heartbeatBody);
      return c.json(await remote.heartbeat(body.taskToken, body.details));
    },
  });
}
