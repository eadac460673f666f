import type { NodeType } from "../node-types.js";
import { activityKind, activityNodeSchema } from "./activity.js";
import { choiceKind, choiceNodeSchema } from "./choice.js";
import { delayKind, delayNodeSchema } from "./delay.js";
import { endKind, endNodeSchema } from "./end.js";
import { failKind, failNodeSchema } from "./fail.js";
import { joinKind, joinNodeSchema } from "./join.js";
import { mapKind, mapNodeSchema } from "./map.js";
import type { NodeKind } from "./node-kind.js";
import { parallelKind, parallelNodeSchema } from "./parallel.js";
import { setStatusKind, setStatusNodeSchema } from "./set-status.js";
import { startKind, startNodeSchema } from "./start.js";
import { subWorkflowKind, subWorkflowNodeSchema } from "./sub-workflow.js";
import { transformKind, transformNodeSchema } from "./transform.js";
import { waitForEventKind, waitForEventNodeSchema } from "./wait-for-event.js";

/**
 * The node schemas, in the order of the definition's node union. The order is the order of
 * `anyOf` in the generated JSON Schema (docs/workflow-definition.schema.json), so a new
 * kind goes where it should appear there; reordering changes that file.
 */
export const NODE_SCHEMAS = [
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
] as const;

/** Every node kind by its `type`; the mapped type makes a `NodeType` without a kind a compile error. */
export const NODE_KINDS: { readonly [T in NodeType]: NodeKind<T> } = {
  start: startKind,
  activity: activityKind,
  parallel: parallelKind,
  join: joinKind,
  map: mapKind,
  waitForEvent: waitForEventKind,
  delay: delayKind,
  choice: choiceKind,
  subWorkflow: subWorkflowKind,
  transform: transformKind,
  setStatus: setStatusKind,
  end: endKind,
  fail: failKind,
};

// A Map, not the object: raw JSON may carry any `type`, and "constructor" or "__proto__"
// must find nothing rather than Object's own members. Each kind's step takes its own node
// type; looked up by a type, a kind is always given a node of that type.
const KINDS_BY_TYPE: ReadonlyMap<string, NodeKind> = new Map(Object.entries(NODE_KINDS) as Array<[string, NodeKind]>);

/** The kind of a node's `type` — raw text from JSON included — or undefined when there is none. */
export function nodeKindOf(type: unknown): NodeKind | undefined {
  return typeof type === "string" ? KINDS_BY_TYPE.get(type) : undefined;
}
