import { idProblem, INSTANCE_STATUSES } from "@weft/engine";
import { z } from "zod";

/**
 * The request and response schemas of the HTTP API. Requests are validated with
 * them, and the OpenAPI document is generated from them: one source of truth.
 */

export const workflowIdParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits or dashes (e.g. "order-processing")');

export const instanceIdParam = z
  .string()
  .min(1)
  .max(200, "must be at most 200 characters")
  .superRefine((value, ctx) => {
    // The engine's rule: an id must survive a round trip through the database unchanged.
    const problem = idProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const versionParam = z.coerce
  .number({ error: "must be a version number" })
  .int("must be a whole version number")
  .min(1, "must be 1 or more");

export const startBody = z
  .strictObject({
    input: z.unknown().optional().describe("The instance input (checked against the workflow's inputSchema)."),
    instanceId: instanceIdParam.optional().describe("Reuse an id (refused while its instance is not finished)."),
    version: z.number().int().min(1).optional().describe("A published version; the latest by default."),
  })
  .describe("Start an instance.");

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
    version: z.number().int().min(1).optional().describe("A published version; the latest by default."),
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
        version: z.number().int().min(1).optional().describe("…of this published version only."),
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

export const reasonBody = z.strictObject({ reason: z.string().max(2000).optional() });

const statusList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.enum(INSTANCE_STATUSES as [string, ...string[]], {
        error: `must be a comma-separated list of ${INSTANCE_STATUSES.join(", ")}`,
      }),
    ),
  );

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time, e.g. 2026-11-28T00:00:00Z");

export const instanceListQuery = z.strictObject({
  status: statusList.optional(),
  workflow: workflowIdParam.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(1000, "must be at most 1000").optional(),
  cursor: z.string().max(500).optional(),
});

export const historyQuery = z.strictObject({
  after: z.coerce.number({ error: "must be a sequence number" }).int().min(0).optional(),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(10_000).optional(),
});

export const outboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  before: z.coerce.number().int().min(1).optional(),
  instance: instanceIdParam.optional(),
});

// ---- responses (for the document) ---------------------------------------------------

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    problems: z
      .array(
        z.object({
          severity: z.string(),
          code: z.string(),
          message: z.string(),
          nodeId: z.string().optional(),
          edgeId: z.string().optional(),
        }),
      )
      .optional(),
  })
  .describe("application/problem+json");

export const instanceSummarySchema = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  version: z.number().int().nullable(),
  status: z.enum(INSTANCE_STATUSES as [string, ...string[]]),
  customStatus: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});

export const historyEventSchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  taskId: z.number().int().optional(),
  attempt: z.number().int().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
  fireAt: z.string().optional(),
  tags: z.record(z.string(), z.unknown()).optional(),
});

export const instanceDetailSchema = instanceSummarySchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  error: z.object({ name: z.string(), message: z.string() }).nullable(),
  parentInstanceId: z.string().nullable(),
  pending: z.object({
    events: z.array(
      z.object({
        name: z.string(),
        nodeId: z.string().nullable(),
        since: z.string(),
        timeoutAt: z.string().nullable(),
        approval: z.unknown(),
      }),
    ),
    timers: z.array(z.object({ nodeId: z.string().nullable(), fireAt: z.string() })),
    activities: z.array(
      z.object({ taskId: z.number(), name: z.string(), nodeId: z.string().nullable(), attempt: z.number(), startedAt: z.string() }),
    ),
  }),
});

export const startedSchema = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  version: z.number().int().nullable().describe("null for a code-first orchestrator"),
  links: z.object({ self: z.string(), history: z.string(), stream: z.string() }),
});

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

export const workflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
  trigger: z.unknown(),
  kind: z.enum(["drawn", "code"]).describe('"code": a code-first orchestrator from weft.config'),
});

export const approvalSchema = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  nodeId: z.string().nullable(),
  event: z.string(),
  title: z.string(),
  choices: z.array(z.string()),
  since: z.string(),
  timeoutAt: z.string().nullable(),
});
