import { afterEach, describe, expect, it, vi } from "vitest";
import type { StoreNotification } from "@weft/engine";
import { noChanges, type Changes } from "./connection.js";
import { decodePayload } from "./notifications.js";
import { NotifySender } from "./notify-sender.js";

function changes(ids: string[], orchestrationWork = false, activityWork = false): Changes {
  return { ...noChanges(), instances: new Set(ids), orchestrationWork, activityWork };
}

/** A sender whose NOTIFYs are recorded; each send stays in flight until `finish` is called. */
function recorder(intervalMs = 5) {
  const sent: StoreNotification[][] = [];
  const finishers: (() => void)[] = [];
  const sender = new NotifySender({
    origin: "me",
    intervalMs,
    send: (payloads) => {
      sent.push(payloads.flatMap((p) => decodePayload(p)?.notifications ?? []));
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
  });
  const finish = async (): Promise<void> => {
    for (const resolve of finishers.splice(0)) resolve();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { sender, sent, finish };
}

describe("NotifySender", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the first change of a quiet period at once, and nothing for an empty change", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const { sender, sent } = recorder();
    sender.add(noChanges());
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([]);
    sender.add(changes(["a"], true));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([
      [
        { kind: "instance-changed", instanceId: "a" },
        { kind: "work-available", queue: "orchestration" },
      ],
    ]);
  });

  it("merges what commits while a NOTIFY is on its way into the next one, at most one per interval", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const { sender, sent, finish } = recorder(5);
    sender.add(changes(["a"]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    for (const id of ["b", "c", "b"]) sender.add(changes([id], false, id === "c"));
    await vi.advanceTimersByTimeAsync(50);
    // Still in flight: nothing more goes out.
    expect(sent).toHaveLength(1);
    await finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual([
      { kind: "instance-changed", instanceId: "b" },
      { kind: "instance-changed", instanceId: "c" },
      { kind: "work-available", queue: "activity" },
    ]);
    await finish();
    // Quiet for longer than the interval: the next change goes at once.
    await vi.advanceTimersByTimeAsync(10);
    sender.add(changes(["d"]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(3);
    await finish();
    // The next change within 5 ms of the last NOTIFY waits for the interval to pass.
    sender.add(changes(["e"]));
    await vi.advanceTimersByTimeAsync(2);
    expect(sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(5);
    expect(sent).toHaveLength(4);
  });

  it("sends nothing while no other process listens", async () => {
    const sent: string[][] = [];
    let others = false;
    const sender = new NotifySender({ origin: "me", intervalMs: 0, send: async (p) => void sent.push(p), othersMayListen: () => others });
    sender.add(changes(["a"], true, true));
    await sender.flush();
    expect(sent).toEqual([]);
    others = true;
    sender.add(changes(["b"]));
    await sender.flush();
    expect(sent).toHaveLength(1);
  });

  it("sends what is pending at once on flush, and keeps sending after a failed NOTIFY", async () => {
    const sent: string[][] = [];
    let fail = true;
    const sender = new NotifySender({
      origin: "me",
      intervalMs: 60_000,
      send: async (payloads) => {
        sent.push(payloads);
        if (fail) throw new Error("connection lost");
      },
    });
    sender.add(changes(["a"]));
    await sender.flush();
    fail = false;
    sender.add(changes(["b"]));
    // The interval is a minute: only flush sends it now.
    await sender.flush();
    expect(sent.map((payloads) => payloads.flatMap((p) => decodePayload(p)?.notifications ?? []))).toEqual([
      [{ kind: "instance-changed", instanceId: "a" }],
      [{ kind: "instance-changed", instanceId: "b" }],
    ]);
  });
});
