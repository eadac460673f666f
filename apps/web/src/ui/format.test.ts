import { describe, expect, it } from "vitest";
import { describeTrigger, slugify, timeAgo } from "./format";

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
});
