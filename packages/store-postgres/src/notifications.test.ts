import { describe, expect, it } from "vitest";
import type { StoreNotification } from "@weft/engine";
import { noChanges } from "./connection.js";
import { MAX_PAYLOAD_BYTES, channelFor, decodePayload, encodePayloads } from "./notifications.js";

function changes(ids: string[], orchestrationWork = false, activityWork = false) {
  return { ...noChanges(), instances: new Set(ids), orchestrationWork, activityWork };
}

function decodeAll(payloads: string[]): StoreNotification[] {
  return payloads.flatMap((p) => decodePayload(p)?.notifications ?? []);
}

describe("notification payloads", () => {
  it("sends nothing when a transaction changed nothing", () => {
    expect(encodePayloads("me", noChanges())).toEqual([]);
  });

  it("round-trips instance ids and work flags, ids first", () => {
    const payloads = encodePayloads("me", changes(["a", 'b ✓ "quoted"'], true, true));
    expect(payloads).toHaveLength(1);
    expect(decodePayload(payloads[0] as string)).toEqual({
      origin: "me",
      notifications: [
        { kind: "instance-changed", instanceId: "a" },
        { kind: "instance-changed", instanceId: 'b ✓ "quoted"' },
        { kind: "work-available", queue: "orchestration" },
        { kind: "work-available", queue: "activity" },
      ],
    });
  });

  it("splits many changed instances over payloads below PostgreSQL's 8000-byte limit, losing none", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `instance-${i}-日本語-${"x".repeat(i % 50)}`);
    const payloads = encodePayloads("origin", changes(ids, true));
    expect(payloads.length).toBeGreaterThan(5);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const decoded = decodeAll(payloads);
    expect(decoded.filter((n) => n.kind === "instance-changed").map((n) => (n as { instanceId: string }).instanceId)).toEqual(ids);
    expect(decoded.filter((n) => n.kind === "work-available")).toEqual([{ kind: "work-available", queue: "orchestration" }]);
  });

  it("leaves out an id too long for any payload, keeping the rest", () => {
    const payloads = encodePayloads("o", changes(["short", "y".repeat(9000)], false, true));
    expect(decodeAll(payloads)).toEqual([
      { kind: "instance-changed", instanceId: "short" },
      { kind: "work-available", queue: "activity" },
    ]);
  });

  it("ignores payloads that are not ours", () => {
    for (const text of ["", "hello", "null", "[]", '{"i":["x"]}']) expect(decodePayload(text)).toBeUndefined();
  });

  it("names one channel per schema, at most 63 bytes long", () => {
    expect(channelFor("weft")).toBe("weft_weft");
    expect(channelFor("a".repeat(63))).not.toBe(channelFor(`${"a".repeat(62)}b`));
    expect(Buffer.byteLength(channelFor("ü".repeat(31)))).toBeLessThanOrEqual(63);
  });
});
