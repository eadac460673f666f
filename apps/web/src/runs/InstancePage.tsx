import { useMutation } from "@tanstack/react-query";
import type { HistoryEvent } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import type { NodeState } from "@weft/definition";
import { useCallback, useMemo } from "react";
import { Link, useParams } from "react-router";
import { ApprovalButtons } from "../approvals/ApprovalButtons";
import { useWeftClient } from "../api/WeftClientContext";
import { HistoryTable } from "./HistoryTable";
import { InstanceActions } from "./InstanceActions";
import { RunDrawing } from "./RunDrawing";
import { formatElapsed } from "./status";
import { StatusChip } from "./StatusChip";
import { Timeline } from "./Timeline";
import { buildTimeline } from "./timeline-layout";
import { useNow } from "./useInstanceEvents";
import { useInstanceLive } from "./useInstanceLive";
import "./runs.css";

function Json({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <p className="muted">—</p>;
  return (
    <pre className="json" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The run's error: name and message, then any other fields, and the stack folded away. */
function ErrorDetail({ error }: { error: { name: string; message: string; stack?: string } & Record<string, unknown> }) {
  const { name, message, stack, ...rest } = error;
  return (
    <div className="error-detail" aria-label="Error">
      <p>
        <strong>{name}</strong>: {message}
      </p>
      {Object.keys(rest).length ? <pre className="json">{JSON.stringify(rest, null, 2)}</pre> : null}
      {typeof stack === "string" && stack ? (
        <details>
          <summary>Stack trace</summary>
          <pre className="json error-stack">{stack}</pre>
        </details>
      ) : null}
    </div>
  );
}

function RetryNodeButton({ instanceId, nodeId }: { instanceId: string; nodeId: string }) {
  const client = useWeftClient();
  const retry = useMutation({ mutationFn: () => client.instances.retryNow(instanceId, { nodeId }), meta: { silent: true } });
  return (
    <div className="retry-now">
      <button
        type="button"
        className="btn btn-sm btn-primary"
        disabled={retry.isPending}
        onClick={() => retry.mutate()}
        aria-label={`Retry ${nodeId} now`}
      >
        Retry now
      </button>
      {retry.error ? (
        <span className="field-error" role="alert">
          {retry.error.message}
        </span>
      ) : null}
    </div>
  );
}

/** One run, live: drawing with node states, timeline, history, data and actions. */
export function InstancePage() {
  const { instanceId = "" } = useParams();
  const live = useInstanceLive(instanceId);
  const instance = live.detail.data;
  const terminal = instance ? isTerminalStatus(instance.status) : false;
  const now = useNow(1000, !terminal);
  const plan = live.plan;

  const timeline = useMemo(() => {
    const labels: Record<string, string> = {};
    const scopes: Record<string, string | undefined> = {};
    const types: Record<string, string> = {};
    for (const node of Object.values(plan?.nodes ?? {})) {
      labels[node.id] = node.node.label ?? node.id;
      types[node.id] = node.node.type;
      if (node.scope) scopes[node.id] = node.scope;
    }
    return buildTimeline(live.history, { labels, scopes, types, nodeStates: live.states });
  }, [live.history, live.states, plan]);

  const children = useMemo(
    () =>
      live.history
        .filter((e) => e.type === "SubOrchestrationCreated")
        .map((e) => ({
          id: String((e as HistoryEvent & { instanceId?: string }).instanceId ?? ""),
          name: e.name ?? "",
          nodeId: e.tags?.nodeId,
        }))
        .filter((c) => c.id),
    [live.history],
  );

  const extras = useCallback(
    (nodeId: string, state: NodeState | undefined) => {
      if (!instance || terminal || !state) return null;
      const node = plan?.nodes[nodeId]?.node;
      if (state.status === "waiting" && node?.type === "waitForEvent" && node.approval) {
        return (
          <ApprovalButtons
            compact
            instanceId={instance.instanceId}
            event={node.event}
            choices={node.approval.choices}
            title={node.approval.title}
          />
        );
      }
      if (state.status === "retrying") return <RetryNodeButton instanceId={instance.instanceId} nodeId={nodeId} />;
      return null;
    },
    [instance, terminal, plan],
  );

  if (live.detail.isError) {
    return (
      <div className="page">
        <h1>Run {instanceId}</h1>
        <p role="alert" className="field-error">
          This run could not be loaded: {live.detail.error.message}
        </p>
        <Link to="/runs">Back to the runs</Link>
      </div>
    );
  }
  if (!instance) {
    return (
      <div className="page">
        <h1>Run {instanceId}</h1>
        <p className="muted">Loading…</p>
      </div>
    );
  }
  const started = Date.parse(instance.createdAt);
  const ended = instance.completedAt ? Date.parse(instance.completedAt) : terminal ? Date.parse(instance.updatedAt) : now;
  return (
    <div className="page page-wide instance-page">
      <div className="page-head">
        <h1 title={instanceId}>
          Run <span className="mono">{instanceId.length > 18 ? `${instanceId.slice(0, 18)}…` : instanceId}</span>
        </h1>
        <span data-testid="instance-status">
          <StatusChip status={instance.status} />
        </span>
        <span className={`conn conn-${live.connection}`} role="status" aria-label={`Live updates: ${live.connection}`}>
          {live.connection === "live"
            ? "● live"
            : live.connection === "reconnecting"
              ? "reconnecting…"
              : live.connection === "closed"
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
      <InstanceActions instance={instance} states={live.states} definition={live.definition} />
      {instance.error ? (
        <div className="error-box" role="alert" aria-label="Run error">
          <strong>{instance.error.name}</strong>: {instance.error.message}
        </div>
      ) : null}

      <section className="panel" aria-labelledby="drawing-title">
        <h2 id="drawing-title">Drawing</h2>
        {live.definition ? (
          <RunDrawing definition={live.definition} states={live.states} terminal={terminal} extras={extras} />
        ) : instance.version === null ? (
          <p className="muted">
            A code-first orchestrator from <code>weft.config</code>: there is no drawing. Its steps are on the timeline and in the history
            below.
          </p>
        ) : live.planError ? (
          <p className="field-error">The drawing is not available: {live.planError}</p>
        ) : (
          <p className="muted">Loading the drawing…</p>
        )}
        {live.trackerError ? <p className="field-error">The node states could not be derived: {live.trackerError}</p> : null}
      </section>

      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {timeline.bars.length ? (
          <Timeline model={timeline} running={!terminal} />
        ) : (
          <p className="muted">No step has started yet. Bars appear here as steps, retries, timers and waits happen.</p>
        )}
      </section>

      <div className="data-grid">
        <section className="panel" aria-labelledby="input-title">
          <h2 id="input-title">Input</h2>
          <Json value={instance.input} label="Input" />
        </section>
        <section className="panel" aria-labelledby="output-title">
          <h2 id="output-title">{instance.error ? "Error" : "Output"}</h2>
          {instance.error ? (
            <ErrorDetail error={instance.error} />
          ) : terminal ? (
            <Json value={instance.output} label="Output" />
          ) : (
            <p className="muted">Not finished yet.</p>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">
          History <span className="muted small">({live.history.length} events)</span>
        </h2>
        <HistoryTable events={live.history} origin={instance.createdAt} />
      </section>
    </div>
  );
}
