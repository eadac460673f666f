import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { HistoryEvent } from "@weft/client";
import { compile, type Plan } from "@weft/definition";
import { useEffect, useMemo, useState } from "react";
import { instanceQueries, queryKeys, workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { followInstance, type ConnectionState } from "./instance-stream";
import { useNodeStates } from "./useNodeStates";

export type { ConnectionState } from "./instance-stream";

/** The instance's history as the stream keeps it in the query cache, and the stream's connection state. */
function useInstanceHistory(instanceId: string): { history: HistoryEvent[]; connection: ConnectionState } {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const historyKey = queryKeys.history(instanceId);
  const history = useQuery({
    queryKey: historyKey,
    queryFn: () => queryClient.getQueryData<HistoryEvent[]>(historyKey) ?? [],
    initialData: (): HistoryEvent[] => [],
    staleTime: Infinity,
  }).data;
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  useEffect(() => followInstance({ client, queryClient, instanceId, onConnection: setConnection }), [client, queryClient, instanceId]);
  return { history, connection };
}

/** The published version an instance runs, and its compiled plan (or why it does not compile). */
function useInstancePlan(workflowId: string | undefined, version: number | undefined) {
  const client = useWeftClient();
  const definition = useQuery({
    ...workflowQueries.version(client, workflowId ?? "", version ?? 0),
    enabled: Boolean(workflowId && version),
    meta: { silent: true },
  });
  const compiled = useMemo<{ plan?: Plan; error?: string }>(() => {
    if (!definition.data || !version) return {};
    try {
      return { plan: compile(definition.data, { version }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [definition.data, version]);
  return {
    definition: definition.data,
    plan: compiled.plan,
    planError: compiled.error ?? (definition.isError ? definition.error.message : undefined),
  };
}

/**
 * One instance, live: its detail (TanStack Query), its history in the query cache fed by
 * the per-instance SSE stream (resumed after the last seq on a dropped connection), the
 * published version's plan, and each node's state from `NodeStateTracker`.
 */
export function useInstanceLive(instanceId: string) {
  const client = useWeftClient();
  const detail = useQuery({ ...instanceQueries.detail(client, instanceId), meta: { silent: true } });
  const { history, connection } = useInstanceHistory(instanceId);
  const { definition, plan, planError } = useInstancePlan(detail.data?.workflowId, detail.data?.version ?? undefined);
  const { states, trackerError } = useNodeStates(plan, history, instanceId);
  return { detail, history, connection, definition, plan, planError, states, trackerError };
}
