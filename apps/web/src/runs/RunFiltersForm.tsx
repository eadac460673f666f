import { useQuery } from "@tanstack/react-query";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { RANGE_PRESETS, type RunFilters } from "./list-query";
import { INSTANCE_STATUSES } from "./status";

/** Status toggles, workflow, start range and an id search; the search applies on submit, the rest at once. */
export function RunFiltersForm({
  filters,
  update,
  search,
  setSearch,
}: {
  filters: RunFilters;
  update(patch: Partial<RunFilters>): void;
  /** The search text as typed (the page clears it with the filters). */
  search: string;
  setSearch(search: string): void;
}) {
  const client = useWeftClient();
  const workflows = useQuery(workflowQueries.list(client));
  const toggleStatus = (status: (typeof INSTANCE_STATUSES)[number]) =>
    update({ statuses: filters.statuses.includes(status) ? filters.statuses.filter((s) => s !== status) : [...filters.statuses, status] });
  return (
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
  );
}
