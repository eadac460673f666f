import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const NODE_BUILTINS = /from\s+['"](node:[^'"]+|fs|path|os|crypto|util|events|stream|child_process|worker_threads)['"]/;

describe("the package source", () => {
  it("imports no Node built-ins, so the designer can run it in the browser", () => {
    const directory = new URL("./", import.meta.url);
    // Recursive, so the node kinds' modules (nodes/) are covered too.
    const sources = readdirSync(directory, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(new URL(file, directory), "utf8");
      expect(NODE_BUILTINS.test(text), `${file} imports a Node built-in`).toBe(false);
    }
  });
});
