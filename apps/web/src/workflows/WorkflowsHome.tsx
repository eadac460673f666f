import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { WorkflowDefinition } from "@weft/definition";
import { useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { queryKeys, workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { EmptyState } from "../ui/EmptyState";
import { describeTrigger, timeAgo } from "../ui/format";
import { useToast } from "../ui/toast";
import { CodeBadge } from "./CodeWorkflowPage";
import { NewWorkflowDialog, uniqueId } from "./NewWorkflowDialog";
import { blankDefinition, TEMPLATES } from "./templates";

type Source = { definition: WorkflowDefinition; label: string } | undefined;

/** `/`: every workflow as a link named by its name, with New, templates and Import JSON. */
export function WorkflowsHome() {
  const client = useWeftClient();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const workflows = useQuery(workflowQueries.list(client));
  const takenIds = useMemo(() => new Set((workflows.data ?? []).map((w) => w.id)), [workflows.data]);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [source, setSource] = useState<Source>(undefined);
  const [conflict, setConflict] = useState<WorkflowDefinition | undefined>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);

  const importDraft = useMutation({
    mutationFn: (definition: WorkflowDefinition) => client.workflows.saveDraft(definition.id, definition),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflows });
      toast.show({ tone: "success", title: `Imported ${saved.draft.name}` });
      void navigate(`/workflows/${encodeURIComponent(saved.id)}`);
    },
  });

  const openNew = (from: Source) => {
    setSource(from);
    setDialogOpen(true);
  };

  const onFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      toast.error(error, `${file.name} is not JSON`);
      return;
    }
    const definition = parsed as WorkflowDefinition;
    if (typeof parsed !== "object" || parsed === null || typeof definition.id !== "string" || !Array.isArray(definition.nodes)) {
      toast.show({
        tone: "error",
        title: `${file.name} is not a workflow`,
        description: "A workflow definition has an id, a name, nodes and edges.",
      });
      return;
    }
    if (takenIds.has(definition.id)) setConflict(definition);
    else importDraft.mutate(definition);
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
        <table className="table" aria-label="Workflows">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest version</th>
              <th scope="col">Trigger</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {workflows.data.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link to={`/workflows/${encodeURIComponent(w.id)}`} className="wf-link">
                    {w.name}
                  </Link>
                  {w.kind === "code" ? <CodeBadge /> : null}
                  <div className="muted wf-id">{w.id}</div>
                </td>
                <td>
                  {w.kind === "code" ? (
                    <span className="muted">runs as coded</span>
                  ) : w.latestVersion ? (
                    <span className="pill">v{w.latestVersion}</span>
                  ) : (
                    <span className="muted">draft only</span>
                  )}
                </td>
                <td>{describeTrigger(w.trigger)}</td>
                <td title={w.updatedAt}>{timeAgo(w.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <NewWorkflowDialog
        open={dialogOpen}
        onOpenChange={setDialogOpen}
        from={source}
        takenIds={takenIds}
        build={(id, name) => (source ? { ...structuredClone(source.definition), id, name } : blankDefinition(id, name))}
      />
      <Dialog
        open={conflict !== undefined}
        onOpenChange={(open) => !open && setConflict(undefined)}
        title={`A workflow with id ${conflict?.id ?? ""} exists`}
        description="Replace its draft with the file (its published versions stay), or import the file as a new workflow."
        footer={
          <>
            <button type="button" className="btn" onClick={() => setConflict(undefined)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                if (conflict) importDraft.mutate({ ...conflict, id: uniqueId(conflict.id, takenIds) });
                setConflict(undefined);
              }}
            >
              Import as a copy
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                if (conflict) importDraft.mutate(conflict);
                setConflict(undefined);
              }}
            >
              Replace the draft
            </button>
          </>
        }
      >
        <p className="muted">
          The file names the id <code>{conflict?.id}</code>.
        </p>
      </Dialog>
    </div>
  );
}
