import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useQuery } from "@tanstack/react-query";
import type { WorkflowDefinition } from "@weft/definition";
import { useMemo, useRef, useState } from "react";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { EmptyState } from "../ui/EmptyState";
import { ImportConflictDialog } from "./ImportConflictDialog";
import { NewWorkflowDialog } from "./NewWorkflowDialog";
import { blankDefinition, TEMPLATES } from "./templates";
import { useImportWorkflow } from "./useImportWorkflow";
import { WorkflowsTable } from "./WorkflowsTable";

type Source = { definition: WorkflowDefinition; label: string } | undefined;

/** `/`: every workflow as a link named by its name, with New, templates and Import JSON. */
export function WorkflowsHome() {
  const client = useWeftClient();
  const workflows = useQuery(workflowQueries.list(client));
  const takenIds = useMemo(() => new Set((workflows.data ?? []).map((w) => w.id)), [workflows.data]);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [source, setSource] = useState<Source>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);
  const { onFile, conflict, setConflict, importDraft } = useImportWorkflow(takenIds);

  const openNew = (from: Source) => {
    setSource(from);
    setDialogOpen(true);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => openNew(undefined)}>
            New workflow
          </button>
          <DropdownMenu.Root>
            <DropdownMenu.Trigger className="btn">New from template ▾</DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content className="menu" sideOffset={4} align="end">
                {TEMPLATES.map((t) => (
                  <DropdownMenu.Item
                    key={t.key}
                    className="menu-item"
                    onSelect={() => openNew({ definition: t.definition, label: t.title })}
                  >
                    <span className="menu-item-title">{t.title}</span>
                    <span className="menu-item-hint">{t.description}</span>
                  </DropdownMenu.Item>
                ))}
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
          <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
            Import JSON
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="sr-only"
            aria-label="Import a workflow JSON file"
            tabIndex={-1}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void onFile(file);
            }}
          />
        </div>
      </div>

      {workflows.isPending ? (
        <p className="muted">Loading workflows…</p>
      ) : workflows.isError ? (
        <EmptyState
          title="The workflows could not be loaded"
          actions={
            <button className="btn" onClick={() => void workflows.refetch()}>
              Try again
            </button>
          }
        >
          {workflows.error.message}. Is the server running (<code>npm start</code>)?
        </EmptyState>
      ) : workflows.data.length === 0 ? (
        <EmptyState
          title="No workflows yet"
          actions={
            <>
              <button type="button" className="btn btn-primary" onClick={() => openNew(undefined)}>
                Draw a new workflow
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => openNew({ definition: TEMPLATES[0]!.definition, label: TEMPLATES[0]!.title })}
              >
                Start from the video pipeline
              </button>
            </>
          }
        >
          Draw one on the canvas, start from a template, or import a definition you exported.
        </EmptyState>
      ) : (
        <WorkflowsTable workflows={workflows.data} />
      )}

      <NewWorkflowDialog
        open={dialogOpen}
        onOpenChange={setDialogOpen}
        from={source}
        takenIds={takenIds}
        build={(id, name) => (source ? { ...structuredClone(source.definition), id, name } : blankDefinition(id, name))}
      />
      <ImportConflictDialog conflict={conflict} setConflict={setConflict} takenIds={takenIds} importDraft={importDraft} />
    </div>
  );
}
