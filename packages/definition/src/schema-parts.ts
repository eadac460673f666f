import { z } from "zod";

// The pieces the node schemas (nodes/<kind>.ts) and the document schema (schema.ts) are
// built from. Every constraint carries its own phrase ("must be …"): `schema-problems.ts`
// puts the subject in front ("Activity 'video': retry.maxAttempts must be a whole number ≥ 1"),
// so a message reads the same whether it came from the designer, the API or the CLI.

export const WORKFLOW_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const WEBHOOK_PATH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Five fields (minute hour day-of-month month day-of-week); the scheduler does the rest.
export const CRON_PATTERN = /^\s*[0-9A-Za-z*/,?#-]+(?:\s+[0-9A-Za-z*/,?#-]+){4}\s*$/;

/**
 * Keys that would reach an object's prototype when used as property names. Node ids
 * become `steps.<id>` and transform names `vars.<name>`, so they may not be one of these.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export const WORKFLOW_ID_PHRASE =
  'must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit (e.g. "order-processing")';
const DURATION_PHRASE = "must be a whole number of milliseconds greater than 0";
const EXPRESSION_PHRASE = "must be a JSONata expression, written as text";

export function wholeNumberAtLeast(min: number) {
  const phrase = `must be a whole number ≥ ${min}`;
  return z.int({ error: phrase }).min(min, { error: phrase });
}

export function durationMs() {
  return z.int({ error: DURATION_PHRASE }).positive({ error: DURATION_PHRASE });
}

export function expression() {
  return z.string({ error: EXPRESSION_PHRASE });
}

export function text(phrase: string) {
  return z.string({ error: phrase }).regex(/\S/, { error: phrase });
}

function finiteNumber() {
  return z.number({ error: "must be a number" });
}

// --- Settings shared by several node types ---------------------------------------

export const retryPolicySchema = z
  .strictObject({
    maxAttempts: wholeNumberAtLeast(1).describe("Attempts in all, counting the first (1 = no retry)."),
    firstIntervalMs: durationMs().optional().describe("Wait before the second attempt (default 1000)."),
    backoffCoefficient: z
      .number({ error: "must be a number ≥ 1" })
      .min(1, { error: "must be a number ≥ 1" })
      .optional()
      .describe("Factor applied to the wait after each attempt (default 2)."),
    maxIntervalMs: durationMs().optional().describe("Longest wait between two attempts (default: no cap)."),
    totalTimeoutMs: durationMs().optional().describe("Stop retrying once this much time has passed since the first attempt."),
  })
  .describe("Retry policy: only maxAttempts is required.");

export const positionSchema = z.looseObject({ x: finiteNumber(), y: finiteNumber() });

export const approvalSchema = z.strictObject({
  title: text("must be a non-empty text"),
  choices: z
    .array(text("must be a non-empty text"), { error: 'must be a list of at least two choices, e.g. ["Approved", "Rejected"]' })
    .min(2, { error: 'must offer at least two choices, e.g. ["Approved", "Rejected"]' }),
});

const nodeIdSchema = z
  .string({ error: "must be a non-empty text" })
  .min(1, { error: "must be a non-empty text" })
  .refine((id) => !RESERVED_KEYS.has(id), { error: "must not be __proto__, constructor or prototype" });

export const variableNameSchema = z
  .string()
  .regex(VARIABLE_NAME_PATTERN, { error: "must be a name of letters, digits and _ that does not start with a digit" })
  .refine((name) => !RESERVED_KEYS.has(name), { error: "must not be __proto__, constructor or prototype" });

export const nodeBaseShape = {
  id: nodeIdSchema,
  position: positionSchema,
  label: z.string({ error: "must be text" }).optional(),
  parentId: text("must be the id of the map that contains this node").optional(),
};
