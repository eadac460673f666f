import type { InstanceSummary } from "@weft/client";
import { describe, expect, it } from "vitest";
import {
  applySummary,
  EMPTY_FILTERS,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  matchesQuery,
  removeInstance,
} from "./list-query";

const NOW = Date.parse("2026-03-10T12:34:56.789Z");
const summary = (id: string, status: InstanceSummary["status"], workflowId = "order-processing"): InstanceSummary => ({
  instanceId: id,
  workflowId,
  version: 1,
  status,
  customStatus: null,
  waitingFor: [],
  lastError: null,
  createdAt: "2026-03-10T12:00:00.000Z",
  updatedAt: "2026-03-10T12:00:00.000Z",
  completedAt: null,
});

describe("run filters → the list query", () => {
  it("sends nothing but the page size without filters", () => {
    expect(filtersToQuery(EMPTY_FILTERS, NOW)).toEqual({ limit: 50 });
  });

  it("sends statuses in a stable order, the workflow, the search and a preset range from the minute", () => {
    const query = filtersToQuery(
      { ...EMPTY_FILTERS, statuses: ["failed", "running"], workflow: "video-pipeline", range: "1h", q: "  abc " },
      NOW,
    );
    expect(query).toEqual({
      limit: 50,
      status: ["running", "failed"],
      workflow: "video-pipeline",
      from: "2026-03-10T11:34:00.000Z",
      q: "abc",
    });
  });

  it("sends a custom range as UTC instants and ignores an empty bound", () => {
    const query = filtersToQuery({ ...EMPTY_FILTERS, range: "custom", from: "2026-03-01T08:00", to: "" }, NOW);
    expect(query.from).toBe(new Date("2026-03-01T08:00").toISOString());
    expect(query.to).toBeUndefined();
  });

  it("round-trips through the URL", () => {
    const filters = {
      ...EMPTY_FILTERS,
      statuses: ["completed" as const],
      workflow: "w",
      range: "custom",
      from: "2026-03-01T08:00",
      to: "2026-03-02T08:00",
      q: "x",
    };
    const params = filtersToParams(filters);
    expect(params.toString()).toBe("status=completed&workflow=w&range=custom&from=2026-03-01T08%3A00&to=2026-03-02T08%3A00&q=x");
    expect(filtersFromParams(params)).toEqual(filters);
    expect(filtersFromParams(new URLSearchParams("status=running,bogus"))).toMatchObject({ statuses: ["running"] });
  });
});

describe("live updates of the loaded pages", () => {
  const pages = () => ({
    pages: [
      { items: [summary("a", "running"), summary("b", "running")], nextCursor: "c1" },
      { items: [summary("c", "failed")], nextCursor: null },
    ],
    pageParams: ["", "c1"],
  });

  it("replaces a row in place", () => {
    const next = applySummary(pages(), summary("c", "completed"), {});
    expect(next?.pages[1]?.items[0]?.status).toBe("completed");
  });

  it("drops a row that no longer matches the status filter, and adds a new match on top", () => {
    const query = { status: ["running" as const] };
    const dropped = applySummary(pages(), summary("a", "completed"), query);
    expect(dropped?.pages[0]?.items.map((i) => i.instanceId)).toEqual(["b"]);
    const added = applySummary(pages(), summary("n", "running"), query);
    expect(added?.pages[0]?.items.map((i) => i.instanceId)).toEqual(["n", "a", "b"]);
    const ignored = applySummary(pages(), summary("m", "failed"), query);
    expect(ignored?.pages[0]?.items).toHaveLength(2);
  });

  it("matches the workflow and search filters, and removes purged runs", () => {
    expect(matchesQuery(summary("xyz-1", "running", "w"), { workflow: "w", q: "yz" })).toBe(true);
    expect(matchesQuery(summary("xyz-1", "running", "w"), { workflow: "v" })).toBe(false);
    expect(matchesQuery(summary("xyz-1", "running"), { from: "2026-03-10T12:30:00.000Z" })).toBe(false);
    expect(removeInstance(pages(), "b")?.pages[0]?.items.map((i) => i.instanceId)).toEqual(["a"]);
  });
});
