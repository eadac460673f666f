import type { Tags } from "./history.js";

/**
 * What an orchestrator asks for, in the imperative. Each action has an id from
 * one deterministic counter; the history event that records it carries the same
 * id as `taskId`, which is how replay matches the two.
 */
export type Action =
  | { kind: "ScheduleTask"; id: number; name: string; input: unknown; attempt: number; tags?: Tags; timeoutMs?: number }
  | { kind: "CreateTimer"; id: number; fireAt: number; tags?: Tags }
  | {
      kind: "CreateSubOrchestration";
      id: number;
      name: string;
      instanceId: string;
      input: unknown;
      tags?: Tags;
      instanceTags?: Record<string, string>;
    }
  | { kind: "SendEvent"; id: number; instanceId: string; name: string; input: unknown }
  | { kind: "SetCustomStatus"; id: number; status: unknown };

export type ActionKind = Action["kind"];

/** The history event type that records each kind of action. */
export const RECORDED_AS = {
  ScheduleTask: "TaskScheduled",
  CreateTimer: "TimerCreated",
  CreateSubOrchestration: "SubOrchestrationCreated",
  SendEvent: "EventSent",
  SetCustomStatus: "CustomStatusSet",
} as const satisfies Record<ActionKind, string>;

export function describeAction(action: Action): string {
  switch (action.kind) {
    case "ScheduleTask":
      return `ScheduleTask '${action.name}' (task ${action.id})`;
    case "CreateTimer":
      return `CreateTimer (task ${action.id})`;
    case "CreateSubOrchestration":
      return `CreateSubOrchestration '${action.name}' (task ${action.id})`;
    case "SendEvent":
      return `SendEvent '${action.name}' to '${action.instanceId}' (task ${action.id})`;
    case "SetCustomStatus":
      return `SetCustomStatus (task ${action.id})`;
  }
}

/** The name an action is matched on, if its kind has one. */
export function actionName(action: Action): string | undefined {
  return action.kind === "ScheduleTask" || action.kind === "CreateSubOrchestration" || action.kind === "SendEvent"
    ? action.name
    : undefined;
}
