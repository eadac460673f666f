import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import type { InstanceListQuery, InstancePage, InstanceSummary } from "@weft/client";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { useWeftClient } from "../api/WeftClientContext";
import { EmptyState } from "../ui/EmptyState";
import { countOf } from "../ui/format";
import { BulkActions } from "./BulkActions";
import {
  applySummary,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  removeInstance,
  type PagedRuns,
  type RunFilters,
} from "./list-query";
import { RunFiltersForm } from "./RunFiltersForm";
import { RunsTable } from "./RunsTable";
import { StartRunDialog } from "./StartRunDialog";
import { useInstanceEvents, useNow } from "./useInstanceEvents";
import "./runs.css";

export const runListKey = (query: InstanceListQuery) => ["instances", "list", "paged", query] as const;

/** One page after another of the runs a query matches, kept live from `/api/stream`. */
function useRunList(query: InstanceListQuery) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const runs = useInfiniteQuery({
    queryKey: runListKey(query),
    queryFn: ({ pageParam }) => client.instances.list({ ...query, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last: InstancePage) => last.nextCursor ?? undefined,
  });

  useInstanceEvents((event) => {
    queryClient.setQueryData<PagedRuns>(runListKey(query), (old) =>
      event.kind === "purged" ? removeInstance(old, event.instanceId) : applySummary(old, event.summary, query),
    );
  });
  return runs;
}

/** Every instance, newest first: filters in the URL, cursor paging, live over `/api/stream`. */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [minute] = useState(() => Date.now());
  const query = useMemo(() => filtersToQuery(filters, minute), [params.toString(), minute]); // eslint-disable-line react-hooks/exhaustive-deps
  const [search, setSearch] = useState(filters.q);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [starting, setStarting] = useState(false);
  const now = useNow(1000);

  const runs = useRunList(query);

  const items: InstanceSummary[] = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const update = (patch: Partial<RunFilters>) => {
    setSelected(new Set());
    setParams(filtersToParams({ ...filters, ...patch }), { replace: true });
  };
  return (
    <div className="page page-wide">
      <div className="page-head">
        <h1>Runs</h1>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => setStarting(true)}>
            Start a run
          </button>
        </div>
      </div>
      <RunFiltersForm filters={filters} update={update} search={search} setSearch={setSearch} />

      <BulkActions
        chosen={items.filter((i) => selected.has(i.instanceId))}
        count={selected.size ? `${selected.size} selected` : countOf(runs.hasNextPage ? `${items.length}+` : items.length, "run")}
        clearSelection={() => setSelected(new Set())}
      />

      {runs.isPending ? (
        <p className="muted">Loading…</p>
      ) : runs.isError ? (
        <p role="alert" className="field-error">
          The runs could not be loaded: {runs.error.message}
        </p>
      ) : items.length === 0 ? (
        <EmptyState
          title={params.toString() ? "No run matches these filters" : "No runs yet"}
          actions={
            params.toString() ? (
              <button type="button" className="btn" onClick={() => (setSearch(""), setParams(new URLSearchParams(), { replace: true }))}>
                Clear the filters
              </button>
            ) : (
              <button type="button" className="btn btn-primary" onClick={() => setStarting(true)}>
                Start a run
              </button>
            )
          }
        >
          Runs appear here live as they start, with their status, duration and custom status.
        </EmptyState>
      ) : (
        <RunsTable items={items} selected={selected} setSelected={setSelected} now={now} />
      )}
      {runs.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="btn" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
            {runs.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}

      <StartRunDialog open={starting} onOpenChange={setStarting} />
    </div>
  );
}
