import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProjectConfig } from "../project-config.js";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

/** What the project's activities report back to the test (they run in this process). */
interface Probe {
  aborts: { reason: string; message: string }[];
  runs: string[];
}
const probe: Probe = { aborts: [], runs: [] };
(globalThis as { __weftProjectProbe?: Probe }).__weftProjectProbe = probe;

const project = mkdtempSync(join(tmpdir(), "weft-project-"));
const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
// Absolute: the CLI runs with the project as its working directory.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function write(file: string, text: string): void {
  mkdirSync(join(project, file, ".."), { recursive: true });
  writeFileSync(join(project, file), text);
}

write(
  "weft.config.ts",
  `import { defineConfig } from "@weft/sdk";
import { shout } from "./activities/shout.ts";
import { shoutTwice } from "./orchestrators/shout-twice.ts";

export default defineConfig({
  activities: [shout, "./activities/wait.ts"],
  orchestrators: { "shout-twice": shoutTwice },
});
`,
);
write(
  "activities/shout.ts",
  `import { defineActivity, NonRetryableError, z } from "@weft/sdk";

export const shout = defineActivity({
  name: "text.shout",
  title: "Shout",
  description: "Upper-cases a text.",
  category: "Text",
  input: z.object({ text: z.string().min(1).describe("What to shout") }),
  output: z.object({ shouted: z.string() }),
  run({ text }, ctx) {
    (globalThis as any).__weftProjectProbe.runs.push(text);
    if (text === "never") throw new NonRetryableError("Some things are never shouted.");
    ctx.log.info("shouting", { text });
    return { shouted: text.toUpperCase() };
  },
});
`,
);
write(
  "activities/wait.ts",
  `import { defineActivity, z } from "@weft/sdk";

export const wait = defineActivity({
  name: "text.wait",
  title: "Wait",
  description: "Waits until aborted.",
  category: "Text",
  input: z.object({}),
  run: (_input, ctx) =>
    new Promise((resolve) => {
      ctx.signal.addEventListener("abort", () => {
        const reason = ctx.signal.reason as Error;
        (globalThis as any).__weftProjectProbe.aborts.push({ reason: reason.name, message: reason.message });
        resolve("aborted");
      });
    }),
});
`,
);
write(
  "orchestrators/shout-twice.ts",
  `import type { OrchestrationContext } from "@weft/sdk";

export function* shoutTwice(ctx: OrchestrationContext, input: { text: string }) {
  const first: { shouted: string } = yield ctx.callActivity("text.shout", { text: input.text });
  const second: { shouted: string } = yield ctx.callActivity("text.shout", { text: first.shouted + "!" });
  return second.shouted;
}
`,
);

const drawn = {
  id: "shouting",
  name: "Shouting",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    {
      id: "shout",
      type: "activity",
      activity: "text.shout",
      input: "input",
      retry: { maxAttempts: 3, firstIntervalMs: 10 },
      position: { x: 200, y: 0 },
    },
  ],
  edges: [{ id: "e1", source: "start", target: "shout" }],
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { project: await loadProjectConfig(join(project, "weft.config.ts")) });
  expect((await server.api("/api/workflows/shouting", { method: "PUT", json: drawn })).status).toBe(200);
  expect((await server.api("/api/workflows/shouting/publish", { method: "POST" })).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

async function run(workflow: string, input: unknown) {
  const started = await server.api(`/api/workflows/${workflow}/instances`, { method: "POST", json: { input } });
  expect(started.status).toBe(202);
  return until(server, started.body.instanceId, isTerminal);
}

describe("a project's own activities (weft.config.ts)", () => {
  it("lists them in the catalog with their JSON Schemas, beside the built-ins", async () => {
    const { body } = await server.api("/api/activities");
    const shout = body.find((a: { name: string }) => a.name === "text.shout");
    expect(shout).toMatchObject({
      title: "Shout",
      category: "Text",
      source: "project",
      inputSchema: {
        type: "object",
        properties: { text: { type: "string", minLength: 1, description: "What to shout" } },
        required: ["text"],
      },
      outputSchema: { type: "object", properties: { shouted: { type: "string" } } },
    });
    expect(body.find((a: { name: string }) => a.name === "text.wait")).toMatchObject({ source: "project" });
    expect(body.find((a: { name: string }) => a.name === "util.echo")).toMatchObject({ source: "built-in" });
  });

  it("runs them from a drawn workflow published through the API", async () => {
    const done = await run("shouting", { text: "hello" });
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ shouted: "HELLO" });
  });

  it("fails invalid input at once, without retries, with the validation message", async () => {
    const before = probe.runs.length;
    const done = await run("shouting", { text: 42 });
    expect(done.status).toBe("failed");
    expect(JSON.stringify(done.error)).toMatch(/Activity 'text\.shout': input\.text/);
    const history = (await server.api(`/api/instances/${done.instanceId}/history`)).body.events;
    expect(history.filter((e: { type: string }) => e.type === "TaskScheduled")).toHaveLength(1);
    expect(history.find((e: { type: string }) => e.type === "TaskFailed").error).toMatchObject({ nonRetryable: true });
    expect(probe.runs.length).toBe(before);
  });

  it("stops retrying on a NonRetryableError", async () => {
    const done = await run("shouting", { text: "never" });
    expect(done.status).toBe("failed");
    const history = (await server.api(`/api/instances/${done.instanceId}/history`)).body.events;
    expect(history.filter((e: { type: string }) => e.type === "TaskScheduled")).toHaveLength(1);
    expect(history.find((e: { type: string }) => e.type === "TaskFailed").error).toMatchObject({
      name: "NonRetryableError",
      message: "Some things are never shouted.",
    });
  });

  it("aborts the activity's signal when its timeout passes", async () => {
    const timed = {
      id: "timed",
      name: "Timed",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "wait", type: "activity", activity: "text.wait", input: "{}", timeoutMs: 100, position: { x: 200, y: 0 } },
      ],
      edges: [{ id: "e1", source: "start", target: "wait" }],
    };
    await server.api("/api/workflows/timed", { method: "PUT", json: timed });
    await server.api("/api/workflows/timed/publish", { method: "POST" });
    const done = await run("timed", {});
    expect(done.status).toBe("failed");
    expect(JSON.stringify(done.error)).toMatch(/did not finish within 100 ms/);
    expect(probe.aborts).toContainEqual(expect.objectContaining({ reason: "TimeoutError" }));
  });

  it("aborts the activity's signal when its instance is terminated", async () => {
    const gate = {
      id: "gate",
      name: "Gate",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "wait", type: "activity", activity: "text.wait", input: "{}", position: { x: 200, y: 0 } },
      ],
      edges: [{ id: "e1", source: "start", target: "wait" }],
    };
    await server.api("/api/workflows/gate", { method: "PUT", json: gate });
    await server.api("/api/workflows/gate/publish", { method: "POST" });
    const started = await server.api("/api/workflows/gate/instances", { method: "POST", json: {} });
    const id = started.body.instanceId as string;
    await until(server, id, (d) => d.pending?.activities?.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await server.api(`/api/instances/${id}/terminate`, { method: "POST", json: { reason: "enough" } })).status).toBe(202);
    await until(server, id, (d) => d.status === "terminated");
    const deadline = Date.now() + 2000;
    while (!probe.aborts.some((a) => a.reason === "ActivityCancelledError") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(probe.aborts).toContainEqual({ reason: "ActivityCancelledError", message: expect.stringMatching(/instance is terminated/) });
  });
});

describe("code-first orchestrators from weft.config.ts", () => {
  it("are listed among the workflows, marked as code", async () => {
    const { body } = await server.api("/api/workflows");
    expect(body).toContainEqual(expect.objectContaining({ id: "shout-twice", kind: "code", latestVersion: null }));
    expect(body).toContainEqual(expect.objectContaining({ id: "shouting", kind: "drawn", latestVersion: 1 }));
    expect((await server.api("/api/workflows/shout-twice")).body).toMatchObject({ id: "shout-twice", kind: "code" });
  });

  it("start from the API without a published version and get the same instance pages", async () => {
    const started = await server.api("/api/workflows/shout-twice/instances", { method: "POST", json: { input: { text: "hey" } } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ workflowId: "shout-twice", version: null });
    const done = await until(server, started.body.instanceId, isTerminal);
    expect(done).toMatchObject({ status: "completed", output: "HEY!", workflowId: "shout-twice" });
    const history = (await server.api(`/api/instances/${done.instanceId}/history`)).body.events;
    expect(history.filter((e: { type: string }) => e.type === "TaskCompleted")).toHaveLength(2);
  });

  it("refuse a drawn draft under a code workflow's id", async () => {
    const { status, body } = await server.api("/api/workflows/shout-twice", { method: "PUT", json: { ...drawn, id: "shout-twice" } });
    expect(status).toBe(409);
    expect(body.detail).toMatch(/code-first orchestrator/);
  });
});

describe("a JavaScript config loaded once (weft start, weft worker)", () => {
  const activityModule = (name: string) =>
    `import { defineActivity, z } from "@weft/sdk";\nexport const a = defineActivity({ name: "${name}", title: "T", description: "", category: "C", input: z.object({}), run: () => 1 });\n`;

  it("is imported by Node itself where the project finds the server's @weft/sdk, with the same result and errors", async () => {
    // Inside the repository, so `@weft/sdk` resolves to the server's copy without a hook.
    const dir = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".tmp-once-"));
    try {
      writeFileSync(join(dir, "weft.config.mjs"), `export default { activities: ["./one.mjs"] };\n`);
      writeFileSync(join(dir, "one.mjs"), activityModule("once.one"));
      writeFileSync(join(dir, "broken.config.mjs"), `export default { activities: ["./broken.mjs"] };\n`);
      writeFileSync(join(dir, "broken.mjs"), `throw new Error("no token configured");\n`);
      const loaded = await loadProjectConfig(join(dir, "weft.config.mjs"), { once: true });
      expect(loaded.activities.map((a) => [a.definition.name, a.from])).toEqual([["once.one", "one.mjs"]]);
      // Node's own loader caches a module (tsx loads a fresh copy on every call): the same object again.
      const again = await loadProjectConfig(join(dir, "weft.config.mjs"), { once: true });
      expect(again.activities[0]?.definition).toBe(loaded.activities[0]?.definition);
      expect((await loadProjectConfig(join(dir, "weft.config.mjs"))).activities[0]?.definition).not.toBe(loaded.activities[0]?.definition);
      await expect(loadProjectConfig(join(dir, "broken.config.mjs"), { once: true })).rejects.toThrow(
        /broken\.mjs failed to load.*no token configured/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("still gets the server's @weft/sdk where the project has none of its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-once-"));
    try {
      writeFileSync(join(dir, "weft.config.mjs"), `export default { activities: ["./two.mjs"] };\n`);
      writeFileSync(join(dir, "two.mjs"), activityModule("once.two"));
      const loaded = await loadProjectConfig(join(dir, "weft.config.mjs"), { once: true });
      expect(loaded.activities.map((a) => a.definition.name)).toEqual(["once.two"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bad projects", () => {
  function weft(dir: string, args: string[]) {
    const result = spawnSync(process.execPath, ["--import", tsx, cli, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, WEFT_DATA_DIR: join(dir, ".weft"), WEFT_LOG_LEVEL: "silent" },
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  function scratch(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "weft-bad-"));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  }

  it("weft start exits 1 naming the module that throws at import, without a deep stack", () => {
    const dir = scratch({
      "weft.config.ts": `export default { activities: ["./activities/broken.ts"] };\n`,
      "activities/broken.ts": `const x = 1;\nthrow new Error("the database URL is missing");\n`,
    });
    try {
      const result = weft(dir, ["start", "--port", "0"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/activities\/broken\.ts failed to load.*: the database URL is missing/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("weft start exits 1 on a config that does not compile, naming the file", () => {
    const dir = scratch({ "weft.config.ts": `export default { activities: [ };\n` });
    try {
      const result = weft(dir, ["start", "--port", "0"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/weft\.config\.ts failed to load/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses duplicate activity names, naming both places, also against the built-ins", async () => {
    const activity = (name: string) =>
      `import { defineActivity, z } from "@weft/sdk";\nexport const a = defineActivity({ name: "${name}", title: "T", description: "", category: "C", input: z.object({}), run: () => 1 });\n`;
    const dir = scratch({
      "weft.config.ts": `export default { activities: ["./a.ts", "./b.ts"] };\n`,
      "a.ts": activity("dup.name"),
      "b.ts": activity("dup.name"),
      "builtin.config.ts": `export default { activities: ["./echo.ts"] };\n`,
      "echo.ts": activity("util.echo"),
    });
    try {
      const result = weft(dir, ["start", "--port", "0"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Two activities are named 'dup\.name': one in a\.ts, one in b\.ts/);
      const clash = weft(dir, ["start", "--port", "0", "--config", "builtin.config.ts"]);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toMatch(/'util\.echo' in echo\.ts clashes with the built-in activity 'util\.echo'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("weft init scaffolds a project that weft run runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-init-"));
    try {
      const init = weft(dir, ["init", "my-app"]);
      expect(init.code).toBe(0);
      const app = join(dir, "my-app");
      const result = weft(app, ["run", "workflows/hello.json", "--input", '{"name":"Ada"}']);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({ status: "completed", output: { greeting: "Hello, Ada!" }, error: null });
      expect(weft(app, ["init"]).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
