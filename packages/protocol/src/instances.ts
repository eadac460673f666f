import { EVENT_TYPES, type EventType, INSTANCE_STATUSES, type InstanceStatus } from "@weft/engine";
import { z } from "zod";
import { failureSchema, jsonValue, tagsSchema } from "./failure.js";
import { instanceIdParam, versionField, versionParam, workflowIdParam } from "./ids.js";

export const instanceStatusSchema = z.enum(INSTANCE_STATUSES as [InstanceStatus, ...InstanceStatus[]]);

/** The statuses an instance ends in: no event, timer or activity reaches it any more. */
export const TERMINAL_STATUSES: readonly InstanceStatus[] = ["completed", "failed", "terminated"];

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

// ---- views ---------------------------------------------------------------------------

export const instanceSummarySchema = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  version: z.number().int().nullable().describe("The published version it runs; null for a code-first orchestrator"),
  status: instanceStatusSchema,
  customStatus: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  waitingFor: z
    .array(z.string())
    .describe("What it waits for right now: each open wait's approval title, or the event's name (empty when it waits for nothing)"),
  lastError: z.string().nullable().describe('Why it failed, in one line ("Name: message", cut at 200 characters); null unless it failed'),
});

export const instancePageSchema = z.object({
  items: z.array(instanceSummarySchema),
  nextCursor: z.string().nullable().describe("Pass as cursor to get the next page; null on the last"),
});

/**
 * One history event. Which optional fields are set depends on `type` (see the engine's
 * history model): a SubOrchestrationCreated carries the child's `instanceId`, an
 * ExecutionRewound the `rewound` seqs, a TaskScheduled its `timeoutMs` …
 */
export const historyEventSchema = z.object({
  seq: z.number().int(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  at: z.string(),
  taskId: z.number().int().optional(),
  attempt: z.number().int().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  result: z.unknown().optional(),
  error: failureSchema.optional(),
  fireAt: z.string().optional(),
  tags: tagsSchema.optional(),
  instanceId: z.string().optional().describe("ExecutionStarted: the parent; EventSent: the target; SubOrchestrationCreated: the child"),
  executionId: z.string().optional(),
  status: z.enum(["completed", "failed"]).optional(),
  reason: z.string().optional(),
  timeoutMs: z.number().optional(),
  startedAt: z.string().optional(),
  rewound: z.array(z.number().int()).optional().describe("ExecutionRewound: the seqs replay now ignores"),
});

export const historyPageSchema = z.object({ events: z.array(historyEventSchema) });

export const pendingEventSchema = z.object({
  name: z.string(),
  nodeId: z.string().nullable(),
  since: z.string(),
  timeoutAt: z.string().nullable(),
  approval: jsonValue.nullable().describe("An approval wait's title and choices; null for a plain wait"),
});

export const pendingTimerSchema = z.object({ nodeId: z.string().nullable(), fireAt: z.string(), taskId: z.number().int() });

export const pendingActivitySchema = z.object({
  taskId: z.number().int(),
  name: z.string(),
  nodeId: z.string().nullable(),
  attempt: z.number().int(),
  startedAt: z.string(),
});

export const instanceDetailSchema = instanceSummarySchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  error: failureSchema.nullable(),
  parentInstanceId: z.string().nullable(),
  pending: z
    .object({
      events: z.array(pendingEventSchema),
      timers: z.array(pendingTimerSchema),
      activities: z.array(pendingActivitySchema),
    })
    .describe("What the instance waits on right now: open waits, timers and activity attempts"),
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
  summary: z
    .string()
    .nullable()
    .describe('The run\'s input in one line, to tell the waiting runs apart: its first plain fields, e.g. "orderId: o-17 · customer: Ada"'),
});

export const startedSchema = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  version: z.number().int().nullable().describe("null for a code-first orchestrator"),
  links: z.object({ self: z.string(), history: z.string(), stream: z.string() }),
});

/** The answer to a request that queued a message for the instance (an event, terminate, retry now …). */
export const acceptedSchema = z.object({ accepted: z.literal(true) });

export const restartPointsSchema = z.object({
  version: z.number().int(),
  nodeIds: z.array(z.string()).describe("The nodes a restart may begin at, in drawing order"),
});

// ---- requests ------------------------------------------------------------------------

export const startBody = z
  .strictObject({
    input: z.unknown().optional().describe("The instance input (checked against the workflow's inputSchema)."),
    instanceId: instanceIdParam.optional().describe("Reuse an id (refused while its instance is not finished)."),
    version: versionField.optional().describe("A published version; the latest by default."),
  })
  .describe("Start an instance.");

export const reasonBody = z.strictObject({ reason: z.string().max(2000).optional() });

export const retryNowBody = z.strictObject({
  nodeId: z.string().min(1).optional().describe("The node backing off; default: every backing-off step"),
  index: z.number().int().min(0).optional().describe("A map item's index"),
});

export const restartPointsQuery = z.strictObject({ version: versionParam.optional() });

export const restartFromBody = z.strictObject({
  nodeId: z.string().min(1),
  version: versionField.optional().describe("Default: the instance's version"),
});

const statusList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(INSTANCE_STATUSES, { error: `must be a comma-separated list of ${INSTANCE_STATUSES.join(", ")}` })));

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
