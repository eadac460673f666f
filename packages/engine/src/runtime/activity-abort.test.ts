import { describe, expect, it } from "vitest";
import { ActivityAbort } from "./activity-abort.js";
import { lazyActivityLogger } from "./activity.js";

describe("an attempt's cancellation", () => {
  it("gives a signal already aborted, with the reason, when it is asked for after the abort", () => {
    const abort = new ActivityAbort();
    const reason = new Error("timed out");
    abort.abort(reason);
    expect(abort.aborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it("fires a signal handed out before the abort, once, with the first reason", () => {
    const abort = new ActivityAbort();
    const signal = abort.signal;
    const heard: unknown[] = [];
    signal.addEventListener("abort", () => heard.push(signal.reason));
    expect(signal.aborted).toBe(false);
    abort.abort("first");
    abort.abort("second");
    expect(heard).toEqual(["first"]);
    expect(abort.reason).toBe("first");
  });
});

describe("a lazy activity logger", () => {
  it("makes the logger on its first call only, and hands every call to it", () => {
    const lines: string[] = [];
    let made = 0;
    const log = lazyActivityLogger(() => {
      made += 1;
      return {
        info: (message) => lines.push(`info ${message}`),
        warn: (message) => lines.push(`warn ${message}`),
        error: (message, fields) => lines.push(`error ${message} ${JSON.stringify(fields)}`),
      };
    });
    expect(made).toBe(0);
    log.info("a");
    log.warn("b");
    log.error("c", { n: 1 });
    expect(made).toBe(1);
    expect(lines).toEqual(["info a", "warn b", 'error c {"n":1}']);
  });
});
