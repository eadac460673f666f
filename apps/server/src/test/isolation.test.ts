import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ActivityContext, ActivityProcessDiedError } from "@weft/engine";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ActivityIsolation } from "../isolation.js";

const project = mkdtempSync(join(tmpdir(), "weft-isolation-"));
function write(file: string, text: string): string {
  mkdirSync(join(project, file, ".."), { recursive: true });
  writeFileSync(join(project, file), text);
  return join(project, file);
}

const config = write(
  "weft.config.ts",
  `import { defineActivity, defineConfig, NonRetryableError, z } from "@weft/sdk";

const base = { title: "Test", description: "An activity of the isolation test.", category: "Tests" };
export default defineConfig({
  activities: [
    defineActivity({
      ...base,
      name: "iso.whoami",
      input: z.object({ text: z.string() }),
      run: (input, ctx) => {
        ctx.heartbeat({ progress: 0.5 });
        ctx.log.info("running", { text: input.text });
        return { pid: process.pid, text: input.text, key: ctx.idempotencyKey, attempt: ctx.attempt, tags: ctx.tags };
      },
    }),
    defineActivity({ ...base, name: "iso.refuse", input: z.unknown(), run: () => { throw new NonRetryableError("never in a million years"); } }),
    defineActivity({ ...base, name: "iso.crash", input: z.unknown(), run: () => { process.kill(process.pid, "SIGKILL"); return new Promise(() => {}); } }),
    defineActivity({
      ...base,
      name: "iso.slow",
      input: z.object({ ms: z.number() }),
      run: async ({ ms }) => {
        const started = Date.now();
        await new Promise((r) => setTimeout(r, ms));
        return { started, ended: Date.now(), pid: process.pid };
      },
    }),
    defineActivity({ ...base, name: "iso.stubborn", input: z.unknown(), run: () => new Promise(() => { setInterval(() => {}, 1000); }) }),
  ],
});
`,
);
const broken = write("broken.config.ts", `throw new Error("this config does not load");\n`);

const logger = pino({ level: "silent" });
let isolation: ActivityIsolation | undefined;
afterEach(() => isolation?.close());
afterAll(() => rmSync(project, { recursive: true, force: true }));

function context(overrides: Partial<ActivityContext> = {}) {
  const heartbeats: unknown[] = [];
  const logs: { message: string; fields?: Record<string, unknown> }[] = [];
  const ctx: ActivityContext = {
    instanceId: "i-1",
    executionId: "e-1",
    taskId: 3,
    attempt: 2,
    name: "iso.whoami",
    tags: { team: "video" },
    idempotencyKey: "i-1:e-1:3",
    signal: new AbortController().signal,
    heartbeat: (details) => heartbeats.push(details),
    log: { info: (message, fields) => logs.push({ message, fields }), warn: () => {}, error: () => {} },
    ...overrides,
  };
  return { ctx, heartbeats, logs };
}

const notInProcess = () => {
  throw new Error("ran in the worker, not isolated");
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("isolated activities", () => {
  it("run in a process of their own, with the task's context; heartbeats and logs come back to the worker", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const { ctx, heartbeats, logs } = context();
    const result = (await isolation.run("iso.whoami", { text: "hi" }, ctx, notInProcess)) as Record<string, unknown>;
    expect(result).toMatchObject({ text: "hi", key: "i-1:e-1:3", attempt: 2, tags: { team: "video" } });
    expect(result.pid).not.toBe(process.pid);
    expect(heartbeats).toEqual([{ progress: 0.5 }]);
    expect(logs).toEqual([{ message: "running", fields: { text: "hi" } }]);
    // The process stays for the next run.
    const again = (await isolation.run("iso.whoami", { text: "again" }, context().ctx, notInProcess)) as Record<string, unknown>;
    expect(again.pid).toBe(result.pid);
  });

  it("report an activity's error as its own (name, message, non-retryable) and its input errors as the worker would", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const refused = await isolation.run("iso.refuse", null, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "NonRetryableError", message: "never in a million years", nonRetryable: true });
    const badInput = await isolation.run("iso.whoami", { text: 7 }, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(badInput).toBeInstanceOf(Error);
    expect((badInput as Error).message).toMatch(/text/);
  });

  it("report a process the activity killed as ActivityProcessDiedError, and the next run gets a new process", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const first = (await isolation.run("iso.whoami", { text: "before" }, context().ctx, notInProcess)) as { pid: number };
    const died = await isolation.run("iso.crash", null, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(died).toBeInstanceOf(ActivityProcessDiedError);
    expect((died as ActivityProcessDiedError).exit).toEqual({ code: null, signal: "SIGKILL" });
    expect((died as Error).message).toBe(`its process (pid ${first.pid}) ended with signal SIGKILL`);
    const after = (await isolation.run("iso.whoami", { text: "after" }, context().ctx, notInProcess)) as { pid: number };
    expect(after.pid).not.toBe(first.pid);
  });

  it("run one at a time, so one activity's crash is never blamed on another", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const runs = (await Promise.all([0, 1, 2].map(() => isolation?.run("iso.slow", { ms: 150 }, context().ctx, notInProcess)))) as {
      started: number;
      ended: number;
    }[];
    runs.sort((a, b) => a.started - b.started);
    for (let i = 1; i < runs.length; i++) expect(runs[i]?.started).toBeGreaterThanOrEqual(runs[i - 1]?.ended ?? Number.POSITIVE_INFINITY);
  });

  it("answer a cancelled run at once and kill a process whose activity ignores the cancel", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger, cancelGraceMs: 200 });
    const { pid } = (await isolation.run("iso.whoami", { text: "x" }, context().ctx, notInProcess)) as { pid: number };
    const abort = new AbortController();
    const running = isolation.run("iso.stubborn", null, context({ signal: abort.signal }).ctx, notInProcess).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    abort.abort(new Error("the instance was terminated"));
    expect(await running).toMatchObject({ message: "the instance was terminated" });
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
    const next = (await isolation.run("iso.whoami", { text: "y" }, context().ctx, notInProcess)) as { pid: number };
    expect(next.pid).not.toBe(pid);
  });

  it("start a fresh process after a reload (weft dev), letting the old one finish its run first", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const { pid } = (await isolation.run("iso.whoami", { text: "up" }, context().ctx, notInProcess)) as { pid: number };
    const slow = isolation.run("iso.slow", { ms: 300 }, context().ctx, notInProcess) as Promise<{ pid: number }>;
    await new Promise((r) => setTimeout(r, 100));
    isolation.reset();
    expect((await slow).pid).toBe(pid);
    const next = (await isolation.run("iso.whoami", { text: "reloaded" }, context().ctx, notInProcess)) as { pid: number };
    expect(next.pid).not.toBe(pid);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it("never hand a run to a process retired while it was starting", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger });
    const run = isolation.run("iso.slow", { ms: 50 }, context().ctx, notInProcess);
    await new Promise((r) => setTimeout(r, 50));
    isolation.reset();
    await expect(run).resolves.toMatchObject({ pid: expect.any(Number) });
  });

  it("let an idle process exit", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger, idleMs: 100 });
    const { pid } = (await isolation.run("iso.whoami", { text: "x" }, context().ctx, notInProcess)) as { pid: number };
    expect(alive(pid)).toBe(true);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it("run in the worker when the config does not load in a process of its own", async () => {
    isolation = new ActivityIsolation({ project: { file: broken, once: false }, logger });
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
  });
});
