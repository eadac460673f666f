import { z } from "zod";
import { activityName } from "./ids.js";
import { activityInfoSchema, jsonSchemaObject } from "./service.js";

/**
 * Remote workers over HTTP: any language serves activities with an HTTP client and JSON
 * (docs/remote-workers.md). Register the activity types, long-poll for tasks, heartbeat,
 * then complete or fail each with its task token.
 */

/** How long a poll may be held when there is no task. */
export const MAX_POLL_WAIT_MS = 25_000;

export const registerBody = z
  .strictObject({
    activities: z
      .array(
        z.strictObject({
          name: activityName.describe("The name workflows call, e.g. text.reverse"),
          title: z.string().max(200).optional().describe("Palette label; default the name"),
          description: z.string().max(5000).optional(),
          category: z.string().max(200).optional().describe('Palette group; default "Remote"'),
          inputSchema: jsonSchemaObject,
          outputSchema: jsonSchemaObject.optional(),
        }),
      )
      .min(1)
      .max(500),
  })
  .describe("Activity types this worker serves.");

export const pollBody = z
  .strictObject({
    workerId: z.string().min(1).max(200).describe("Names this worker in leases and logs"),
    activities: z.array(activityName).min(1).max(500).describe("Registered names this worker serves"),
    maxTasks: z.number().int().min(1).max(100).optional().describe("Default 1"),
    waitMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_POLL_WAIT_MS)
      .optional()
      .describe(`How long to hold the request when there is no task; default and max ${MAX_POLL_WAIT_MS}`),
  })
  .describe("Long-poll for tasks.");

export const taskToken = z.string().min(1).max(4096).describe("The taskToken from the poll answer, as is");

export const completeBody = z.strictObject({ taskToken, result: z.unknown().optional().describe("The activity's output (JSON)") });

export const failBody = z.strictObject({
  taskToken,
  error: z.strictObject({
    name: z.string().max(200).optional().describe('Default "RemoteActivityError"'),
    message: z.string().max(10_000),
    nonRetryable: z.boolean().optional().describe("true stops the workflow's retries (invalid input, say)"),
    details: z.unknown().optional(),
    stack: z.string().max(50_000).optional(),
  }),
});

export const heartbeatBody = z.strictObject({ taskToken, details: z.unknown().optional().describe("Progress, logged at debug level") });

export const remoteTaskSchema = z.object({
  taskToken: z.string(),
  activity: z.string(),
  input: z.unknown(),
  attempt: z.number().int(),
  instanceId: z.string(),
  taskId: z.number().int(),
  idempotencyKey: z.string().describe("Stable across redeliveries of this attempt: pass it to APIs that deduplicate"),
  tags: z.record(z.string(), z.unknown()).nullable(),
  timeoutMs: z.number().int().nullable(),
  leaseMs: z.number().int().describe("Heartbeat well within this (every leaseMs/3, say)"),
  leaseExpiresAt: z.string(),
});

export const registeredSchema = z.object({ registered: z.array(z.string()) });

/** A registration as `GET /api/workers/activities` lists it: the catalog entry, and when it was registered and last polled. */
export const remoteActivitySchema = activityInfoSchema.omit({ source: true }).extend({
  registeredAt: z.string(),
  lastPollAt: z.string().nullable().describe("The last time a worker polled for this name (this server process's view)"),
});

export const polledTasksSchema = z.object({ tasks: z.array(remoteTaskSchema).describe("Possibly none") });

export const leaseSchema = z.object({ leaseExpiresAt: z.string() });
