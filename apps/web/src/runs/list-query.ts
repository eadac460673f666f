import type { InstanceListQuery, InstancePage, InstanceStatus, InstanceSummary } from "@weft/client";
import { INSTANCE_STATUSES } from "./status";

/** What the runs list's filter bar holds; kept in the URL so a filtered list can be shared. */
export interface RunFilters {
  statuses: InstanceStatus[];
  workflow: string;
  /** A preset ("1h", "24h", "7d", "30d"), "custom" (from/to), or "" for any time. */
  range: string;
  from: string;
  to: string;
  q: string;
}

export const EMPTY_FILTERS: RunFilters = { statuses: [], workflow: "", range: "", from: "", to: "", q: "" };

export const RANGE_PRESETS: readonly { value: string; label: string; ms: number }[] = [
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
];

export function filtersFromParams(params: URLSearchParams): RunFilters {
  const statuses = (params.get("status") ?? "")
    .split(",")
    .filter((s): s is InstanceStatus => (INSTANCE_STATUSES as readonly string[]).includes(s));
  return {
    statuses,
    workflow: params.get("workflow") ?? "",
    range: params.get("range") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    q: params.get("q") ?? "",
  };
}

export function filtersToParams(filters: RunFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.statuses.length) params.set("status", filters.statuses.join(","));
  if (filters.workflow) params.set("workflow", filters.workflow);
  if (filters.range) params.set("range", filters.range);
  if (filters.range === "custom") {
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
  }
  if (filters.q.trim()) params.set("q", filters.q.trim());
  return params;
}

/**
 * The API query for the filters. A preset range is resolved against `now` rounded down to
 * the minute, so the query (and its cache key) stays put while the page is open.
 * Custom from/to are `datetime-local` values in the browser's zone, sent as UTC ISO.
 */
export function filtersToQuery(filters: RunFilters, now: number, limit = 50): InstanceListQuery {
  const query: InstanceListQuery = { limit };
  if (filters.statuses.length)
    query.status = [...filters.statuses].sort((a, b) => INSTANCE_STATUSES.indexOf(a) - INSTANCE_STATUSES.indexOf(b));
  if (filters.workflow) query.workflow = filters.workflow;
  const preset = RANGE_PRESETS.find((p) => p.value === filters.range);
  if (preset) {
    query.from = new Date(Math.floor(now / 60_000) * 60_000 - preset.ms).toISOString();
  } else if (filters.range === "custom") {
    const from = localToIso(filters.from);
    const to = localToIso(filters.to);
    if (from) query.from = from;
    if (to) query.to = to;
  }
  const q = filters.q.trim();
  if (q) query.q = q;
  return query;
}

function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Whether a summary belongs in a list fetched with `query` (for live additions). */
export function matchesQuery(summary: InstanceSummary, query: InstanceListQuery): boolean {
  if (query.status) {
    const statuses: readonly string[] = Array.isArray(query.status) ? query.status : [query.status];
    if (!statuses.includes(summary.status)) return false;
  }
  if (query.workflow && summary.workflowId !== query.workflow) return false;
  if (query.q && !summary.instanceId.includes(query.q)) return false;
  if (query.from && summary.createdAt < query.from) return false;
  if (query.to && summary.createdAt > query.to) return false;
  return true;
}

export interface PagedRuns {
  pages: InstancePage[];
  pageParams: unknown[];
}

/**
 * Folds one `/api/stream` summary into the loaded pages of a list: replaces the row in
 * place, drops it when it no longer matches the filters, or puts a new matching instance
 * on top. Returns the same object when nothing changes.
 */
export function applySummary(data: PagedRuns | undefined, summary: InstanceSummary, query: InstanceListQuery): PagedRuns | undefined {
  if (!data) return data;
  const matches = matchesQuery(summary, query);
  let found = false;
  const pages = data.pages.map((page) => {
    const index = page.items.findIndex((item) => item.instanceId === summary.instanceId);
    if (index < 0) return page;
    found = true;
    const items = matches ? page.items.map((item, i) => (i === index ? summary : item)) : page.items.filter((_, i) => i !== index);
    return { ...page, items };
  });
  if (found) return { ...data, pages };
  if (!matches || pages.length === 0) return data;
  const [first, ...rest] = pages;
  if (!first) return data;
  return { ...data, pages: [{ ...first, items: [summary, ...first.items] }, ...rest] };
}

/** Removes a purged instance from the loaded pages. */
export function removeInstance(data: PagedRuns | undefined, instanceId: string): PagedRuns | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.instanceId !== instanceId) })) };
}
