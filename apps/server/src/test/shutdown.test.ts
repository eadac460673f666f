import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { stopOnSignals } from "../shutdown.js";

const logger = createLogger("silent");
let detach: (() => void) | undefined;
afterEach(() => {
  detach?.();
  detach = undefined;
});

/** Registers on SIGUSR2 (emitted, never sent) and records the exit codes. */
function attach(timeoutMs: number, stop: () => Promise<void>) {
  const exits: { code: number; at: number }[] = [];
  const started = performance.now();
  detach = stopOnSignals({
    logger,
    timeoutMs,
    stop,
    signals: ["SIGUSR2"],
    exit: (code) => exits.push({ code, at: performance.now() - started }),
  });
  return exits;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("stopping on a signal", () => {
  it("exits with 0 once the graceful stop is done", async () => {
    const exits = attach(1000, () => sleep(20));
    process.emit("SIGUSR2");
    await sleep(100);
    expect(exits.map((e) => e.code)).toEqual([0]);
  });

  it("exits with 1 when the graceful stop outlasts the bound", async () => {
    const exits = attach(150, () => new Promise(() => {}));
    process.emit("SIGUSR2");
    await sleep(400);
    expect(exits.map((e) => e.code)).toEqual([1]);
    expect(exits[0]?.at).toBeGreaterThanOrEqual(140);
    expect(exits[0]?.at).toBeLessThan(400);
  });

  it("exits at once on a second signal", async () => {
    const exits = attach(10_000, () => new Promise(() => {}));
    process.emit("SIGUSR2");
    process.emit("SIGUSR2");
    expect(exits.map((e) => e.code)).toEqual([130]);
  });
});
