import type { UseMutationResult } from "@tanstack/react-query";
import { Link } from "react-router";
import { Tooltip } from "../ui/Tooltip";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { RestoreVersion } from "./RestoreVersion";
import type { SaveState } from "./useAutosave";

export interface DesignerToolbarProps {
  workflowId: string;
  name: string;
  /** Set when a published version is open (read-only). */
  viewingVersion: number | undefined;
  saveState: SaveState;
  latest: number | null;
  /** Errors in the Problems panel: publishing waits for them to be fixed. */
  blocking: boolean;
  publish: Pick<UseMutationResult<unknown, Error, void>, "isPending" | "mutate">;
  layout(): Promise<void>;
  onVersions(): void;
  onExport(): void;
  onHelp(): void;
  onRun(): void;
}

/** The designer's title, save state and commands (undo, layout, versions, export, run, publish). */
export function DesignerToolbar({
  workflowId,
  name,
  viewingVersion,
  saveState,
  latest,
  blocking,
  publish,
  layout,
  onVersions,
  onExport,
  onHelp,
  onRun,
}: DesignerToolbarProps) {
  const store = useDesignerStore();
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const readOnly = viewingVersion !== undefined;
  const base = `/workflows/${encodeURIComponent(workflowId)}`;
  return (
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
          <>
            <RestoreVersion workflowId={workflowId} version={viewingVersion} />
            <Link className="btn" to={base}>
              Back to the draft
            </Link>
          </>
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
        <button type="button" className="btn" onClick={onVersions}>
          Versions
        </button>
        <button type="button" className="btn" onClick={onExport}>
          Export JSON
        </button>
        <button
          type="button"
          className="btn btn-ghost icon-btn"
          onClick={onHelp}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
        {!readOnly ? (
          <>
            <Tooltip content={latest ? `Starts version ${latest}` : "Publish first: runs start a published version"}>
              <span tabIndex={latest ? -1 : 0}>
                <button type="button" className="btn" disabled={!latest} onClick={onRun}>
                  ▶ Run
                </button>
              </span>
            </Tooltip>
            <Tooltip
              content={blocking ? "Fix the errors in the Problems panel first" : "Validate and freeze the draft as the next version"}
            >
              <span tabIndex={blocking ? 0 : -1}>
                <button type="button" className="btn btn-primary" disabled={blocking || publish.isPending} onClick={() => publish.mutate()}>
                  {publish.isPending ? "Publishing…" : "Publish"}
                </button>
              </span>
            </Tooltip>
          </>
        ) : null}
      </div>
    </div>
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
