export { ProblemCode, Severity, PROBLEM_CODES, hasErrors } from "./problem.js";
export { NodeType, NODE_TYPES, EdgeKind, EDGE_KINDS, JoinMode, isNodeType, isEdgeKind } from "./node-types.js";
export {
  WORKFLOW_ID_PATTERN,
  WEBHOOK_PATH_PATTERN,
  VARIABLE_NAME_PATTERN,
  CRON_PATTERN,
  RESERVED_KEYS,
  retryPolicySchema,
  positionSchema,
  approvalSchema,
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
  workflowNodeSchema,
  workflowEdgeSchema,
  manualTriggerSchema,
  webhookTriggerSchema,
  scheduleTriggerSchema,
  triggerSchema,
  workflowDefinitionSchema,
  documentFieldsSchema,
  definitionJsonSchema,
} from "./schema.js";
export { parseDefinition } from "./parse-definition.js";
export {
  parseExpression,
  evaluateExpression,
  clearExpressionCache,
  DEFAULT_EXPRESSION_TIMEOUT_MS,
  DEFAULT_EXPRESSION_MAX_DEPTH,
  DEFAULT_EXPRESSION_MAX_SEQUENCE,
} from "./expressions.js";
export { ExpressionError, ExpressionErrorCode } from "./expression-error.js";
export { validate } from "./validate.js";
export { nodeExpressionFields } from "./settings-rules.js";
export { GUARANTEED_ACTIVITY_NAMES } from "./catalog.js";
export { LruCache } from "./lru-cache.js";

export type { Problem, ProblemTarget } from "./problem.js";
export type {
  RetryPolicy,
  Position,
  Approval,
  StartNode,
  ActivityNode,
  ParallelNode,
  JoinNode,
  MapNode,
  WaitForEventNode,
  DelayNode,
  ChoiceNode,
  SubWorkflowNode,
  TransformNode,
  SetStatusNode,
  EndNode,
  FailNode,
  WorkflowNode,
  WorkflowEdge,
  ManualTrigger,
  WebhookTrigger,
  ScheduleTrigger,
  Trigger,
  WorkflowDefinition,
  NodeOfType,
} from "./schema.js";
export type { ParseDefinitionResult } from "./parse-definition.js";
export type { ExpressionContext, EvaluateExpressionOptions, ExpressionSyntaxError, ParseExpressionResult } from "./expressions.js";
export type { ExpressionErrorDetails } from "./expression-error.js";
export type { ValidationCatalog, ExpressionField } from "./settings-rules.js";
export type { GuaranteedActivityName } from "./catalog.js";

export { compile, DefinitionError, outgoingTargets } from "./compile.js";
export type { Plan, PlanNode, CompileOptions } from "./compile.js";
export { DEFAULT_MAX_MAP_ITEMS, interpret, MAX_NODE_VISITS, SUB_WORKFLOW_TAG_PREFIX, WorkflowError } from "./interpreter.js";
export type { InterpreterOptions } from "./interpreter.js";
export { checkSelfCalls, findSubWorkflowCycle, subWorkflowCalls } from "./sub-workflow-cycles.js";
export type { PublishedVersion, PublishedVersionLoader, SubWorkflowCall } from "./sub-workflow-cycles.js";
export { NodeStatus } from "./node-observer.js";
export type { NodeObserver, NodeTransition } from "./node-observer.js";
export { deriveNodeStates, NodeStateTracker } from "./node-states.js";
export type { NodeItemState, NodeState, NodeStates, NodeStateOptions } from "./node-states.js";
export { RESTART_FROM_TAG, RESTART_OF_TAG, RESTART_SEED_ACTIVITY } from "./interpreter.js";
export type { RestartSeed } from "./interpreter.js";
export { restartTags, subWorkflowTag, taggedSubWorkflowVersion, taggedVersion, VERSION_TAG, versionTag } from "./instance-tags.js";
export { captureRestartSeed, restartPoints } from "./restart.js";
export type { RestartSeedOptions } from "./restart.js";
export { redactSecrets, revealSecrets, secretPlaceholder, SECRET_NAME_PATTERN } from "./secrets.js";
export { createSecretRedactor, MIN_REDACTED_LENGTH } from "./secret-redaction.js";
export type { SecretRedactor } from "./secret-redaction.js";
