import { z } from "zod";
import { EdgeKind, JoinMode, NodeType } from "./node-types.js";

// Every constraint carries its own phrase ("must be …"): `schema-problems.ts` puts the
// subject in front ("Activity 'video': retry.maxAttempts must be a whole number ≥ 1"),
// so a message reads the same whether it came from the designer, the API or the CLI.
// Field-local checks live here (types, ranges, formats); checks that relate several
// fields or the graph live in `validate`, so a draft that is half done still parses.

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

const WORKFLOW_ID_PHRASE =
  'must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit (e.g. "order-processing")';
const DURATION_PHRASE = "must be a whole number of milliseconds greater than 0";
const EXPRESSION_PHRASE = "must be a JSONata expression, written as text";

function wholeNumberAtLeast(min: number) {
  const phrase = `must be a whole number ≥ ${min}`;
  return z.int({ error: phrase }).min(min, { error: phrase });
}

function durationMs() {
  return z.int({ error: DURATION_PHRASE }).positive({ error: DURATION_PHRASE });
}

function expression() {
  return z.string({ error: EXPRESSION_PHRASE });
}

function text(phrase: string) {
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

const variableNameSchema = z
  .string()
  .regex(VARIABLE_NAME_PATTERN, { error: "must be a name of letters, digits and _ that does not start with a digit" })
  .refine((name) => !RESERVED_KEYS.has(name), { error: "must not be __proto__, constructor or prototype" });

const nodeBaseShape = {
  id: nodeIdSchema,
  position: positionSchema,
  label: z.string({ error: "must be text" }).optional(),
  parentId: text("must be the id of the map that contains this node").optional(),
};

// --- Node types ------------------------------------------------------------------

export const startNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Start) });

export const activityNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Activity),
  activity: text('must name an activity from the catalog, e.g. "util.echo"').describe("Catalog name of the activity."),
  input: expression().optional().describe("Expression giving the activity's input (default: the previous node's output)."),
  retry: retryPolicySchema.optional(),
  timeoutMs: durationMs().optional().describe("Time allowed for each attempt."),
});

export const parallelNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Parallel) });

export const joinNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Join),
  mode: z.enum([JoinMode.All, JoinMode.Any], { error: 'must be "all" or "any"' }).optional(),
});

export const mapNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Map),
  items: expression().describe("Expression giving the array to run the body for."),
  maxConcurrency: wholeNumberAtLeast(1).optional().describe("Items running at once (default 10)."),
});

export const waitForEventNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.WaitForEvent),
  event: text('must name the event to wait for, e.g. "OrderApprovalResult"'),
  timeoutMs: durationMs().optional(),
  approval: approvalSchema.optional(),
});

export const delayNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Delay),
  durationMs: durationMs().optional(),
  until: expression().optional().describe("Expression giving an ISO time to wait until."),
});

export const choiceNodeSchema = z.looseObject({ ...nodeBaseShape, type: z.literal(NodeType.Choice) });

export const subWorkflowNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.SubWorkflow),
  workflow: z.string({ error: WORKFLOW_ID_PHRASE }).regex(WORKFLOW_ID_PATTERN, { error: WORKFLOW_ID_PHRASE }),
  version: z.union([wholeNumberAtLeast(1), z.literal("latest")], { error: 'must be a version number ≥ 1 or "latest"' }).optional(),
  input: expression().optional(),
  retry: retryPolicySchema.optional(),
});

export const transformNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Transform),
  assign: z
    .record(variableNameSchema, expression(), { error: 'must be an object of { "name": "expression" }' })
    .describe("Sets vars.<name> to each expression."),
});

export const setStatusNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.SetStatus),
  status: expression(),
});

export const endNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.End),
  output: expression().optional(),
});

export const failNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Fail),
  error: text('must be a non-empty error code, e.g. "OrderRejected"').optional(),
  message: expression().optional(),
});

export const workflowNodeSchema = z.discriminatedUnion("type", [
  startNodeSchema,
  activityNodeSchema,
  parallelNodeSchema,
  joinNodeSchema,
  mapNodeSchema,
  waitForEventNodeSchema,
  delayNodeSchema,
  choiceNodeSchema,
  subWorkflowNodeSchema,
  transformNodeSchema,
  setStatusNodeSchema,
  endNodeSchema,
  failNodeSchema,
]);

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
export type StartNode = z.infer<typeof startNodeSchema>;
export type ActivityNode = z.infer<typeof activityNodeSchema>;
export type ParallelNode = z.infer<typeof parallelNodeSchema>;
export type JoinNode = z.infer<typeof joinNodeSchema>;
export type MapNode = z.infer<typeof mapNodeSchema>;
export type WaitForEventNode = z.infer<typeof waitForEventNodeSchema>;
export type DelayNode = z.infer<typeof delayNodeSchema>;
export type ChoiceNode = z.infer<typeof choiceNodeSchema>;
export type SubWorkflowNode = z.infer<typeof subWorkflowNodeSchema>;
export type TransformNode = z.infer<typeof transformNodeSchema>;
export type SetStatusNode = z.infer<typeof setStatusNodeSchema>;
export type EndNode = z.infer<typeof endNodeSchema>;
export type FailNode = z.infer<typeof failNodeSchema>;
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
