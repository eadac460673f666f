import { describe, expect, it } from "vitest";
import { countOf, describeTrigger, slugify, timeAgo } from "./format";

describe("format helpers", () => {
  it("makes a workflow id from a name", () => {
    expect(slugify("Process order!")).toBe("process-order");
    expect(slugify("  ")).toBe("workflow");
  });
  it("describes triggers and times", () => {
    expect(describeTrigger({ type: "webhook", path: "p" })).toBe("Webhook /p");
    expect(describeTrigger(undefined)).toBe("Manual");
    expect(timeAgo(new Date(1_000_000 - 120_000).toISOString(), 1_000_000)).toBe("2 min ago");
  });

  it("counts with the noun's number", () => {
    expect(countOf(1, "run")).toBe("1 run");
    expect(countOf(0, "run")).toBe("0 runs");
    expect(countOf(3, "finished run")).toBe("3 finished runs");
    expect(countOf("50+", "run")).toBe("50+ runs");
  });
});
