import type { WorkflowDraft } from "@weft/client";
import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useMemo } from "react";
import { Link } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { EmptyState } from "../ui/EmptyState";
import { Canvas } from "./Canvas";
import { DesignerStoreProvider } from "./DesignerStoreContext";
import { diffDefinitions, type ItemDiff } from "./diff";
import { createDesignerStore } from "./store";
import { CanvasDecorationsContext, EMPTY_DECORATIONS } from "./view-context";

const sideName = (side: string) => (side === "draft" ? "the draft" : `version ${side}`);

/** Two versions side by side on the canvas: removed and changed on the left, added and changed on the right. */
export function CompareView({ workflowId, from, to }: { workflowId: string; from: string; to: string }) {
  const a = useSideDefinition(workflowId, from);
  const b = useSideDefinition(workflowId, to);
  const before = a.data;
  const after = b.data;
  const diff = useMemo(() => (before && after ? diffDefinitions(before, after) : undefined), [before, after]);
  const stores = useMemo(
    () =>
      before && after
        ? ([createDesignerStore(before, { readOnly: true }), createDesignerStore(after, { readOnly: true })] as const)
        : undefined,
    [before, after],
  );
  const base = `/workflows/${encodeURIComponent(workflowId)}`;
  if (a.error || b.error) {
    return (
      <div className="page">
        <EmptyState
          title="These versions could not be compared"
          actions={
            <Link className="btn btn-primary" to={base}>
              Back to the draft
            </Link>
          }
        >
          {(a.error ?? b.error)?.message}
        </EmptyState>
      </div>
    );
  }
  if (!diff || !stores)
    return (
      <p className="page muted">
        Loading {sideName(from)} and {sideName(to)}…
      </p>
    );

  const pick = (map: ReadonlyMap<string, ItemDiff>, keep: (d: ItemDiff) => boolean) => new Map([...map].filter(([, d]) => keep(d)));
  const left = {
    ...EMPTY_DECORATIONS,
    nodeDiff: pick(diff.nodes, (d) => d.status !== "added"),
    edgeDiff: pick(diff.edges, (d) => d.status !== "added"),
  };
  const right = {
    ...EMPTY_DECORATIONS,
    nodeDiff: pick(diff.nodes, (d) => d.status !== "removed"),
    edgeDiff: pick(diff.edges, (d) => d.status !== "removed"),
  };

  return (
    <div className="compare">
      <div className="designer-toolbar" role="toolbar" aria-label="Compare">
        <div className="toolbar-title">
          <Link to={base} className="crumb">
            {workflowId}
          </Link>
          <span aria-hidden="true" className="crumb-sep">
            /
          </span>
          <h1 className="designer-name">
            Compare {sideName(from)} with {sideName(to)}
          </h1>
        </div>
        <ChangeSummary diff={diff} />
        <div className="toolbar-actions">
          <Link className="btn" to={base}>
            Back to the draft
          </Link>
        </div>
      </div>
      <div className="compare-panes">
        {[
          { store: stores[0], side: from, decorations: left },
          { store: stores[1], side: to, decorations: right },
        ].map(({ store, side, decorations }) => (
          <section key={side} className="compare-pane" aria-label={`${sideName(side)}`}>
            <h2 className="compare-pane-title">{sideName(side).replace(/^./, (c) => c.toUpperCase())}</h2>
            <ReactFlowProvider>
              <DesignerStoreProvider store={store}>
                <CanvasDecorationsContext.Provider value={decorations}>
                  <Canvas label={`Canvas of ${sideName(side)}`} compact />
                </CanvasDecorationsContext.Provider>
              </DesignerStoreProvider>
            </ReactFlowProvider>
          </section>
        ))}
      </div>
      <ChangeList diff={diff} />
    </div>
  );
}

/** One side of the comparison: the draft, or a published version. */
function useSideDefinition(workflowId: string, side: string): { data: WorkflowDraft | undefined; error: Error | null } {
  const client = useWeftClient();
  const isDraft = side === "draft";
  const detail = useQuery({ ...workflowQueries.detail(client, workflowId), enabled: isDraft });
  const version = useQuery({ ...workflowQueries.version(client, workflowId, Number(side)), enabled: !isDraft });
  return isDraft
    ? { data: detail.data?.kind === "drawn" ? detail.data.draft : undefined, error: detail.error }
    : { data: version.data, error: version.error };
}

type Diff = ReturnType<typeof diffDefinitions>;

/** How many nodes and edges were added, removed and changed, and which workflow settings. */
function ChangeSummary({ diff }: { diff: Diff }) {
  const count = (status: ItemDiff["status"]) => [...diff.nodes.values()].filter((d) => d.status === status).length;
  const edgeCount = (status: ItemDiff["status"]) => [...diff.edges.values()].filter((d) => d.status === status).length;
  return (
    <div className="compare-legend" aria-label="Summary of changes">
      <span className="legend legend-added">{count("added")} nodes added</span>
      <span className="legend legend-removed">{count("removed")} removed</span>
      <span className="legend legend-changed">{count("changed")} changed</span>
      <span className="legend">
        edges +{edgeCount("added")} −{edgeCount("removed")} ~{edgeCount("changed")}
      </span>
      {diff.document.length ? <span className="legend legend-changed">workflow settings: {diff.document.join(", ")}</span> : null}
    </div>
  );
}

/** A setting's value in the change list: short JSON, "not set" when absent. */
function shown(value: unknown): string {
  if (value === undefined) return "not set";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** The settings a change touched, each with its value before and after (moves are said as such). */
function ChangedValues({ diff }: { diff: ItemDiff }) {
  const values = (diff.values ?? []).filter((v) => v.key !== "position");
  return (
    <>
      {diff.keys.includes("position") ? " (moved)" : ""}
      {values.length ? (
        <dl className="change-values">
          {values.map((v) => (
            <div key={v.key}>
              <dt>{v.key}</dt>
              <dd>
                <code className="before">{shown(v.before)}</code> → <code className="after">{shown(v.after)}</code>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </>
  );
}

/** Every change by id, below the canvases. */
function ChangeList({ diff }: { diff: Diff }) {
  return diff.nodes.size === 0 && diff.edges.size === 0 ? (
    <p className="compare-same">The drawings are the same{diff.document.length ? ` (only ${diff.document.join(", ")} changed)` : ""}.</p>
  ) : (
    <ul className="compare-changes" aria-label="Changes">
      {[...diff.nodes].map(([id, d]) => (
        <li key={`n-${id}`} className={`change change-${d.status}`}>
          node <code>{id}</code> {d.status}
          <ChangedValues diff={d} />
        </li>
      ))}
      {[...diff.edges].map(([id, d]) => (
        <li key={`e-${id}`} className={`change change-${d.status}`}>
          edge <code>{id}</code> {d.status}
          <ChangedValues diff={d} />
        </li>
      ))}
    </ul>
  );
}
