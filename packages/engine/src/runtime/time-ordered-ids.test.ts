import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./time-ordered-ids.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("instance ids", () => {
  it("are version 7 UUIDs that begin with the creation time in milliseconds", () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it("sort in creation order across milliseconds, so instances started together are neighbours in the store's indexes", () => {
    const byTime = new Map([5, 1, 4, 2, 3].map((ms) => [ms, timeOrderedId(1_700_000_000_000 + ms)]));
    expect([...byTime.values()].sort()).toEqual([1, 2, 3, 4, 5].map((ms) => byTime.get(ms)));
  });

  it("differ within one millisecond (74 random bits)", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
