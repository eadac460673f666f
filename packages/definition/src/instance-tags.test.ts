import { describe, expect, it } from "vitest";
import { restartTags, subWorkflowTag, taggedSubWorkflowVersion, taggedVersion, versionTag } from "./instance-tags.js";

describe("instance tags", () => {
  it("write a version and read it back; anything but a whole number ≥ 1 reads as no version", () => {
    expect(versionTag(3)).toEqual({ version: "3" });
    expect(taggedVersion(versionTag(3))).toBe(3);
    for (const text of ["0", "-1", "1.5", "abc", "", " "]) expect(taggedVersion({ version: text })).toBeUndefined();
    expect(taggedVersion({})).toBeUndefined();
    expect(taggedVersion(undefined)).toBeUndefined();
  });

  it("pin a sub-workflow node's version under sub:<nodeId>", () => {
    const tags = { ...versionTag(2), ...subWorkflowTag("child", 7) };
    expect(tags).toEqual({ version: "2", "sub:child": "7" });
    expect(taggedSubWorkflowVersion(tags, "child")).toBe(7);
    expect(taggedSubWorkflowVersion(tags, "other")).toBeUndefined();
    expect(taggedSubWorkflowVersion({ "sub:child": "latest" }, "child")).toBeUndefined();
  });

  it("tag a restarted instance with the step and the instance it came from", () => {
    const tags = restartTags("order-17", "email");
    expect(tags).toEqual({ "restart:from": "email", "restart:of": "order-17" });
  });
});
