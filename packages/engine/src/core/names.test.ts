import { describe, expect, it } from "vitest";
import { createClient } from "../runtime/client.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { idProblem } from "./names.js";

describe("instance ids", () => {
  it("must survive a database round trip: whole surrogate pairs only, no control characters", () => {
    expect(idProblem("order-1")).toBeUndefined();
    expect(idProblem("rocket-\u{1F680}")).toBeUndefined();
    expect(idProblem("")).toMatch(/empty/);
    expect(idProblem("x".repeat(201))).toMatch(/at most 200/);
    expect(idProblem("a\ud800")).toMatch(/surrogate/);
    expect(idProblem("\udc00a")).toMatch(/surrogate/);
    expect(idProblem("a\u0000b")).toMatch(/control characters/);
    expect(idProblem("tab\there")).toMatch(/control characters/);
    expect(idProblem(42)).toMatch(/text/);
  });

  it("are checked when an instance starts, before anything is written", async () => {
    const store = createMemoryStore();
    const client = createClient({ store });
    await expect(client.start("o", null, { instanceId: "bad\ud800" })).rejects.toMatchObject({
      code: "bad-instance-id",
      message: expect.stringMatching(/surrogate/),
    });
    expect((await store.listInstances({ limit: 10 })).items).toEqual([]);
  });
});
