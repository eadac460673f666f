import type { JsonValue } from "@weft/engine";
import { z } from "zod";

/** A JSON value, as history, tags and payloads carry them (named: the OpenAPI document refers to it). */
export const jsonValue: z.ZodType<JsonValue> = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.lazy(() => jsonValue)),
    z.record(
      z.string(),
      z.lazy(() => jsonValue),
    ),
  ])
  .meta({ id: "JsonValue" });

/** Free-form labels on history events and waits (`nodeId`, `index`, an approval's title and choices …). */
export const tagsSchema = z.record(z.string(), jsonValue);

/**
 * A failure as the API shows it: recognised by `name`; `cause` is the failure under it
 * (an activity's error inside a TaskFailedError). Stack traces stay in the server's logs.
 */
export interface FailureDetails {
  name: string;
  message: string;
  nonRetryable?: boolean | undefined;
  details?: unknown;
  cause?: FailureDetails | undefined;
}

export const failureSchema: z.ZodType<FailureDetails> = z
  .object({
    name: z.string(),
    message: z.string(),
    nonRetryable: z.boolean().optional().describe("true: no retry policy retries it"),
    details: z.unknown().optional(),
    get cause() {
      return failureSchema.optional();
    },
  })
  .meta({ id: "Failure" }); // named: the OpenAPI document refers to it, also from its own `cause`
