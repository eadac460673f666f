import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { examplesDir } from "../runtime.js";

const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "weft-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function weft(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    encoding: "utf8",
    env: { ...process.env, WEFT_DATA_DIR: dir, WEFT_DEMO_TIME_SCALE: "0", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the weft CLI", () => {
  it("validate: says a valid file is valid", () => {
    const result = weft(["validate", join(examplesDir(), "video-pipeline.json")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("valid");
  });

  it("validate: lists each problem with its node and exits 1", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify({ id: "b", name: "B", nodes: [{ id: "x", type: "delay", position: { x: 0, y: 0 } }], edges: [] }));
    const result = weft(["validate", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/error no-start/);
    expect(result.stdout).toMatch(/\(node x\)/);
  });

  it("validate: names a file that is not JSON instead of printing a stack", () => {
    const file = join(dir, "garbage.json");
    writeFileSync(file, "{ nope");
    const result = weft(["validate", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/garbage\.json is not valid JSON/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("run: runs a definition to completion and prints its output", () => {
    const file = join(dir, "double.json");
    writeFileSync(
      file,
      JSON.stringify({
        id: "double",
        name: "Double",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 } },
          { id: "calc", type: "activity", activity: "util.echo", input: '{ "doubled": input.n * 2 }', position: { x: 200, y: 0 } },
        ],
        edges: [{ id: "e", source: "start", target: "calc" }],
      }),
    );
    const result = weft(["run", file, "--input", '{"n":21}']);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ status: "completed", output: { doubled: 42 }, error: null });
  });

  it("start: refuses to listen beyond loopback without a token, and exits non-zero", () => {
    const result = weft(["start", "--host", "0.0.0.0", "--port", "0"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/WEFT_API_TOKEN/);
  });
});
