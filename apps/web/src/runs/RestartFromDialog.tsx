import { useMutation, useQuery } from "@tanstack/react-query";
import type { InstanceDetail } from "@weft/client";
import { useState } from "react";
import { useNavigate } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";

/** Restart from a chosen step on a chosen published version: a new instance keeping the earlier steps' outputs. */
export function RestartFromDialog({ instance, onClose }: { instance: InstanceDetail; onClose(): void }) {
  const client = useWeftClient();
  const navigate = useNavigate();
  const workflow = useQuery(workflowQueries.detail(client, instance.workflowId));
  const versions = (workflow.data?.versions ?? []).map((v) => v.version).sort((a, b) => b - a);
  // The latest published version unless another is chosen: a restart is usually to run a fix.
  const [chosen, setVersion] = useState<number | undefined>();
  const version = chosen ?? workflow.data?.latestVersion ?? instance.version ?? 1;
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
              {v === workflow.data?.latestVersion ? " (latest)" : ""}
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
