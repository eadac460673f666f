import { z } from "zod";
import { EdgeKind, type NodeType } from "./node-types.js";
import { NODE_SCHEMAS } from "./nodes/registry.js";
import {
  approvalSchema,
  CRON_PATTERN,
  expression,
  positionSchema,
  retryPolicySchema,
  text,
  WEBHOOK_PATH_PATTERN,
  WORKFLOW_ID_PATTERN,
  WORKFLOW_ID_PHRASE,
} from "./schema-parts.js";

// The document schema. Each node kind's schema lives in its module (nodes/<kind>.ts) and
// joins the union through the registry; the pieces they share are in schema-parts.ts.
// Field-local checks live in the schemas (types, ranges, formats); checks that relate several
// fields or the graph live in `validate`, so a draft that is half done still parses.

export {
  WORKFLOW_ID_PATTERN,
  WEBHOOK_PATH_PATTERN,
  VARIABLE_NAME_PATTERN,
  CRON_PATTERN,
  RESERVED_KEYS,
  retryPolicySchema,
  positionSchema,
  approvalSchema,
} from "./schema-parts.js";
export { startNodeSchema, type StartNode } from "./nodes/start.js";
export { activityNodeSchema, type ActivityNode } from "./nodes/activity.js";
export { parallelNodeSchema, type ParallelNode } from "./nodes/parallel.js";
export { joinNodeSchema, type JoinNode } from "./nodes/join.js";
export { mapNodeSchema, type MapNode } from "./nodes/map.js";
export { waitForEventNodeSchema, type WaitForEventNode } from "./nodes/wait-for-event.js";
export { delayNodeSchema, type DelayNode } from "./nodes/delay.js";
export { choiceNodeSchema, type ChoiceNode } from "./nodes/choice.js";
export { subWorkflowNodeSchema, type SubWorkflowNode } from "./nodes/sub-workflow.js";
export { transformNodeSchema, type TransformNode } from "./nodes/transform.js";
export { setStatusNodeSchema, type SetStatusNode } from "./nodes/set-status.js";
export { endNodeSchema, type EndNode } from "./nodes/end.js";
export { failNodeSchema, type FailNode } from "./nodes/fail.js";

export const workflowNodeSchema = z.discriminatedUnion("type", NODE_SCHEMAS);

// --- Edges -------------------------------------------------------------------------

export const workflowEdgeSchema = z.looseObject({
  id: text("must be a non-empty text"),
  source: text("must be the id of the node the edge leaves"),
  target: text("must be the id of the node the edge enters"),
  kind: z.enum([EdgeKind.Next, EdgeKind.Error, EdgeKind.Timeout], { error: 'must be "next", "error" or "timeout"' }).optional(),
  condition: expression().optional(),
  default: z.boolean({ error: "must be true or false" }).optional(),
  label: z.string({ error: "must be text" }).optional(),
});

// --- Trigger and document ------------------------------------------------------------

export const manualTriggerSchema = z.strictObject({ type: z.literal("manual") });

export const webhookTriggerSchema = z.strictObject({
  type: z.literal("webhook"),
  path: z
    .string({ error: 'must be a URL path segment such as "new-purchase"' })
    .regex(WEBHOOK_PATH_PATTERN, { error: 'must be a URL path segment such as "new-purchase"' }),
  secret: text("must be a non-empty text").optional(),
});

export const scheduleTriggerSchema = z.strictObject({
  type: z.literal("schedule"),
  cron: z
    .string({ error: 'must be a cron expression with five fields, e.g. "*/5 * * * *"' })
    .regex(CRON_PATTERN, { error: 'must be a cron expression with five fields, e.g. "*/5 * * * *"' }),
  input: z.unknown().optional(),
});

export const triggerSchema = z.discriminatedUnion("type", [manualTriggerSchema, webhookTriggerSchema, scheduleTriggerSchema]);

const documentShape = {
  id: z.string({ error: WORKFLOW_ID_PHRASE }).regex(WORKFLOW_ID_PATTERN, { error: WORKFLOW_ID_PHRASE }),
  name: text("must be a non-empty text"),
  description: z.string({ error: "must be text" }).optional(),
  inputSchema: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object, e.g. { "type": "object" }' }).optional(),
  trigger: triggerSchema.optional(),
};

/**
 * The document with `nodes` and `edges` left unchecked, so that `parseDefinition` can
 * check each node and edge on its own and keep what is valid for the graph rules.
 */
export const documentFieldsSchema = z.looseObject({
  ...documentShape,
  nodes: z.array(z.unknown(), { error: "must be a list of nodes" }),
  edges: z.array(z.unknown(), { error: "must be a list of edges" }),
});

export const workflowDefinitionSchema = z
  .looseObject({
    ...documentShape,
    nodes: z.array(workflowNodeSchema, { error: "must be a list of nodes" }),
    edges: z.array(workflowEdgeSchema, { error: "must be a list of edges" }),
  })
  .meta({ title: "WorkflowDefinition", description: "A Weft workflow: the canvas (nodes, edges) plus node settings." });

export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type Position = z.infer<typeof positionSchema>;
export type Approval = z.infer<typeof approvalSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof workflowEdgeSchema>;
export type ManualTrigger = z.infer<typeof manualTriggerSchema>;
export type WebhookTrigger = z.infer<typeof webhookTriggerSchema>;
export type ScheduleTrigger = z.infer<typeof scheduleTriggerSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

/** The node type whose `type` is `T`, e.g. `NodeOfType<'map'>` is `MapNode`. */
export type NodeOfType<T extends NodeType> = Extract<WorkflowNode, { type: T }>;

let jsonSchema: Record<string, unknown> | undefined;

/**
 * The JSON Schema (draft 2020-12) of a workflow definition, for the OpenAPI document and
 * for editors. Rules that need the whole graph are not in it: run `validate` for those.
 */
export function definitionJsonSchema(): Record<string, unknown> {
  jsonSchema ??= z.toJSONSchema(workflowDefinitionSchema, { io: "input" }) as Record<string, unknown>;
  // A fresh copy each time: callers embed it in larger documents and may mutate it.
  return JSON.parse(JSON.stringify(jsonSchema)) as Record<string, unknown>;
}
