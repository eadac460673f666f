import { describe, expect, it } from "vitest";
import { defineActivity, defineConfig, NonRetryableError, z } from "./index.js";

describe("the SDK", () => {
  it("hands a project's config back as written, with activities made by defineActivity", () => {
    const shout = defineActivity({
      name: "text.shout",
      title: "Shout",
      description: "Upper-cases a text.",
      category: "Text",
      input: z.object({ text: z.string() }),
      run: ({ text }) => text.toUpperCase(),
    });
    const config = defineConfig({ activities: [shout, "./activities/more.ts"] });
    expect(config.activities).toEqual([shout, "./activities/more.ts"]);
    expect(new NonRetryableError("no").nonRetryable).toBe(true);
  });
});
