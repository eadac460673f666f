import type { HistoryEvent } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import type { NodeStates, Plan } from "@weft/definition";
import { useCallback, useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { HistoryTable } from "./HistoryTable";
import { InstanceActions } from "./InstanceActions";
import { InstanceData } from "./InstanceData";
import { InstanceHead } from "./InstanceHead";
import { useNodeExtras } from "./node-extras";
import { RunDrawing } from "./RunDrawing";
import { StepInspector } from "./StepInspector";
import { Timeline } from "./Timeline";
import { buildTimeline } from "./timeline-model";
import { useNow } from "./useInstanceEvents";
import { useInstanceLive } from "./useInstanceLive";
import "./runs.css";

/** The timeline's rows and bars, labelled and nested as the plan draws the nodes. */
function useInstanceTimeline(history: readonly HistoryEvent[], states: NodeStates, plan: Plan | undefined) {
  return useMemo(() => {
    const labels: Record<string, string> = {};
    const scopes: Record<string, string | undefined> = {};
    const types: Record<string, string> = {};
    for (const node of Object.values(plan?.nodes ?? {})) {
      labels[node.id] = node.node.label ?? node.id;
      types[node.id] = node.node.type;
      if (node.scope) scopes[node.id] = node.scope;
    }
    return buildTimeline(history, { labels, scopes, types, nodeStates: states });
  }, [history, states, plan]);
}

/** The drawing with node states, or why there is none. */
function DrawingPanel({
  live,
  version,
  terminal,
  extras,
  selected,
  onSelect,
}: {
  live: ReturnType<typeof useInstanceLive>;
  version: number | null;
  terminal: boolean;
  extras: ReturnType<typeof useNodeExtras>;
  selected: string | undefined;
  onSelect(nodeId: string): void;
}) {
  return (
    <section className="panel" aria-labelledby="drawing-title">
      <h2 id="drawing-title">Drawing</h2>
      {live.definition ? (
        <RunDrawing
          definition={live.definition}
          states={live.states}
          terminal={terminal}
          extras={extras}
          selected={selected}
          onSelect={onSelect}
        />
      ) : version === null ? (
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

  const timeline = useInstanceTimeline(live.history, live.states, plan);
  const extras = useNodeExtras(instance, terminal, plan);
  // The step open in the inspector is in the URL (?step=<node id>), so it can be linked.
  const [search, setSearch] = useSearchParams();
  const step = search.get("step") ?? undefined;
  const select = useCallback(
    (nodeId: string | undefined) =>
      setSearch(
        (params) => {
          const next = new URLSearchParams(params);
          if (nodeId === undefined) next.delete("step");
          else next.set("step", nodeId);
          return next;
        },
        { replace: true },
      ),
    [setSearch],
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
  return (
    <div className="page page-wide instance-page">
      <InstanceHead instance={instance} history={live.history} connection={live.connection} terminal={terminal} now={now} />
      <InstanceActions instance={instance} states={live.states} definition={live.definition} />
      {instance.error ? (
        <div className="error-box" role="alert" aria-label="Run error">
          <strong>{instance.error.name}</strong>: {instance.error.message}
        </div>
      ) : null}

      <DrawingPanel live={live} version={instance.version} terminal={terminal} extras={extras} selected={step} onSelect={select} />
      {step ? (
        <StepInspector
          instanceId={instance.instanceId}
          nodeId={step}
          history={live.history}
          state={live.states[step]}
          plan={plan}
          now={now}
          onClose={() => select(undefined)}
        />
      ) : null}

      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {timeline.bars.length ? (
          <Timeline model={timeline} running={!terminal} onSelectStep={select} />
        ) : (
          <p className="muted">No step has started yet. Bars appear here as steps, retries, timers and waits happen.</p>
        )}
      </section>

      <InstanceData instance={instance} terminal={terminal} />

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">
          History <span className="muted small">({live.history.length} events)</span>
        </h2>
        <HistoryTable events={live.history} origin={instance.createdAt} />
      </section>
    </div>
  );
}
