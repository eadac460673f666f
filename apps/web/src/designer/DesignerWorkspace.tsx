import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { WorkflowDetail } from "@weft/client";
import { hasErrors } from "@weft/definition";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { catalogQueries, queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useToast } from "../ui/toast";
import { Tooltip } from "../ui/Tooltip";
import { Canvas } from "./Canvas";
import { DesignerStoreProvider, useDesigner } from "./DesignerStoreContext";
import { Inspector } from "./Inspector";
import { autoLayout } from "./layout";
import { FIT_PADDING } from "./geometry";
import type { WeftEdge, WeftNode } from "./mapping";
import { Palette } from "./Palette";
import { ProblemsPanel } from "./ProblemsPanel";
import { RunDialog } from "./RunDialog";
import { ShortcutsDialog } from "./ShortcutsDialog";
import type { DesignerStore } from "./store";
import { useAutosave, type SaveState } from "./useAutosave";
import { groupProblems, useValidation } from "./useValidation";
import { CanvasDecorationsContext } from "./view-context";
import { VersionsDialog } from "./VersionsDialog";

export interface DesignerWorkspaceProps {
  store: DesignerStore;
  workflowId: string;
  detail: WorkflowDetail;
  /** Set when a published version is open (read-only). */
  viewingVersion?: number;
}

export function DesignerWorkspace(props: DesignerWorkspaceProps) {
  return (
    <ReactFlowProvider>
      <DesignerStoreProvider store={props.store}>
        <Workspace {...props} />
      </DesignerStoreProvider>
    </ReactFlowProvider>
  );
}

function canvasAspect(): number | undefined {
  const pane = document.querySelector(".canvas")?.getBoundingClientRect();
  return pane && pane.height > 250 ? Math.max(0.8, Math.min(3, (pane.width - 100) / (pane.height - 190))) : undefined;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

function Workspace({ store, workflowId, detail, viewingVersion }: DesignerWorkspaceProps) {
  const client = useWeftClient();
  const toast = useToast();
  const queryClient = useQueryClient();

  const flow = useReactFlow<WeftNode, WeftEdge>();
  const readOnly = viewingVersion !== undefined;
  const activitiesQuery = useQuery(catalogQueries.activities(client));
  const activities = useMemo(() => activitiesQuery.data ?? [], [activitiesQuery.data]);
  const problems = useValidation(activitiesQuery.data);
  const { nodeProblems, edgeProblems } = useMemo(() => groupProblems(problems), [problems]);
  const activityMap = useMemo(() => new Map(activities.map((a) => [a.name, a])), [activities]);
  const decorations = useMemo(() => ({ nodeProblems, edgeProblems, activities: activityMap }), [nodeProblems, edgeProblems, activityMap]);
  const { state: saveState, flush } = useAutosave(store, workflowId, !readOnly);
  const name = useDesigner((s) => (typeof s.meta.name === "string" ? s.meta.name : workflowId));
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const [problemsOpen, setProblemsOpen] = useState(true);
  const [runOpen, setRunOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const blocking = hasErrors(problems);
  const latest = detail.latestVersion;

  const layout = useCallback(async () => {
    const s = store.getState();
    const positions = await autoLayout(
      s.nodes.map((n) => {
        const internal = flow.getInternalNode(n.id);
        return internal?.measured.width ? { ...n, measured: { width: internal.measured.width, height: internal.measured.height ?? 0 } } : n;
      }),
      s.edges,
      { aspectRatio: canvasAspect() },
    );
    store.getState().setPositions(positions);
    requestAnimationFrame(() => void flow.fitView({ padding: FIT_PADDING, duration: 300, maxZoom: 1.1 }));
  }, [flow, store]);

  const publish = useMutation({
    mutationFn: async () => {
      await flush();
      return client.workflows.publish(workflowId);
    },
    onSuccess: async ({ version }) => {
      toast.show({
        tone: "success",
        title: `Published version ${version}`,
        description: "New runs start on it; running instances stay on theirs.",
      });
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflow(workflowId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
    },
  });

  const exportJson = useCallback(() => {
    const definition = store.getState().toDefinition();
    const blob = new Blob([`${JSON.stringify(definition, null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${workflowId}${viewingVersion ? `-v${viewingVersion}` : ""}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }, [store, workflowId, viewingVersion]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || document.querySelector("[role=dialog]")) return;
      const mod = e.ctrlKey || e.metaKey;
      const s = store.getState();
      const key = e.key.toLowerCase();
      if (mod && key === "z") {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && key === "y") {
        e.preventDefault();
        s.redo();
      } else if (mod && key === "c") s.copySelection();
      else if (mod && key === "v") {
        e.preventDefault();
        s.paste();
      } else if (!mod && e.key === "?") setHelpOpen(true);
      else if (!mod && e.shiftKey && key === "l" && !s.readOnly) void layout();
      else if (!mod && e.shiftKey && key === "f") void flow.fitView({ padding: FIT_PADDING, duration: 300 });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [flow, layout, store]);

  const base = `/workflows/${encodeURIComponent(workflowId)}`;

  return (
    <CanvasDecorationsContext.Provider value={decorations}>
      <div className={readOnly ? "designer read-only" : "designer"}>
        <div className="designer-toolbar" role="toolbar" aria-label="Designer">
          <div className="toolbar-title">
            <Link to="/" className="crumb">
              Workflows
            </Link>
            <span aria-hidden="true" className="crumb-sep">
              /
            </span>
            <h1 className="designer-name" title={name}>
              {name}
            </h1>
            {readOnly ? <span className="pill pill-readonly">Version {viewingVersion} · read-only</span> : <SaveStatus state={saveState} />}
            {latest ? (
              <span className="pill" aria-label={`Latest published version ${latest}`}>
                Published v{latest}
              </span>
            ) : (
              <span className="pill pill-muted">Not published</span>
            )}
          </div>
          <div className="toolbar-actions">
            {readOnly ? (
              <Link className="btn" to={base}>
                Back to the draft
              </Link>
            ) : (
              <>
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() => store.getState().undo()}
                  disabled={!canUndo}
                  aria-label="Undo"
                  title="Undo (Ctrl+Z)"
                >
                  ↶ Undo
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() => store.getState().redo()}
                  disabled={!canRedo}
                  aria-label="Redo"
                  title="Redo (Ctrl+Shift+Z)"
                >
                  ↷ Redo
                </button>
                <button type="button" className="btn" onClick={() => void layout()} title="Auto-layout, left to right (Shift+L)">
                  Auto-layout
                </button>
              </>
            )}
            <button type="button" className="btn" onClick={() => setVersionsOpen(true)}>
              Versions
            </button>
            <button type="button" className="btn" onClick={exportJson}>
              Export JSON
            </button>
            <button
              type="button"
              className="btn btn-ghost icon-btn"
              onClick={() => setHelpOpen(true)}
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
            >
              ?
            </button>
            {!readOnly ? (
              <>
                <Tooltip content={latest ? `Starts version ${latest}` : "Publish first: runs start a published version"}>
                  <span tabIndex={latest ? -1 : 0}>
                    <button type="button" className="btn" disabled={!latest} onClick={() => setRunOpen(true)}>
                      ▶ Run
                    </button>
                  </span>
                </Tooltip>
                <Tooltip
                  content={blocking ? "Fix the errors in the Problems panel first" : "Validate and freeze the draft as the next version"}
                >
                  <span tabIndex={blocking ? 0 : -1}>
                    <button
                      type="button"
                      className="btn btn-primary"
                      disabled={blocking || publish.isPending}
                      onClick={() => publish.mutate()}
                    >
                      {publish.isPending ? "Publishing…" : "Publish"}
                    </button>
                  </span>
                </Tooltip>
              </>
            ) : null}
          </div>
        </div>
        <div className="designer-body">
          {!readOnly ? <Palette activities={activities} loading={activitiesQuery.isPending} /> : null}
          <div className="designer-center">
            <Canvas
              label={readOnly ? `Version ${viewingVersion} of ${name}` : `Canvas of ${name}`}
              emptyHint={
                <>
                  <strong>An empty canvas.</strong>
                  <span>
                    Drag <em>Start</em> from the palette, then activities, and connect them from the right-hand handle of one node to the
                    next.
                  </span>
                </>
              }
            />
            <ProblemsPanel problems={problems} open={problemsOpen} onToggle={() => setProblemsOpen((o) => !o)} />
          </div>
          <Inspector activities={activities} problems={problems} />
        </div>
      </div>
      {latest ? <RunDialog open={runOpen} onOpenChange={setRunOpen} workflowId={workflowId} version={latest} /> : null}
      <VersionsDialog open={versionsOpen} onOpenChange={setVersionsOpen} workflowId={workflowId} versions={detail.versions} />
      <ShortcutsDialog open={helpOpen} onOpenChange={setHelpOpen} />
    </CanvasDecorationsContext.Provider>
  );
}

function SaveStatus({ state }: { state: SaveState }) {
  const text =
    state.status === "saved"
      ? "Saved"
      : state.status === "saving"
        ? "Saving…"
        : state.status === "pending"
          ? "Unsaved changes"
          : `Not saved: ${state.message}`;
  return (
    <span role="status" aria-live="polite" className={`save-status save-${state.status}`} title={text}>
      {text}
    </span>
  );
}
