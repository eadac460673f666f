import type { InstanceDetail } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import type { NodeStates, WorkflowDefinition } from "@weft/definition";
import { useState } from "react";
import { Dialog } from "../ui/Dialog";
import { RaiseEventDialog } from "./RaiseEventDialog";
import { RestartFromDialog } from "./RestartFromDialog";
import { LABELS, useInstanceAction, type Action } from "./useInstanceAction";

/** The instance's actions; a refused one shows the server's problem+json beside the buttons. */
export function InstanceActions({
  instance,
  states,
  definition,
}: {
  instance: InstanceDetail;
  states: NodeStates;
  definition?: WorkflowDefinition | undefined;
}) {
  const id = instance.instanceId;
  const terminal = isTerminalStatus(instance.status);
  const retrying = Object.values(states).filter((s) => s.status === "retrying");
  const [confirm, setConfirm] = useState<Confirmed | undefined>();
  const [reason, setReason] = useState("");
  const [raising, setRaising] = useState(false);
  const [restartFrom, setRestartFrom] = useState(false);

  const { act, notice } = useInstanceAction(id, reason, () => setConfirm(undefined));
  const button = (action: Action, enabled: boolean, className = "btn btn-sm", onClick?: () => void) => (
    <button type="button" className={className} disabled={!enabled || act.isPending} onClick={onClick ?? (() => act.mutate(action))}>
      {LABELS[action]}
    </button>
  );

  return (
    <div className="instance-actions">
      <div className="action-row" role="toolbar" aria-label="Run actions">
        {retrying.length ? button("retryNow", true, "btn btn-sm btn-primary") : null}
        {instance.status === "suspended" ? button("resume", true) : button("suspend", !terminal)}
        {button("terminate", !terminal, "btn btn-sm btn-danger", () => setConfirm("terminate"))}
        <button type="button" className="btn btn-sm" disabled={terminal} onClick={() => setRaising(true)}>
          Raise event
        </button>
        {button("restart", instance.version !== null)}
        <button type="button" className="btn btn-sm" disabled={instance.version === null} onClick={() => setRestartFrom(true)}>
          Restart from step…
        </button>
        {button("rewind", instance.status === "failed", "btn btn-sm", () => setConfirm("rewind"))}
        {button("purge", terminal, "btn btn-sm btn-danger", () => setConfirm("purge"))}
      </div>
      {act.error ? (
        <p className="field-error action-error" role="alert">
          {act.variables ? LABELS[act.variables] : "The action"} was refused — {act.error.message}
        </p>
      ) : notice ? (
        <p className="muted action-notice" role="status">
          {notice}
        </p>
      ) : null}

      <ConfirmDialog
        confirm={confirm}
        instanceId={id}
        failedSteps={Object.values(states)
          .filter((s) => s.status === "failed")
          .map((s) => definition?.nodes.find((n) => n.id === s.nodeId)?.label || s.nodeId)}
        reason={reason}
        onReason={setReason}
        pending={act.isPending}
        error={act.error}
        onCancel={() => setConfirm(undefined)}
        onConfirm={(action) => act.mutate(action)}
      />
      <RaiseEventDialog open={raising} onOpenChange={setRaising} instanceId={id} definition={definition} />
      {restartFrom ? <RestartFromDialog instance={instance} onClose={() => setRestartFrom(false)} /> : null}
    </div>
  );
}

type Confirmed = "terminate" | "purge" | "rewind";

const CONFIRM_TEXT: Record<Confirmed, { title: string; description: string }> = {
  terminate: { title: "Terminate this run?", description: "It stops where it is; running steps are abandoned." },
  purge: { title: "Purge this run?", description: "The run and its whole history are deleted for good." },
  rewind: {
    title: "Rewind this run?",
    description: "Its failed steps run again, with the same input and idempotency key, and the run goes on from there.",
  },
};

/** Terminate, purge and rewind ask first: terminate with an optional reason, purge showing the id it deletes, rewind what runs again. */
function ConfirmDialog({
  confirm,
  instanceId,
  failedSteps,
  reason,
  onReason,
  pending,
  error,
  onCancel,
  onConfirm,
}: {
  confirm: Confirmed | undefined;
  instanceId: string;
  /** The labels of the failed steps a rewind runs again. */
  failedSteps: readonly string[];
  reason: string;
  onReason(reason: string): void;
  pending: boolean;
  error: Error | null;
  onCancel(): void;
  onConfirm(action: Confirmed): void;
}) {
  return (
    <Dialog
      open={confirm !== undefined}
      onOpenChange={(open) => !open && onCancel()}
      title={CONFIRM_TEXT[confirm ?? "terminate"].title}
      description={CONFIRM_TEXT[confirm ?? "terminate"].description}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={pending} onClick={() => confirm && onConfirm(confirm)}>
            {LABELS[confirm ?? "terminate"]}
          </button>
        </>
      }
    >
      {confirm === "terminate" ? (
        <div className="field">
          <label htmlFor="terminate-reason">Reason (optional)</label>
          <input id="terminate-reason" value={reason} onChange={(e) => onReason(e.target.value)} />
        </div>
      ) : confirm === "rewind" ? (
        <p>
          {failedSteps.length ? `Runs again: ${failedSteps.join(", ")}.` : "Runs the failed steps again."} Steps that succeeded keep their
          results and do not run again.
        </p>
      ) : (
        <p className="mono">{instanceId}</p>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
