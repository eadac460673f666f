import { describe, expect, it } from "vitest";
import { createGroupCommit } from "./group-commit.js";

/** A commit function that records each group it is given, answering item * 10. */
function recordingCommit(options: { failWhen?: (items: readonly number[]) => boolean; delayMs?: number } = {}) {
  const groups: number[][] = [];
  const commit = async (items: readonly number[]): Promise<number[]> => {
    groups.push([...items]);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.failWhen?.(items)) throw new Error(`refused ${items.join(",")}`);
    return items.map((item) => item * 10);
  };
  return { groups, commit };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("group commit", () => {
  it("commits calls made in the same turn of the event loop in one transaction, each with its own outcome", async () => {
    const { groups, commit } = recordingCommit();
    const group = createGroupCommit({ commit });
    const outcomes = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(outcomes).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it("commits an idle call in the next check phase, without a timer", async () => {
    const { groups, commit } = recordingCommit();
    const group = createGroupCommit({ commit });
    const outcome = group.submit(7);
    // The flush was scheduled first, so it has run by the time this setImmediate does.
    await nextTurn();
    expect(groups).toEqual([[7]]);
    expect(await outcome).toBe(70);
  });

  it("puts the calls made while a commit is in flight into the next transaction", async () => {
    const { groups, commit } = recordingCommit({ delayMs: 30 });
    const group = createGroupCommit({ commit });
    const first = group.submit(1);
    await nextTurn();
    expect(groups).toEqual([[1]]);
    // The first commit is still in flight: these three wait for it and then share one.
    const later = [2, 3, 4].map((n) => group.submit(n));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(groups).toEqual([[1]]);
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it("splits a queue longer than maxBatch into transactions of at most maxBatch", async () => {
    const { groups, commit } = recordingCommit();
    const group = createGroupCommit({ commit, maxBatch: 2 });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    expect(outcomes).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("retries a failed group one call at a time, so only the call that caused the failure sees it", async () => {
    const { groups, commit } = recordingCommit({ failWhen: (items) => items.includes(2) });
    const group = createGroupCommit({ commit });
    const results = await Promise.allSettled([1, 2, 3].map((n) => group.submit(n)));
    expect(results).toEqual([
      { status: "fulfilled", value: 10 },
      { status: "rejected", reason: new Error("refused 2") },
      { status: "fulfilled", value: 30 },
    ]);
    expect(groups).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it("rejects every call of a group whose commit returned the wrong number of outcomes", async () => {
    const group = createGroupCommit<number, number>({ commit: async () => [1] });
    const results = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/2 items returned 1 outcomes/);
  });

  it("keeps working after a failure: the next call starts a new group", async () => {
    let fail = true;
    const group = createGroupCommit<number, number>({
      commit: async (items) => {
        if (fail) throw new Error("store down");
        return items.map((n) => n + 1);
      },
    });
    await expect(group.submit(1)).rejects.toThrow("store down");
    fail = false;
    await expect(group.submit(1)).resolves.toBe(2);
  });
});
