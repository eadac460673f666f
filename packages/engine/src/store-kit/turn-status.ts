import type { InstanceStatus } from "../runtime/instance.js";
import type { StoreNotification, TurnCommit } from "../runtime/store.js";

/**
 * The status an instance has once `turn` committed, when the turn tells: the status it
 * sets, or `running` for a local turn (its fence accepts only a running instance).
 * Undefined for a claimed turn that leaves the status as it was. Stores put it on the
 * turn's `instance-changed` notification.
 */
export function statusAfterTurn(turn: TurnCommit): InstanceStatus | undefined {
  return turn.update.status ?? (turn.local === undefined ? undefined : "running");
}

/** The `instance-changed` notification of an instance, with its status when the write established it. */
export function instanceChanged(instanceId: string, status: InstanceStatus | undefined): StoreNotification {
  return status === undefined ? { kind: "instance-changed", instanceId } : { kind: "instance-changed", instanceId, status };
}
