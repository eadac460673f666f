import { useQuery } from "@tanstack/react-query";
import type { WorkflowDetail } from "@weft/client";
import { hasErrors } from "@weft/definition";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import { catalogQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Canvas } from "./Canvas";
import { DesignerStoreProvider, useDesigner } from "./DesignerStoreContext";
import { DesignerToolbar } from "./DesignerToolbar";
import { Inspector } from "./Inspector";
import { Palette } from "./Palette";
import { ProblemsPanel } from "./ProblemsPanel";
import { RunDialog } from "./RunDialog";
import { ShortcutsDialog } from "./ShortcutsDialog";
import type { DesignerStore } from "./store";
import { useAutosave } from "./useAutosave";
import { exportJson, useAutoLayout, useDesignerShortcuts, usePublish } from "./useDesignerCommands";
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

function Workspace({ store, workflowId, detail, viewingVersion }: DesignerWorkspaceProps) {
  const client = useWeftClient();
  const readOnly = viewingVersion !== undefined;
  const activitiesQuery = useQuery(catalogQueries.activities(client));
  const activities = useMemo(() => activitiesQuery.data ?? [], [activitiesQuery.data]);
  const problems = useValidation(activitiesQuery.data);
  const { nodeProblems, edgeProblems } = useMemo(() => groupProblems(problems), [problems]);
  const activityMap = useMemo(() => new Map(activities.map((a) => [a.name, a])), [activities]);
  const decorations = useMemo(() => ({ nodeProblems, edgeProblems, activities: activityMap }), [nodeProblems, edgeProblems, activityMap]);
  const { state: saveState, flush } = useAutosave(store, workflowId, !readOnly);
  const name = useDesigner((s) => (typeof s.meta.name === "string" ? s.meta.name : workflowId));
  const [problemsOpen, setProblemsOpen] = useState(true);
  const [runOpen, setRunOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  const latest = detail.latestVersion;
  const layout = useAutoLayout(store);
  const publish = usePublish(workflowId, flush);
  useDesignerShortcuts(store, layout, openHelp);

  return (
    <CanvasDecorationsContext.Provider value={decorations}>
      <div className={readOnly ? "designer read-only" : "designer"}>
        <DesignerToolbar
          workflowId={workflowId}
          name={name}
          viewingVersion={viewingVersion}
          saveState={saveState}
          latest={latest}
          blocking={hasErrors(problems)}
          publish={publish}
          layout={layout}
          onVersions={() => setVersionsOpen(true)}
          onExport={() => exportJson(store, workflowId, viewingVersion)}
          onHelp={openHelp}
          onRun={() => setRunOpen(true)}
        />
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
