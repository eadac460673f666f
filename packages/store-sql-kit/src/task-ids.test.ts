import { describe, expect, it } from "vitest";
import { parseTaskId } from "./task-ids.js";

describe("parseTaskId", () => {
  it("reads a row id", () => {
    expect(parseTaskId("1")).toBe(1);
    expect(parseTaskId("9007199254740991")).toBe(9007199254740991);
  });

  it("refuses anything that is not a plain positive decimal", () => {
    for (const id of ["", "0", "01", "-1", "1.5", "1e3", " 1", "0x10", "12345678901234567", "abc"])
      expect(parseTaskId(id), id).toBeUndefined();
  });
});
