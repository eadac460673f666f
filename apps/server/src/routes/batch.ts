import { InstanceNotFoundError, InstanceStateError, type InstanceRecord, type InstanceStatus } from "@weft/engine";
import { z } from "zod";
import { batchEventBody, batchRaisedSchema, batchStartBody, batchStartedSchema, MAX_BATCH_ITEMS, workflowIdParam } from "@weft/protocol";
import type { AppDeps, RouteContext } from "../deps.js";
import { notFound } from "../problem.js";
import { check, parseBody } from "../validation.js";

/** What a per-item error the server did not expect shows (the log has the error itself). */
const UNEXPECTED = "Something went wrong on the server; it has been logged.";

type RaiseResult = z.infer<typeof batchRaisedSchema>["results"][number];

/**
 * Batch requests: start many instances of a workflow, raise one event on many
 * instances. The request is checked as a whole first (a 4xx starts or raises
 * nothing); then each item is done on its own and reported in `results`. The
 * engine client's group commit puts the items in one transaction.
 */
export function batchRoutes({ deps, route }: RouteContext): void {
  const eventName = z.string().min(1).max(200);

  route({
    method: "post",
    path: "/api/workflows/:id/instances/batch",
    tag: "Instances",
    summary: `Start up to ${MAX_BATCH_ITEMS} instances of one workflow version; one result per item`,
    params: { id: workflowIdParam },
    body: batchStartBody,
    responses: {
      200: { description: 'Each item "started", "exists" (its id is in use) or "error"', schema: batchStartedSchema },
      400: { description: "Malformed, empty or over 1,000 items, or an id given twice: nothing started" },
      404: { description: "Unknown workflow or version" },
      409: { description: "Nothing published" },
      413: { description: "An item's input is over the payload limit: nothing started" },
      422: { description: "An item's input fails inputSchema: nothing started" },
    },
    handler: async (c) => {
      const workflowId = check(workflowIdParam, c.req.param("id"), "path.id");
      const body = await parseBody(c, batchStartBody);
      const started = await deps.workflows.startMany(workflowId, body);
      const results = started.results.map((result) => {
        if (result.status !== "error") return result;
        deps.logger.error({ err: result.error, instanceId: result.instanceId, workflowId }, "batch start: an item failed");
        return { instanceId: result.instanceId, status: result.status, error: UNEXPECTED };
      });
      const count = results.filter((r) => r.status === "started").length;
      deps.logger.info({ workflowId, version: started.version, started: count, items: results.length }, "instances started in a batch");
      return c.json({ workflowId, version: started.version, results });
    },
  });

  route({
    method: "post",
    path: "/api/events/:name",
    tag: "Instances",
    summary: `Raise one event on many instances: up to ${MAX_BATCH_ITEMS} ids, or a filter (workflow, version, status, waiting for this event) a page at a time`,
    params: { name: eventName },
    body: batchEventBody,
    responses: {
      200: {
        description: 'Each instance "raised", "not-found", "finished" or "error"; with a filter, nextCursor',
        schema: batchRaisedSchema,
      },
      400: { description: "Malformed, both or neither of instanceIds and filter, over 1,000 ids, or an id given twice: nothing raised" },
      404: { description: "The filter's workflow does not exist" },
      413: { description: "The payload is over the limit: nothing raised" },
    },
    handler: async (c) => {
      const name = check(eventName, c.req.param("name"), "path.name");
      const body = await parseBody(c, batchEventBody);
      const payload = body.payload ?? null;
      deps.workflows.checkPayload(`The payload of event '${name}'`, payload);
      if (body.instanceIds) {
        const results = await raiseOn(deps, body.instanceIds, name, payload);
        deps.logger.info({ event: name, raised: countRaised(results), instances: results.length }, "event raised on many instances");
        return c.json({ event: name, results });
      }
      const filter = body.filter as NonNullable<typeof body.filter>;
      if (!deps.extensions.isCodeWorkflow(filter.workflow) && !(await deps.store.getWorkflow(filter.workflow))) {
        throw notFound(`No workflow with id '${filter.workflow}' exists.`);
      }
      // One page of the listing per request: the cursor stays exact (a page is gone through
      // whole), and a request's work and answer stay bounded however many instances match.
      const page = await deps.client.list({
        name: filter.workflow,
        status: (filter.status ?? ["pending", "running", "suspended"]) as InstanceStatus[],
        ...(filter.version !== undefined ? { tags: { version: String(filter.version) } } : {}),
        limit: filter.limit ?? MAX_BATCH_ITEMS,
        ...(filter.cursor ? { cursor: filter.cursor } : {}),
      });
      const waiting = filter.waiting ?? true;
      const matching = page.items.filter((instance) => !waiting || isWaitingFor(instance, name)).map((instance) => instance.instanceId);
      const results = await raiseOn(deps, matching, name, payload);
      deps.logger.info(
        { event: name, workflowId: filter.workflow, raised: countRaised(results), examined: page.items.length },
        "event raised by filter",
      );
      return c.json({ event: name, results, nextCursor: page.nextCursor ?? null });
    },
  });
}

function isWaitingFor(instance: InstanceRecord, name: string): boolean {
  return instance.pendingWaits.some((wait) => wait.name === name);
}

async function raiseOn(deps: AppDeps, instanceIds: readonly string[], name: string, payload: unknown): Promise<RaiseResult[]> {
  const settled = await Promise.allSettled(instanceIds.map((instanceId) => deps.client.raiseEvent(instanceId, name, payload)));
  return settled.map((outcome, index): RaiseResult => {
    const instanceId = instanceIds[index] as string;
    if (outcome.status === "fulfilled") return { instanceId, status: "raised" };
    const error: unknown = outcome.reason;
    if (error instanceof InstanceNotFoundError) return { instanceId, status: "not-found", error: error.message };
    if (error instanceof InstanceStateError) return { instanceId, status: "finished", error: error.message };
    deps.logger.error({ err: error, instanceId, event: name }, "batch event: an instance failed");
    return { instanceId, status: "error", error: UNEXPECTED };
  });
}

const countRaised = (results: readonly RaiseResult[]) => results.filter((r) => r.status === "raised").length;
