import { NonRetryableError } from "@weft/engine";
import { describe, expect, it } from "vitest";
import { builtIns } from "./test-helpers.js";

describe("util activities", () => {
  it("util.echo returns any JSON input unchanged", async () => {
    const { call } = builtIns();
    for (const value of [{ a: [1, "two", null, { b: true }] }, "text", 42, null, []]) {
      await expect(call("util.echo", value)).resolves.toEqual(value);
    }
  });

  it("util.sleep waits the given time and reports it", async () => {
    const { call } = builtIns();
    const started = performance.now();
    await expect(call("util.sleep", { ms: 50 })).resolves.toEqual({ sleptMs: 50 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("util.sleep stops when the attempt's signal aborts, with the signal's reason", async () => {
    const { call } = builtIns();
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = call("util.sleep", { ms: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("worker shutting down")), 20);
    await expect(sleeping).rejects.toThrow("worker shutting down");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("util.sleep refuses a negative duration before sleeping", async () => {
    const { call } = builtIns();
    await expect(call("util.sleep", { ms: -1 })).rejects.toThrow("Activity 'util.sleep': input.ms must be a number ≥ 0");
  });

  it("util.flaky fails while the attempt is at most failAttempts, then returns the attempt", async () => {
    const { call } = builtIns();
    for (const attempt of [1, 2]) {
      const failure = call("util.flaky", { failAttempts: 2 }, { attempt });
      await expect(failure).rejects.toThrow(`attempt ${attempt}`);
      await expect(failure).rejects.not.toBeInstanceOf(NonRetryableError);
    }
    await expect(call("util.flaky", { failAttempts: 2 }, { attempt: 3 })).resolves.toEqual({ attempt: 3 });
    await expect(call("util.flaky", { failAttempts: 0 }, { attempt: 1 })).resolves.toEqual({ attempt: 1 });
  });

  it("util.fail always fails with its message, retryably", async () => {
    const { call } = builtIns();
    for (const attempt of [1, 5]) {
      const failure = call("util.fail", { message: "Payment declined" }, { attempt });
      await expect(failure).rejects.toThrow(/^Payment declined$/);
      await expect(failure).rejects.not.toBeInstanceOf(NonRetryableError);
    }
    await expect(call("util.fail", {})).rejects.toThrow("util.fail always fails");
  });
});

describe("util.sleep beyond setTimeout's range", () => {
  it("still waits instead of firing at once", async () => {
    const { call } = builtIns();
    const controller = new AbortController();
    let settled = false;
    const sleeping = call("util.sleep", { ms: 3_000_000_000 }, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
  });
});
