import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { WorkflowDraft } from "@weft/client";
import { documentFieldsSchema } from "@weft/definition";
import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useToast } from "../ui/toast";

/**
 * Import JSON: a file that is a workflow becomes a draft and opens in the designer; one whose
 * id is taken waits in `conflict` for the person to replace that draft or import a copy.
 */
export function useImportWorkflow(takenIds: ReadonlySet<string>) {
  const client = useWeftClient();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState<WorkflowDraft | undefined>(undefined);
  const importDraft = useMutation({
    mutationFn: (definition: WorkflowDraft) => client.workflows.saveDraft(definition.id, definition),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflows });
      toast.show({ tone: "success", title: `Imported ${saved.draft.name}` });
      void navigate(`/workflows/${encodeURIComponent(saved.id)}`);
    },
  });

  const onFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      toast.error(error, `${file.name} is not JSON`);
      return;
    }
    // The document must hold together (the server checks the same); its nodes may be half done.
    const checked = documentFieldsSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      toast.show({
        tone: "error",
        title: `${file.name} is not a workflow`,
        description: `A workflow definition has an id, a name, nodes and edges. ${where}${issue?.message ?? ""}`.trim(),
      });
      return;
    }
    // The file as written, not zod's copy: key order and unknown fields round-trip through export.
    const definition = parsed as WorkflowDraft; // checked just above
    if (takenIds.has(definition.id)) setConflict(definition);
    else importDraft.mutate(definition);
  };
  return { onFile, conflict, setConflict, importDraft };
}
