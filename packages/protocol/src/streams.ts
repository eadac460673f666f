import { z } from "zod";
import { historyEventSchema, instanceSummarySchema } from "./instances.js";

/**
 * The server-sent events of the two streams: each message's `event:` name and the JSON
 * schema of its `data:`. `GET /api/instances/:id/stream` sends `history` (its SSE id is the
 * event's seq, so a reconnect resumes after the last one) and `status`; `GET /api/stream`
 * sends `instance` for every status change and `purged` when an instance is gone.
 */
export const instanceStreamMessages = {
  history: historyEventSchema,
  status: instanceSummarySchema,
} as const;

export const instancesStreamMessages = {
  instance: instanceSummarySchema,
  purged: z.object({ instanceId: z.string() }),
} as const;

/** A stream's messages as one schema, for the OpenAPI document: `{ event, data }` per message kind. */
export function streamMessagesSchema(messages: Record<string, z.ZodType>): z.ZodType {
  const [first, ...rest] = Object.entries(messages).map(([event, data]) => z.object({ event: z.literal(event), data }));
  if (!first) throw new Error("A stream has at least one message kind.");
  return z.union([first, ...rest]).describe("Each server-sent event: its event name and the JSON of its data line");
}

export type InstanceStreamMessages = { [K in keyof typeof instanceStreamMessages]: z.infer<(typeof instanceStreamMessages)[K]> };
export type InstancesStreamMessages = { [K in keyof typeof instancesStreamMessages]: z.infer<(typeof instancesStreamMessages)[K]> };
