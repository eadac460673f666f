import { z } from "zod";
import { instanceIdParam } from "./ids.js";

export const healthSchema = z.object({
  status: z.literal("ok"),
  store: z.string().describe('"sqlite" (the default) or "postgres"'),
  version: z.string(),
});

/** The parts of a JSON Schema the designer reads (a form per activity); anything else passes through. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  [key: string]: unknown;
}

export const jsonSchemaObject = z
  .custom<JsonSchema>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "must be a JSON Schema (an object)")
  .describe("A JSON Schema (an object); the designer builds the input form from it.");

export const activitySourceSchema = z
  .enum(["built-in", "project", "remote"])
  .describe("Where it runs: a built-in, the project's weft.config, or a remote worker over HTTP");

/** A catalog entry from `GET /api/activities`. */
export const activityInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  inputSchema: jsonSchemaObject,
  outputSchema: jsonSchemaObject,
  source: activitySourceSchema,
});

export const outboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  before: z.coerce.number().int().min(1).optional(),
  instance: instanceIdParam.optional(),
});

/** A message notify.send or a demo step "sent" (the demo outbox). */
export const outboxMessageSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  channel: z.string(),
  to: z.string().optional(),
  subject: z.string().optional(),
  body: z.unknown().optional(),
  instanceId: z.string().optional(),
  taskId: z.number().int().optional(),
});

export const outboxPageSchema = z.object({ items: z.array(outboxMessageSchema).describe("Newest first") });

/** How short a secret may be: shorter values cannot be told apart from ordinary text, so they could not be kept out of results and logs. */
export const MIN_SECRET_LENGTH = 8;

export const secretBody = z.strictObject({
  value: z
    .string()
    .min(
      MIN_SECRET_LENGTH,
      `must be at least ${MIN_SECRET_LENGTH} characters (shorter values cannot be told apart from ordinary text, so they could not be kept out of results and logs)`,
    )
    .max(65_536),
});

export const secretNamesSchema = z.object({ names: z.array(z.string()).describe("Never the values") });
