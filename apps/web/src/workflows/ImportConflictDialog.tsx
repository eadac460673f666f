import type { WorkflowDraft } from "@weft/client";
import { Dialog } from "../ui/Dialog";
import { uniqueId } from "./NewWorkflowDialog";

/** An imported file names an id that exists: replace that draft, or import the file under a fresh id. */
export function ImportConflictDialog({
  conflict,
  setConflict,
  takenIds,
  importDraft,
}: {
  conflict: WorkflowDraft | undefined;
  setConflict(conflict: WorkflowDraft | undefined): void;
  takenIds: ReadonlySet<string>;
  importDraft: { mutate(definition: WorkflowDraft): void };
}) {
  return (
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
  );
}
