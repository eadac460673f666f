import { documentFieldsSchema, triggerSchema, workflowDefinitionSchema } from "@weft/definition";
import { z } from "zod";
import { definitionProblemSchema } from "./problem.js";

export const workflowKindSchema = z
  .enum(["drawn", "code"])
  .describe('"code": a code-first orchestrator from weft.config (no drawing, never a version: it starts as it is)');

export const workflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
  trigger: triggerSchema,
  kind: workflowKindSchema,
});

export const workflowVersionInfoSchema = z.object({ version: z.number().int(), publishedAt: z.string() });

/**
 * A saved draft: the document must hold together (id, name, trigger …), but its nodes and
 * edges may be half-finished; validation lists what publishing would refuse.
 */
export const workflowDraftSchema = documentFieldsSchema;

/** `GET /api/workflows/:id`: a drawn workflow's draft and versions, or a code-first orchestrator (draft null). */
export const workflowDetailSchema = z.discriminatedUnion("kind", [
  z.object({
    id: z.string(),
    kind: z.literal("drawn"),
    draft: workflowDraftSchema,
    latestVersion: z.number().int().nullable(),
    versions: z.array(workflowVersionInfoSchema),
  }),
  z.object({
    id: z.string(),
    kind: z.literal("code"),
    name: z.string(),
    draft: z.null(),
    latestVersion: z.null(),
    versions: z.array(workflowVersionInfoSchema).length(0),
  }),
]);

export const problemListSchema = z.object({ problems: z.array(definitionProblemSchema).describe("Empty when the definition is valid") });

export const savedDraftSchema = z.object({
  id: z.string(),
  draft: workflowDraftSchema,
  problems: z.array(definitionProblemSchema).describe("What publishing would report"),
});

export const publishedSchema = z.object({ id: z.string(), version: z.number().int() });

export const publishedDefinitionSchema = workflowDefinitionSchema.and(z.object({ version: z.number().int() }));
