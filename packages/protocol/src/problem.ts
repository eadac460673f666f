import { PROBLEM_CODES, type ProblemCode } from "@weft/definition";
import { z } from "zod";

/** One finding of definition validation (the designer's problems panel), naming the node or edge to fix. */
export const definitionProblemSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.enum(PROBLEM_CODES as [ProblemCode, ...ProblemCode[]]),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
});

/** Every error answer: RFC 9457 problem details, with what to fix. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    problems: z.array(definitionProblemSchema).optional().describe("A definition's problems (save, validate, publish)"),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('A request that failed its schema: each bad field (e.g. "body.items.0.instanceId")'),
    code: z.string().optional(),
  })
  .describe("application/problem+json");
export type ProblemDetails = z.infer<typeof problemSchema>;
