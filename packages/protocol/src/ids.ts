import { idProblem } from "@weft/engine";
import { z } from "zod";

/** The names in paths and bodies, each with the rule it must follow and what to write instead. */

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

/** A version in a path or query: text that must be a whole number from 1. */
export const versionParam = z.coerce
  .number({ error: "must be a version number" })
  .int("must be a whole version number")
  .min(1, "must be 1 or more");

/** A version in a JSON body. */
export const versionField = z.number().int().min(1);

export const eventNameParam = z.string().min(1).max(200);

export const secretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "must be 1 to 100 letters, digits, '.', '_' or '-'");

export const hookPath = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/, "must be a path segment such as new-purchase");

export const activityName = z
  .string()
  .regex(/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/, "must be dotted words such as 'text.reverse' (letters, digits, '_' and '-')")
  .max(200);
