import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { instanceQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";

/** Placeholder: the instance page (drawing with live node states, timeline, history, actions) is built next. */
export function InstancePage() {
  const { instanceId = "" } = useParams();
  const client = useWeftClient();
  const instance = useQuery(instanceQueries.detail(client, instanceId));
  return (
    <div className="page">
      <h1>Run {instanceId}</h1>
      {instance.data ? (
        <dl className="facts">
          <dt>Workflow</dt>
          <dd>{instance.data.workflowId}</dd>
          <dt>Version</dt>
          <dd>{instance.data.version ?? "—"}</dd>
          <dt>Status</dt>
          <dd data-testid="instance-status">{instance.data.status}</dd>
          <dt>Started</dt>
          <dd>{new Date(instance.data.createdAt).toLocaleString()}</dd>
        </dl>
      ) : instance.isError ? (
        <p role="alert">This run could not be loaded: {String(instance.error.message)}</p>
      ) : (
        <p>Loading…</p>
      )}
    </div>
  );
}
