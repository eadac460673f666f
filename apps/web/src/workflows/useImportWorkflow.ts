import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { WorkflowDefinition } from "@weft/definition";
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
  const [conflict, setConflict] = useState<WorkflowDefinition | undefined>(undefined);
  const importDraft = useMutation({
    mutationFn: (definition: WorkflowDefinition) => client.workflows.saveDraft(definition.id, definition),
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
  return { onFile, conflict, setConflict, importDraft };
}
