import type { HistoryEvent, InstanceDetail } from "@weft/client";
import { RESTART_FROM_TAG, RESTART_OF_TAG } from "@weft/definition";
import { useMemo } from "react";
import { Link } from "react-router";
import { formatElapsed } from "./status";
import { StatusChip } from "./StatusChip";
import type { ConnectionState } from "./useInstanceLive";

/** The sub-orchestrations a run started, from its history. */
function useChildren(history: readonly HistoryEvent[]) {
  return useMemo(
    () =>
      history
        .filter((e) => e.type === "SubOrchestrationCreated")
        .map((e) => ({
          id: e.instanceId ?? "",
          name: e.name ?? "",
          nodeId: e.tags?.nodeId,
        }))
        .filter((c) => c.id),
    [history],
  );
}

/** The run (and step) this one was restarted from, from the tags of its start. */
function useRestartedFrom(history: readonly HistoryEvent[]) {
  return useMemo(() => {
    const tags = history.find((e) => e.type === "ExecutionStarted")?.tags;
    const of = tags?.[RESTART_OF_TAG];
    const from = tags?.[RESTART_FROM_TAG];
    return typeof of === "string" ? { instanceId: of, nodeId: typeof from === "string" ? from : undefined } : undefined;
  }, [history]);
}

/** The run's id, status and live-update state; then its facts (workflow, times, custom status, parent, children). */
export function InstanceHead({
  instance,
  history,
  connection,
  terminal,
  now,
}: {
  instance: InstanceDetail;
  history: readonly HistoryEvent[];
  connection: ConnectionState;
  terminal: boolean;
  now: number;
}) {
  const instanceId = instance.instanceId;
  const children = useChildren(history);
  const restartedFrom = useRestartedFrom(history);
  const started = Date.parse(instance.createdAt);
  const ended = instance.completedAt ? Date.parse(instance.completedAt) : terminal ? Date.parse(instance.updatedAt) : now;
  return (
    <>
      <div className="page-head">
        <h1 title={instanceId}>
          Run <span className="mono">{instanceId.length > 18 ? `${instanceId.slice(0, 18)}…` : instanceId}</span>
        </h1>
        <span data-testid="instance-status">
          <StatusChip status={instance.status} />
        </span>
        <span className={`conn conn-${connection}`} role="status" aria-label={`Live updates: ${connection}`}>
          {connection === "live"
            ? "● live"
            : connection === "reconnecting"
              ? "reconnecting…"
              : connection === "closed"
                ? "finished"
                : "connecting…"}
        </span>
      </div>
      <dl className="facts instance-facts">
        <dt>Workflow</dt>
        <dd>
          <Link to={`/workflows/${encodeURIComponent(instance.workflowId)}${instance.version ? `?version=${instance.version}` : ""}`}>
            {instance.workflowId}
          </Link>
          {instance.version !== null ? <span className="muted"> v{instance.version}</span> : null}
        </dd>
        <dt>Started</dt>
        <dd title={instance.createdAt}>{new Date(instance.createdAt).toLocaleString()}</dd>
        <dt>Duration</dt>
        <dd data-testid="instance-duration">{formatElapsed(ended - started)}</dd>
        <dt>Custom status</dt>
        <dd>
          {instance.customStatus === null || instance.customStatus === undefined ? (
            <span className="muted">—</span>
          ) : (
            <code>{JSON.stringify(instance.customStatus)}</code>
          )}
        </dd>
        {restartedFrom ? (
          <>
            <dt>Restarted from</dt>
            <dd>
              <Link
                className="mono"
                to={`/runs/${encodeURIComponent(restartedFrom.instanceId)}`}
                aria-label="The run this one was restarted from"
              >
                {restartedFrom.instanceId}
              </Link>
              {restartedFrom.nodeId ? (
                <span className="muted">
                  {" "}
                  at step <code>{restartedFrom.nodeId}</code>; the steps before it reused its outputs
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
        {instance.parentInstanceId ? (
          <>
            <dt>Parent</dt>
            <dd>
              <Link className="mono" to={`/runs/${encodeURIComponent(instance.parentInstanceId)}`}>
                {instance.parentInstanceId}
              </Link>
            </dd>
          </>
        ) : null}
        {children.length ? (
          <>
            <dt>Children</dt>
            <dd className="children">
              {children.map((c) => (
                <Link key={c.id} className="mono" to={`/runs/${encodeURIComponent(c.id)}`}>
                  {c.name || c.id.slice(0, 8)}
                  {c.nodeId ? ` (${String(c.nodeId)})` : ""}
                </Link>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
    </>
  );
}
