import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InstanceListQuery, InstancePage, InstanceSummary } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { EmptyState } from "../ui/EmptyState";
import { timeAgo } from "../ui/format";
import {
  applySummary,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  RANGE_PRESETS,
  removeInstance,
  type PagedRuns,
  type RunFilters,
} from "./list-query";
import { formatElapsed, INSTANCE_STATUSES, shortJson } from "./status";
import { StartRunDialog } from "./StartRunDialog";
import { StatusChip } from "./StatusChip";
import { useInstanceEvents, useNow } from "./useInstanceEvents";
import "./runs.css";

export const runListKey = (query: InstanceListQuery) => ["instances", "list", "paged", query] as const;

type BulkAction = "terminate" | "purge";

/** Every instance, newest first: filters in the URL, cursor paging, live over `/api/stream`. */
export function RunsPage() {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [minute] = useState(() => Date.now());
  const query = useMemo(() => filtersToQuery(filters, minute), [params.toString(), minute]); // eslint-disable-line react-hooks/exhaustive-deps
  const [search, setSearch] = useState(filters.q);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<BulkAction | undefined>();
  const [bulkResult, setBulkResult] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);
  const now = useNow(1000);
  const workflows = useQuery(workflowQueries.list(client));

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

  const items: InstanceSummary[] = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const update = (patch: Partial<RunFilters>) => {
    setSelected(new Set());
    setParams(filtersToParams({ ...filters, ...patch }), { replace: true });
  };
  const toggleStatus = (status: (typeof INSTANCE_STATUSES)[number]) =>
    update({ statuses: filters.statuses.includes(status) ? filters.statuses.filter((s) => s !== status) : [...filters.statuses, status] });
  const toggle = (id: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.instanceId));
  const chosen = items.filter((i) => selected.has(i.instanceId));
  const eligible = (action: BulkAction) =>
    chosen.filter((i) => (action === "purge" ? isTerminalStatus(i.status) : !isTerminalStatus(i.status)));

  const runBulk = async (action: BulkAction) => {
    const targets = eligible(action);
    const failures: string[] = [];
    for (const item of targets) {
      try {
        if (action === "purge") await client.instances.purge(item.instanceId);
        else await client.instances.terminate(item.instanceId, "terminated from the runs list");
      } catch (error) {
        failures.push(`${item.instanceId.slice(0, 8)}: ${(error as Error).message}`);
      }
    }
    setBulk(undefined);
    setSelected(new Set());
    const done = targets.length - failures.length;
    setBulkResult(
      `${action === "purge" ? "Purged" : "Terminated"} ${done} of ${targets.length}.${failures.length ? ` Refused: ${failures.join("; ")}` : ""}`,
    );
    void queryClient.invalidateQueries({ queryKey: ["instances", "list"] });
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
      <form
        className="run-filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: search });
        }}
      >
        <fieldset className="status-filter">
          <legend className="sr-only">Status</legend>
          {INSTANCE_STATUSES.map((status) => (
            <label key={status} className={`status-toggle ${filters.statuses.includes(status) ? "on" : ""}`}>
              <input type="checkbox" checked={filters.statuses.includes(status)} onChange={() => toggleStatus(status)} />
              {status}
            </label>
          ))}
        </fieldset>
        <label className="inline-field">
          <span>Workflow</span>
          <select value={filters.workflow} onChange={(e) => update({ workflow: e.target.value })}>
            <option value="">All workflows</option>
            {(workflows.data ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Started</span>
          <select value={filters.range} onChange={(e) => update({ range: e.target.value })}>
            <option value="">Any time</option>
            {RANGE_PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
            <option value="custom">Between…</option>
          </select>
        </label>
        {filters.range === "custom" ? (
          <>
            <label className="inline-field">
              <span>From</span>
              <input type="datetime-local" value={filters.from} onChange={(e) => update({ from: e.target.value })} />
            </label>
            <label className="inline-field">
              <span>To</span>
              <input type="datetime-local" value={filters.to} onChange={(e) => update({ to: e.target.value })} />
            </label>
          </>
        ) : null}
        <label className="inline-field grow">
          <span className="sr-only">Search by instance id</span>
          <input type="search" placeholder="Search by instance id" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="submit" className="btn">
          Search
        </button>
      </form>

      <div className="bulk-bar" aria-live="polite">
        <span className="muted">{selected.size ? `${selected.size} selected` : `${items.length}${runs.hasNextPage ? "+" : ""} runs`}</span>
        <button
          type="button"
          className="btn btn-sm btn-danger"
          disabled={eligible("terminate").length === 0}
          onClick={() => setBulk("terminate")}
        >
          Terminate selected
        </button>
        <button type="button" className="btn btn-sm btn-danger" disabled={eligible("purge").length === 0} onClick={() => setBulk("purge")}>
          Purge selected
        </button>
        {bulkResult ? <span role="status">{bulkResult}</span> : null}
      </div>

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
        <table className="table runs-table">
          <thead>
            <tr>
              <th className="col-check">
                <input
                  type="checkbox"
                  aria-label="Select every run shown"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.instanceId)))}
                />
              </th>
              <th>Status</th>
              <th>Instance</th>
              <th>Workflow</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Custom status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const end = item.completedAt
                ? Date.parse(item.completedAt)
                : isTerminalStatus(item.status)
                  ? Date.parse(item.updatedAt)
                  : now;
              return (
                <tr
                  key={item.instanceId}
                  data-testid={`run-${item.instanceId}`}
                  className={selected.has(item.instanceId) ? "selected" : ""}
                >
                  <td className="col-check">
                    <input
                      type="checkbox"
                      aria-label={`Select run ${item.instanceId}`}
                      checked={selected.has(item.instanceId)}
                      onChange={() => toggle(item.instanceId)}
                    />
                  </td>
                  <td>
                    <StatusChip status={item.status} />
                  </td>
                  <td>
                    <Link
                      className="mono"
                      to={`/runs/${encodeURIComponent(item.instanceId)}`}
                      title={item.instanceId}
                      aria-label={`Run ${item.instanceId}`}
                    >
                      {item.instanceId.length > 13 ? `${item.instanceId.slice(0, 13)}…` : item.instanceId}
                    </Link>
                  </td>
                  <td>
                    {item.workflowId}
                    {item.version !== null ? <span className="muted"> v{item.version}</span> : null}
                  </td>
                  <td title={new Date(item.createdAt).toLocaleString()}>{timeAgo(item.createdAt, now)}</td>
                  <td>{formatElapsed(end - Date.parse(item.createdAt))}</td>
                  <td className="custom-status" title={shortJson(item.customStatus, 500)}>
                    {shortJson(item.customStatus, 40)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {runs.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="btn" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
            {runs.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}

      <Dialog
        open={bulk !== undefined}
        onOpenChange={(open) => !open && setBulk(undefined)}
        title={bulk === "purge" ? "Purge the selected runs?" : "Terminate the selected runs?"}
        description={
          bulk === "purge"
            ? `${eligible("purge").length} finished runs and their histories will be deleted for good. Runs still going are left alone.`
            : `${eligible("terminate").length} runs will stop where they are. Finished runs are left alone.`
        }
        footer={
          <>
            <button type="button" className="btn" onClick={() => setBulk(undefined)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={() => bulk && void runBulk(bulk)}>
              {bulk === "purge" ? "Purge" : "Terminate"} {bulk ? eligible(bulk).length : 0}
            </button>
          </>
        }
      >
        <ul className="bulk-list">
          {(bulk ? eligible(bulk) : []).slice(0, 10).map((i) => (
            <li key={i.instanceId} className="mono">
              {i.instanceId}{" "}
              <span className="muted">
                ({i.workflowId}, {i.status})
              </span>
            </li>
          ))}
        </ul>
      </Dialog>
      <StartRunDialog open={starting} onOpenChange={setStarting} />
    </div>
  );
}
