import { z } from "zod";
import { instanceIdParam, versionField, workflowIdParam } from "./ids.js";

/** Batch requests: start many instances of a workflow, or raise one event on many instances. */

/** How many instances one batch request may start, or raise an event on. */
export const MAX_BATCH_ITEMS = 1000;

const batchSize = (what: string) =>
  [
    { error: `must be a list of ${what}` },
    `must hold at least one ${what.replace(/s$/, "")}`,
    `must hold at most ${MAX_BATCH_ITEMS.toLocaleString("en")} ${what}; send the rest in another request`,
  ] as const;

/** Flags the second and later use of one instance id in a list. */
function refuseRepeatedIds(ids: readonly (string | undefined)[], path: (index: number) => (string | number)[], ctx: z.RefinementCtx): void {
  const first = new Map<string, number>();
  ids.forEach((id, index) => {
    if (id === undefined) return;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, index);
    else
      ctx.addIssue({ code: "custom", path: path(index), message: `repeats the id of item ${earlier}; each instance id may appear once` });
  });
}

const [itemsType, itemsMin, itemsMax] = batchSize("items");
export const batchStartBody = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          input: z.unknown().optional().describe("The instance input (checked against the workflow's inputSchema)."),
          instanceId: instanceIdParam
            .optional()
            .describe('Default: a random UUID. Refused as "exists" while its instance is not finished.'),
        }),
        itemsType,
      )
      .min(1, itemsMin)
      .max(MAX_BATCH_ITEMS, itemsMax),
    version: versionField.optional().describe("A published version; the latest by default."),
  })
  .superRefine((body, ctx) =>
    refuseRepeatedIds(
      body.items.map((item) => item.instanceId),
      (index) => ["items", index, "instanceId"],
      ctx,
    ),
  )
  .describe(`Start up to ${MAX_BATCH_ITEMS} instances of one workflow version.`);

/** The statuses an event can be raised in (the engine's rule). */
const EVENT_STATUSES = ["pending", "running", "suspended"] as const;

const [idsType, idsMin, idsMax] = batchSize("instance ids");
export const batchEventBody = z
  .strictObject({
    payload: z.unknown().optional().describe("The event's payload (null when left out)."),
    instanceIds: z.array(instanceIdParam, idsType).min(1, idsMin).max(MAX_BATCH_ITEMS, idsMax).optional().describe("These instances."),
    filter: z
      .strictObject({
        workflow: workflowIdParam.describe("Instances of this workflow."),
        version: versionField.optional().describe("…of this published version only."),
        status: z
          .array(
            z.enum(EVENT_STATUSES, { error: `must be ${EVENT_STATUSES.join(", ")}: an event cannot be raised on a finished instance` }),
          )
          .min(1, "must name at least one status")
          .optional()
          .describe("…in one of these statuses (default: pending, running, suspended)."),
        waiting: z.boolean().optional().describe("Default true: only instances waiting for this event right now."),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_BATCH_ITEMS, `must be at most ${MAX_BATCH_ITEMS}`)
          .optional()
          .describe(`How many instances of the listing this request goes through (default and most ${MAX_BATCH_ITEMS}).`),
        cursor: z.string().max(500).optional().describe("The nextCursor of the previous request: go on from there."),
      })
      .optional()
      .describe("Instances chosen by a filter, a page of the listing (newest first) at a time."),
  })
  .superRefine((body, ctx) => {
    if ((body.instanceIds === undefined) === (body.filter === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: 'give either instanceIds (a list) or filter (e.g. {"workflow": "order-processing"}), not both and not neither',
      });
    }
    if (body.instanceIds) refuseRepeatedIds(body.instanceIds, (index) => ["instanceIds", index], ctx);
  })
  .describe("Raise one event on many instances: a list of ids, or a filter.");

// ---- answers ---------------------------------------------------------------------------

const batchItemResult = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z.object({
    instanceId: z.string(),
    status: z.enum(statuses),
    error: z.string().optional().describe("Why the instance was not started / got no event."),
  });

export const batchStartedSchema = z.object({
  workflowId: z.string(),
  version: z.number().int().nullable().describe("null for a code-first orchestrator"),
  results: z.array(batchItemResult(["started", "exists", "error"] as const)).describe("One per item, in the request's order."),
});

export const batchRaisedSchema = z.object({
  event: z.string(),
  results: z
    .array(batchItemResult(["raised", "not-found", "finished", "error"] as const))
    .describe("One per instance id, in the request's order; with a filter, one per matching instance."),
  nextCursor: z.string().nullable().optional().describe("Filter only: pass as filter.cursor to go on; null when the listing is done."),
});
