import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { useDesignerStore } from "./DesignerStoreContext";

/**
 * "Restore as draft" on a published version: its drawing replaces the draft (after asking,
 * since the draft's changes are then gone), and the designer opens it, ready to edit and
 * publish as a new version. Published versions never change.
 */
export function RestoreVersion({ workflowId, version }: { workflowId: string; version: number }) {
  const client = useWeftClient();
  const store = useDesignerStore();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const restore = useMutation({
    mutationFn: () => client.workflows.saveDraft(workflowId, store.getState().toDefinition()),
    meta: { silent: true },
    onSuccess: async () => {
      setAsking(false);
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflow(workflowId) });
      void navigate(`/workflows/${encodeURIComponent(workflowId)}`);
    },
  });
  return (
    <>
      <button type="button" className="btn" onClick={() => setAsking(true)}>
        Restore as draft
      </button>
      <Dialog
        open={asking}
        onOpenChange={setAsking}
        title={`Restore version ${version} as the draft?`}
        description="The draft is replaced by this version's drawing; changes made to the draft since are lost. Publishing it makes a new version."
        footer={
          <>
            <button type="button" className="btn" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={restore.isPending} onClick={() => restore.mutate()}>
              Restore
            </button>
          </>
        }
      >
        {restore.error ? (
          <p className="field-error" role="alert">
            {restore.error.message}
          </p>
        ) : null}
      </Dialog>
    </>
  );
}
