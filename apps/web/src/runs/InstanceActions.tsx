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
  const [confirm, setConfirm] = useState<"terminate" | "purge" | undefined>();
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
        {button("rewind", instance.status === "failed")}
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

/** Terminate and purge ask first: terminate with an optional reason, purge showing the id it deletes. */
function ConfirmDialog({
  confirm,
  instanceId,
  reason,
  onReason,
  pending,
  error,
  onCancel,
  onConfirm,
}: {
  confirm: "terminate" | "purge" | undefined;
  instanceId: string;
  reason: string;
  onReason(reason: string): void;
  pending: boolean;
  error: Error | null;
  onCancel(): void;
  onConfirm(action: "terminate" | "purge"): void;
}) {
  return (
    <Dialog
      open={confirm !== undefined}
      onOpenChange={(open) => !open && onCancel()}
      title={confirm === "purge" ? "Purge this run?" : "Terminate this run?"}
      description={
        confirm === "purge" ? "The run and its whole history are deleted for good." : "It stops where it is; running steps are abandoned."
      }
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={pending} onClick={() => confirm && onConfirm(confirm)}>
            {confirm === "purge" ? "Purge" : "Terminate"}
          </button>
        </>
      }
    >
      {confirm === "terminate" ? (
        <div className="field">
          <label htmlFor="terminate-reason">Reason (optional)</label>
          <input id="terminate-reason" value={reason} onChange={(e) => onReason(e.target.value)} />
        </div>
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
