import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InstanceDetail } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import type { NodeStates, WorkflowDefinition } from "@weft/definition";
import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys, workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";

type Action = "terminate" | "suspend" | "resume" | "restart" | "rewind" | "purge" | "retryNow";

const LABELS: Record<Action, string> = {
  terminate: "Terminate",
  suspend: "Suspend",
  resume: "Resume",
  restart: "Restart",
  rewind: "Rewind",
  purge: "Purge",
  retryNow: "Retry now",
};

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
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const id = instance.instanceId;
  const terminal = isTerminalStatus(instance.status);
  const retrying = Object.values(states).filter((s) => s.status === "retrying");
  const [confirm, setConfirm] = useState<"terminate" | "purge" | undefined>();
  const [reason, setReason] = useState("");
  const [raising, setRaising] = useState(false);
  const [restartFrom, setRestartFrom] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const act = useMutation({
    mutationFn: async (action: Action): Promise<{ action: Action; newId?: string }> => {
      switch (action) {
        case "terminate":
          await client.instances.terminate(id, reason.trim() || undefined);
          return { action };
        case "suspend":
          await client.instances.suspend(id);
          return { action };
        case "resume":
          await client.instances.resume(id);
          return { action };
        case "rewind":
          await client.instances.rewind(id);
          return { action };
        case "retryNow":
          await client.instances.retryNow(id);
          return { action };
        case "purge":
          await client.instances.purge(id);
          return { action };
        case "restart":
          return { action, newId: (await client.instances.restart(id)).instanceId };
      }
    },
    meta: { silent: true },
    onMutate: () => setNotice(undefined),
    onSuccess: ({ action, newId }) => {
      setConfirm(undefined);
      if (action === "purge") {
        queryClient.removeQueries({ queryKey: queryKeys.instance(id) });
        void navigate("/runs");
        return;
      }
      if (newId) {
        void navigate(`/runs/${encodeURIComponent(newId)}`);
        return;
      }
      setNotice(`${LABELS[action]}: accepted.`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(id), exact: true });
    },
  });

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
          {LABELS[act.variables as Action] ?? "The action"} was refused — {act.error.message}
        </p>
      ) : notice ? (
        <p className="muted action-notice" role="status">
          {notice}
        </p>
      ) : null}

      <Dialog
        open={confirm !== undefined}
        onOpenChange={(open) => !open && setConfirm(undefined)}
        title={confirm === "purge" ? "Purge this run?" : "Terminate this run?"}
        description={
          confirm === "purge" ? "The run and its whole history are deleted for good." : "It stops where it is; running steps are abandoned."
        }
        footer={
          <>
            <button type="button" className="btn" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={act.isPending} onClick={() => confirm && act.mutate(confirm)}>
              {confirm === "purge" ? "Purge" : "Terminate"}
            </button>
          </>
        }
      >
        {confirm === "terminate" ? (
          <div className="field">
            <label htmlFor="terminate-reason">Reason (optional)</label>
            <input id="terminate-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        ) : (
          <p className="mono">{id}</p>
        )}
        {act.error ? (
          <p className="field-error" role="alert">
            {act.error.message}
          </p>
        ) : null}
      </Dialog>
      <RaiseEventDialog open={raising} onOpenChange={setRaising} instanceId={id} definition={definition} />
      {restartFrom ? <RestartFromDialog instance={instance} onClose={() => setRestartFrom(false)} /> : null}
    </div>
  );
}

function RaiseEventDialog({
  open,
  onOpenChange,
  instanceId,
  definition,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  instanceId: string;
  definition?: WorkflowDefinition | undefined;
}) {
  const client = useWeftClient();
  const events = [...new Set((definition?.nodes ?? []).flatMap((n) => (n.type === "waitForEvent" ? [n.event] : [])))];
  const [name, setName] = useState("");
  const [payload, setPayload] = useState("{}");
  const raise = useMutation({
    mutationFn: async () => {
      let body: unknown;
      try {
        body = payload.trim() ? JSON.parse(payload) : null;
      } catch (error) {
        throw new Error(`The payload is not JSON: ${(error as Error).message}`);
      }
      await client.instances.raiseEvent(instanceId, name.trim(), body);
    },
    meta: { silent: true },
    onSuccess: () => onOpenChange(false),
  });
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Raise an event"
      description="Delivers a named event with a JSON payload; a waiting step with that event name receives it."
      footer={
        <>
          <button type="button" className="btn" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!name.trim() || raise.isPending} onClick={() => raise.mutate()}>
            Raise
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="event-name">Event name</label>
        <input
          id="event-name"
          list="event-names"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={events[0] ?? "OrderApprovalResult"}
        />
        <datalist id="event-names">
          {events.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="event-payload">Payload (JSON)</label>
        <textarea id="event-payload" className="json-input" rows={6} value={payload} onChange={(e) => setPayload(e.target.value)} />
      </div>
      {raise.error ? (
        <p className="field-error" role="alert">
          {raise.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}

/** Restart from a chosen step on a chosen published version: a new instance keeping the earlier steps' outputs. */
export function RestartFromDialog({ instance, onClose }: { instance: InstanceDetail; onClose(): void }) {
  const client = useWeftClient();
  const navigate = useNavigate();
  const workflow = useQuery(workflowQueries.detail(client, instance.workflowId));
  const versions = (workflow.data?.versions ?? []).map((v) => v.version).sort((a, b) => b - a);
  const [version, setVersion] = useState<number>(instance.version ?? 1);
  const [nodeId, setNodeId] = useState("");
  const points = useQuery({
    queryKey: ["instances", instance.instanceId, "restart-points", version],
    queryFn: () => client.instances.restartPoints(instance.instanceId, version),
    meta: { silent: true },
    retry: false,
  });
  const definition = useQuery({ ...workflowQueries.version(client, instance.workflowId, version), meta: { silent: true } });
  const labelOf = (id: string) => {
    const node = definition.data?.nodes.find((n) => n.id === id);
    return node?.label ? `${node.label} (${id})` : id;
  };
  const restart = useMutation({
    mutationFn: () => client.instances.restartFrom(instance.instanceId, nodeId, version),
    meta: { silent: true },
    onSuccess: (started) => {
      onClose();
      void navigate(`/runs/${encodeURIComponent(started.instanceId)}`);
    },
  });
  const nodeIds = points.data?.nodeIds ?? [];
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Restart from a step"
      description="Starts a new run that keeps the outputs of the steps before the chosen one and runs from there, on the version you choose — fix a later step without re-running the expensive earlier ones."
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!nodeId || restart.isPending} onClick={() => restart.mutate()}>
            Restart from here
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="restart-version">Published version</label>
        <select
          id="restart-version"
          value={version}
          onChange={(e) => {
            setVersion(Number(e.target.value));
            setNodeId("");
          }}
        >
          {(versions.length ? versions : [instance.version ?? 1]).map((v) => (
            <option key={v} value={v}>
              v{v}
              {v === instance.version ? " (this run’s)" : ""}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="restart-node">Step</label>
        <select id="restart-node" value={nodeId} onChange={(e) => setNodeId(e.target.value)} disabled={nodeIds.length === 0}>
          <option value="">{points.isPending ? "Loading the steps…" : nodeIds.length ? "Choose a step" : "No step to restart from"}</option>
          {nodeIds.map((id) => (
            <option key={id} value={id}>
              {labelOf(id)}
            </option>
          ))}
        </select>
        {points.isError ? (
          <p className="field-error" role="alert">
            {points.error.message}
          </p>
        ) : null}
      </div>
      {restart.error ? (
        <p className="field-error" role="alert">
          {restart.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
