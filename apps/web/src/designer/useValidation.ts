import { useQuery } from "@tanstack/react-query";
import type { ActivityInfo } from "@weft/client";
import { validate, type Problem, type ValidationCatalog } from "@weft/definition";
import { useMemo } from "react";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";

/** The same `validate` the server runs, on every edit (keyed on the store's revision, not on drags). */
export function useValidation(activities: readonly ActivityInfo[] | undefined): Problem[] {
  const client = useWeftClient();
  const store = useDesignerStore();
  const revision = useDesigner((s) => s.revision);
  const workflows = useQuery(workflowQueries.list(client));
  const catalog = useMemo<ValidationCatalog>(
    () => ({
      ...(activities
        ? {
            activities: activities.map((a) => a.name),
            requiredInputs: Object.fromEntries(activities.map((a) => [a.name, a.inputSchema.required ?? []])),
          }
        : {}),
      ...(workflows.data ? { workflows: workflows.data.map((w) => w.id) } : {}),
    }),
    [activities, workflows.data],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => validate(store.getState().toDefinition(), catalog), [revision, catalog, store]);
}

export function groupProblems(problems: readonly Problem[]) {
  const nodeProblems = new Map<string, Problem[]>();
  const edgeProblems = new Map<string, Problem[]>();
  for (const p of problems) {
    if (p.nodeId) nodeProblems.set(p.nodeId, [...(nodeProblems.get(p.nodeId) ?? []), p]);
    if (p.edgeId) edgeProblems.set(p.edgeId, [...(edgeProblems.get(p.edgeId) ?? []), p]);
  }
  return { nodeProblems, edgeProblems };
}
