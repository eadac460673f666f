import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { WorkflowDefinition } from "@weft/definition";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { slugify } from "../ui/format";

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface NewWorkflowDialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  /** The definition to start from (a template or an import); blank when absent. */
  from?: { definition: WorkflowDefinition; label: string } | undefined;
  takenIds: ReadonlySet<string>;
  build(id: string, name: string): WorkflowDefinition;
}

export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const root = slugify(base).slice(0, 58);
  if (!taken.has(root)) return root;
  for (let i = 2; ; i++) if (!taken.has(`${root}-${i}`)) return `${root}-${i}`;
}

/** Asks for a name (and id), saves the first draft, and opens it in the designer. */
export function NewWorkflowDialog({ open, onOpenChange, from, takenIds, build }: NewWorkflowDialogProps) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [id, setId] = useState("");
  const [idTouched, setIdTouched] = useState(false);

  useEffect(() => {
    if (!open) return;
    const initialName = from ? from.definition.name : "";
    setName(initialName);
    setId(initialName ? uniqueId(from?.definition.id ?? initialName, takenIds) : "");
    setIdTouched(false);
  }, [open, from, takenIds]);

  const create = useMutation({
    mutationFn: (definition: WorkflowDefinition) => client.workflows.saveDraft(definition.id, definition),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflows });
      onOpenChange(false);
      void navigate(`/workflows/${encodeURIComponent(saved.id)}`);
    },
  });

  const idError = !id
    ? "Give the workflow an id."
    : !ID_PATTERN.test(id)
      ? "Lower-case letters, digits and dashes only."
      : takenIds.has(id)
        ? "A workflow with this id exists."
        : undefined;
  const canCreate = name.trim() !== "" && !idError && !create.isPending;

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={from ? `New workflow from ${from.label}` : "New workflow"}
      description="Name it; the id is how the API and other workflows refer to it."
      footer={
        <>
          <button type="button" className="btn" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="submit" form="new-workflow-form" className="btn btn-primary" disabled={!canCreate}>
            Create
          </button>
        </>
      }
    >
      <form
        id="new-workflow-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (canCreate) create.mutate(build(id, name.trim()));
        }}
      >
        <div className="field">
          <label htmlFor="new-wf-name">Name</label>
          <input
            id="new-wf-name"
            autoFocus
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!idTouched) setId(e.target.value ? uniqueId(e.target.value, takenIds) : "");
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="new-wf-id">Id</label>
          <input
            id="new-wf-id"
            className="code"
            value={id}
            aria-invalid={idError ? true : undefined}
            aria-describedby="new-wf-id-hint"
            onChange={(e) => {
              setIdTouched(true);
              setId(e.target.value);
            }}
          />
          <span id="new-wf-id-hint" className={idError && (idTouched || name) ? "field-error" : "field-hint"}>
            {idError && (idTouched || name) ? idError : "Used in URLs: /api/workflows/<id>."}
          </span>
        </div>
      </form>
    </Dialog>
  );
}
