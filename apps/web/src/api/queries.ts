import type { InstanceListQuery, WeftClient } from "@weft/client";
import { queryOptions } from "@tanstack/react-query";

/**
 * Query-option factories: the one place that names query keys. Use them with
 * useQuery(workflowQueries.list(client)) and invalidate with their `queryKey`s.
 */
export const queryKeys = {
  workflows: ["workflows"] as const,
  workflow: (id: string) => ["workflows", id] as const,
  workflowVersion: (id: string, version: number) => ["workflows", id, "versions", version] as const,
  activities: ["activities"] as const,
  instances: ["instances"] as const,
  instanceList: (query: InstanceListQuery) => ["instances", "list", query] as const,
  instance: (id: string) => ["instances", id] as const,
  history: (id: string) => ["instances", id, "history"] as const,
  approvals: ["approvals"] as const,
  outbox: ["outbox"] as const,
  health: ["health"] as const,
};

export const workflowQueries = {
  list: (client: WeftClient) => queryOptions({ queryKey: queryKeys.workflows, queryFn: () => client.workflows.list() }),
  detail: (client: WeftClient, id: string) => queryOptions({ queryKey: queryKeys.workflow(id), queryFn: () => client.workflows.get(id) }),
  version: (client: WeftClient, id: string, version: number) =>
    queryOptions({
      queryKey: queryKeys.workflowVersion(id, version),
      queryFn: () => client.workflows.getVersion(id, version),
      staleTime: Infinity, // published versions never change
    }),
};

export const catalogQueries = {
  activities: (client: WeftClient) =>
    queryOptions({ queryKey: queryKeys.activities, queryFn: () => client.activities(), staleTime: 5 * 60_000 }),
};

export const instanceQueries = {
  list: (client: WeftClient, query: InstanceListQuery = {}) =>
    queryOptions({ queryKey: queryKeys.instanceList(query), queryFn: () => client.instances.list(query) }),
  detail: (client: WeftClient, id: string) => queryOptions({ queryKey: queryKeys.instance(id), queryFn: () => client.instances.get(id) }),
  history: (client: WeftClient, id: string) =>
    queryOptions({ queryKey: queryKeys.history(id), queryFn: () => client.instances.history(id) }),
};

export const approvalQueries = {
  list: (client: WeftClient) => queryOptions({ queryKey: queryKeys.approvals, queryFn: () => client.approvals() }),
};

export const serviceQueries = {
  health: (client: WeftClient) => queryOptions({ queryKey: queryKeys.health, queryFn: () => client.health() }),
  outbox: (client: WeftClient) => queryOptions({ queryKey: queryKeys.outbox, queryFn: () => client.outbox() }),
};
