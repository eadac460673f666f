import { describe, expect, it } from "vitest";
import { toIso } from "@weft/engine";
import { SECOND, T0, awkward, freshId, type ContractContext } from "@weft/engine/testing";
import type { NewOutboxEntry, OutboxEntry, WorkflowStore } from "../workflow-store.js";
import type { WorkflowStoreUnderTest } from "./contract.js";

/** Appends `count` entries (one per second from `from`) and returns them in append order. */
async function appendMany(store: WorkflowStore, count: number, entry: Partial<NewOutboxEntry> = {}, from = T0): Promise<OutboxEntry[]> {
  const appended: OutboxEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    appended.push(await store.appendOutbox({ channel: "email", subject: `message ${i}`, ...entry }, from + i * SECOND));
  }
  return appended;
}

const newestFirst = (entries: readonly OutboxEntry[]): OutboxEntry[] => [...entries].reverse();

export function describeServerFacts(ctx: ContractContext<WorkflowStoreUnderTest>): void {
  describe("claimOnce", () => {
    it("records a key the first time and refuses it while the record has not expired", async () => {
      const store = await ctx.open();
      const key = freshId("once");
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(true);
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(false);
      expect(await store.claimOnce(key, T0 + 60 * SECOND, T0 + 10 * SECOND - 1)).toBe(false);
    });

    it("records a key again once its previous record has expired", async () => {
      const store = await ctx.open();
      const key = freshId("once");
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(true);
      // A record expires at the instant of its expiry, as a lease does.
      expect(await store.claimOnce(key, T0 + 20 * SECOND, T0 + 10 * SECOND)).toBe(true);
      expect(await store.claimOnce(key, T0 + 30 * SECOND, T0 + 15 * SECOND)).toBe(false);
      expect(await store.claimOnce(key, T0 + 30 * SECOND, T0 + 25 * SECOND)).toBe(true);
    });

    it("does not extend a record when it refuses a claim", async () => {
      const store = await ctx.open();
      const key = freshId("once");
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(true);
      expect(await store.claimOnce(key, T0 + 3600 * SECOND, T0 + 5 * SECOND)).toBe(false);
      expect(await store.claimOnce(key, T0 + 3600 * SECOND, T0 + 11 * SECOND)).toBe(true);
    });

    it("keeps keys independent", async () => {
      const store = await ctx.open();
      const first = freshId("once");
      const second = freshId("once");
      expect(await store.claimOnce(first, T0 + 10 * SECOND, T0)).toBe(true);
      expect(await store.claimOnce(second, T0 + 10 * SECOND, T0)).toBe(true);
      expect(await store.claimOnce(first, T0 + 10 * SECOND, T0)).toBe(false);
      expect(await store.claimOnce(second, T0 + 10 * SECOND, T0)).toBe(false);
      expect(await store.claimOnce(`${first}-suffix`, T0 + 10 * SECOND, T0)).toBe(true);
    });

    it("grants exactly one of many concurrent claims of one key", async () => {
      const store = await ctx.open();
      const key = freshId("once");
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce(key, T0 + 10 * SECOND, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("takes keys of any text exactly", async () => {
      const store = await ctx.open();
      const key = `sig:${freshId("once")}:ünïcode ✓ 😀 "quoted" 'single' \\ %_`;
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(true);
      expect(await store.claimOnce(key, T0 + 10 * SECOND, T0)).toBe(false);
      expect(await store.claimOnce(key.toUpperCase(), T0 + 10 * SECOND, T0)).toBe(true);
    });
  });

  describe("values", () => {
    it("returns undefined for a key that was never set", async () => {
      const store = await ctx.open();
      expect(await store.getValue(freshId("key"))).toBeUndefined();
    });

    it("returns the last value set for a key, each key on its own", async () => {
      const store = await ctx.open();
      const key = freshId("key");
      const other = freshId("key");
      await store.setValue(key, "first");
      await store.setValue(other, "other");
      expect(await store.getValue(key)).toBe("first");
      await store.setValue(key, "second");
      expect(await store.getValue(key)).toBe("second");
      expect(await store.getValue(other)).toBe("other");
    });

    it("keeps values exactly, the empty string included", async () => {
      const store = await ctx.open();
      for (const value of ["", " ", "null", "0", JSON.stringify(awkward), "ünïcode ✓ 日本語 😀 \u0007\n"]) {
        const key = freshId("key");
        await store.setValue(key, value);
        expect(await store.getValue(key)).toBe(value);
      }
    });
  });

  describe("outbox", () => {
    it("appends entries with increasing ids and their createdAt", async () => {
      const store = await ctx.open();
      const instanceId = freshId("inst");
      const full = { channel: "email", to: "ops@example.com", subject: "Order shipped", body: { orderId: 7 }, instanceId, taskId: 3 };
      const first = await store.appendOutbox(full, T0);
      expect(first).toEqual({ ...full, id: first.id, createdAt: toIso(T0) });
      const second = await store.appendOutbox({ channel: "slack" }, T0 + SECOND);
      // Absent fields stay absent.
      expect(second).toEqual({ channel: "slack", id: second.id, createdAt: toIso(T0 + SECOND) });
      expect(second.id).toBeGreaterThan(first.id);
      const rest = await appendMany(store, 5, {}, T0 + 2 * SECOND);
      const ids = [first.id, second.id, ...rest.map((e) => e.id)];
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("lists entries newest first, as they were appended", async () => {
      const store = await ctx.open();
      expect(await store.listOutbox()).toEqual([]);
      const appended = await appendMany(store, 5);
      expect(await store.listOutbox()).toEqual(newestFirst(appended));
    });

    it("pages back through the outbox with beforeId", async () => {
      const store = await ctx.open();
      const appended = newestFirst(await appendMany(store, 7));
      const page1 = await store.listOutbox({ limit: 3 });
      expect(page1).toEqual(appended.slice(0, 3));
      const page2 = await store.listOutbox({ limit: 3, beforeId: page1[2]?.id as number });
      expect(page2).toEqual(appended.slice(3, 6));
      const page3 = await store.listOutbox({ limit: 3, beforeId: page2[2]?.id as number });
      expect(page3).toEqual(appended.slice(6));
      expect(await store.listOutbox({ limit: 3, beforeId: page3[0]?.id as number })).toEqual([]);
    });

    it("lists only one instance's entries when given its instanceId", async () => {
      const store = await ctx.open();
      const mine = freshId("inst");
      const theirs = freshId("inst");
      const appended: OutboxEntry[] = [];
      for (let i = 0; i < 6; i += 1) {
        appended.push(await store.appendOutbox({ channel: "email", instanceId: i % 2 === 0 ? mine : theirs, taskId: i }, T0 + i * SECOND));
      }
      await store.appendOutbox({ channel: "email" }, T0 + 10 * SECOND);
      const expected = newestFirst(appended.filter((e) => e.instanceId === mine));
      expect(await store.listOutbox({ instanceId: mine })).toEqual(expected);
      expect(await store.listOutbox({ instanceId: mine, limit: 2 })).toEqual(expected.slice(0, 2));
      expect(await store.listOutbox({ instanceId: mine, beforeId: expected[0]?.id as number })).toEqual(expected.slice(1));
      expect(await store.listOutbox({ instanceId: freshId("inst") })).toEqual([]);
    });

    it("returns at most limit entries, 50 by default", async () => {
      const store = await ctx.open();
      const appended = newestFirst(await appendMany(store, 55));
      expect(await store.listOutbox()).toEqual(appended.slice(0, 50));
      expect(await store.listOutbox({ limit: 5 })).toEqual(appended.slice(0, 5));
      expect(await store.listOutbox({ limit: 100 })).toEqual(appended);
    });

    it("round-trips JSON bodies and text fields", async () => {
      const store = await ctx.open();
      const entry = { channel: "ünïcode ✓", to: 'ＴＯ 😀 "x"', subject: "日本語 \n\t", body: awkward };
      const appended = await store.appendOutbox(entry, T0);
      expect(appended).toMatchObject(entry);
      expect(await store.listOutbox()).toEqual([{ ...entry, id: appended.id, createdAt: toIso(T0) }]);
      for (const body of [null, 0, false, "", []]) {
        const scalar = await store.appendOutbox({ channel: "c", body }, T0);
        expect((await store.listOutbox({ limit: 1 }))[0]).toEqual({ channel: "c", body, id: scalar.id, createdAt: toIso(T0) });
      }
    });
  });
}
