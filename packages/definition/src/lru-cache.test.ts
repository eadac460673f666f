import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache.js";

describe("LruCache", () => {
  it("evicts the least recently used entry when full", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("tells what it evicts, and only that", () => {
    const evicted: [string, number][] = [];
    const cache = new LruCache<string, number>(2, { onEvict: (key, value) => evicted.push([key, value]) });
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.delete("a");
    cache.set("c", 3);
    cache.set("d", 4);
    expect(evicted).toEqual([["b", 2]]);
    expect([...cache.keys()]).toEqual(["c", "d"]);
  });

  it("evicts by weight too, keeping the newest entry even when it alone is too heavy", () => {
    const cache = new LruCache<string, string>(10, { maxWeight: 100 });
    cache.set("a", "A", 40);
    cache.set("b", "B", 40);
    cache.set("c", "C", 30);
    expect([...cache.keys()]).toEqual(["b", "c"]);
    expect(cache.weight).toBe(70);
    cache.set("b", "B2", 10);
    expect(cache.weight).toBe(40);
    cache.set("huge", "H", 500);
    expect([...cache.keys()]).toEqual(["huge"]);
    expect(cache.weight).toBe(500);
  });

  it("refuses a capacity below one", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
