import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
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

const base = { title: "Test", description: "An activity of the isolation test.", category: "Tests", input: z.unknown() };
export default defineConfig({
  activities: [
    defineActivity({
      ...base,
      name: "iso.whoami",
      input: z.object({ text: z.string() }),
      run: (input, ctx) => {
        ctx.heartbeat({ progress: 0.5 });
        ctx.log.info("running", { text: input.text, problem: new RangeError("just so") });
        return { pid: process.pid, text: input.text, key: ctx.idempotencyKey, attempt: ctx.attempt, tags: ctx.tags };
      },
    }),
    defineActivity({ ...base, name: "iso.refuse", run: () => { throw new NonRetryableError("never in a million years"); } }),
    defineActivity({ ...base, name: "iso.crash", run: () => { process.kill(process.pid, "SIGKILL"); return new Promise(() => {}); } }),
    defineActivity({
      ...base,
      name: "iso.crashLater",
      run: () => { setTimeout(() => process.kill(process.pid, "SIGKILL"), 20); return { pid: process.pid }; },
    }),
    defineActivity({ ...base, name: "iso.stubborn", run: () => new Promise(() => { setInterval(() => {}, 1000); }) }),
    defineActivity({
      ...base,
      name: "iso.unserialisable",
      run: (kind: unknown) => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        if (kind === "result") return { big: 10n };
        throw Object.assign(new Error("with odd details"), { name: "OddError", details: { big: 10n } });
      },
    }),
    defineActivity({
      ...base,
      name: "iso.cyclicLog",
      run: (_, ctx) => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        ctx.log.warn("cyclic", { cycle });
        ctx.heartbeat(cycle);
        return "logged";
      },
    }),
  ],
});
`,
);
const broken = write("broken.config.ts", `throw new Error("this config does not load");\n`);
const hanging = write("hanging.config.mts", `await new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n`);

/** A logger whose warnings the test can read. */
function warnings() {
  const lines: { msg: string }[] = [];
  const logger = pino(
    { level: "warn" },
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
  return { logger, lines };
}

const silent = pino({ level: "silent" });
let isolation: ActivityIsolation | undefined;
afterEach(() => isolation?.close());
afterAll(() => rmSync(project, { recursive: true, force: true }));

function context(overrides: Partial<ActivityContext> = {}) {
  const heartbeats: unknown[] = [];
  const logs: { message: string; fields?: Record<string, unknown> }[] = [];
  const log = (message: string, fields?: Record<string, unknown>) => logs.push(fields === undefined ? { message } : { message, fields });
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
    log: { info: log, warn: log, error: log },
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
  it("run in a fresh process each, with the task's context; heartbeats and logs come back to the worker; the process exits after its run", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const { ctx, heartbeats, logs } = context();
    const result = (await isolation.run("iso.whoami", { text: "hi" }, ctx, notInProcess)) as Record<string, unknown>;
    expect(result).toMatchObject({ text: "hi", key: "i-1:e-1:3", attempt: 2, tags: { team: "video" } });
    expect(result.pid).not.toBe(process.pid);
    expect(heartbeats).toEqual([{ progress: 0.5 }]);
    expect(logs).toEqual([
      {
        message: "running",
        fields: { text: "hi", problem: { name: "RangeError", message: "just so", stack: expect.stringContaining("RangeError: just so") } },
      },
    ]);
    await expect.poll(() => alive(result.pid as number), { timeout: 5000 }).toBe(false);
    const [again, beside] = (await Promise.all([
      isolation.run("iso.whoami", { text: "again" }, context().ctx, notInProcess),
      isolation.run("iso.whoami", { text: "beside" }, context().ctx, notInProcess),
    ])) as { pid: number }[];
    expect(new Set([result.pid, again?.pid, beside?.pid]).size).toBe(3);
  });

  it("report an activity's error as its own (name, message, non-retryable) and its input errors as the worker would", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const refused = await isolation.run("iso.refuse", null, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "NonRetryableError", message: "never in a million years", nonRetryable: true });
    const badInput = await isolation.run("iso.whoami", { text: 7 }, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(badInput).toBeInstanceOf(Error);
    expect(badInput).not.toBeInstanceOf(ActivityProcessDiedError);
    expect((badInput as Error).message).toMatch(/text/);
  });

  it("report a process the activity killed as ActivityProcessDiedError", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const died = await isolation.run("iso.crash", null, context().ctx, notInProcess).catch((e: unknown) => e);
    expect(died).toBeInstanceOf(ActivityProcessDiedError);
    expect((died as ActivityProcessDiedError).exit).toEqual({ code: null, signal: "SIGKILL" });
    expect((died as Error).message).toMatch(/^its process \(pid \d+\) ended with signal SIGKILL$/);
  });

  it("never blame an activity for a crash its process had after answering", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const { pid } = (await isolation.run("iso.crashLater", null, context().ctx, notInProcess)) as { pid: number };
    const next = (await isolation.run("iso.whoami", { text: "innocent" }, context().ctx, notInProcess)) as { pid: number };
    expect(next.pid).not.toBe(pid);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it("answer a cancelled run at once and kill a process whose activity ignores the cancel", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent, cancelGraceMs: 200 });
    const abort = new AbortController();
    const { ctx, heartbeats } = context({ signal: abort.signal });
    const running = isolation.run("iso.stubborn", null, ctx, notInProcess).catch((e: unknown) => e);
    // Let it start (the process loads the project first).
    await new Promise((r) => setTimeout(r, 1500));
    const [pid] = pids();
    expect(pid).toBeDefined();
    abort.abort(new Error("the instance was terminated"));
    expect(await running).toMatchObject({ message: "the instance was terminated" });
    expect(heartbeats).toEqual([]);
    await expect.poll(() => alive(pid as number), { timeout: 5000 }).toBe(false);
  });

  it("never run an activity cancelled while its process was starting", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const abort = new AbortController();
    const { ctx, logs } = context({ signal: abort.signal });
    const running = isolation.run("iso.whoami", { text: "too late" }, ctx, notInProcess).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    const cancelledAt = Date.now();
    abort.abort(new Error("timed out"));
    expect(await running).toMatchObject({ message: "timed out" });
    expect(Date.now() - cancelledAt).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(logs).toEqual([]);
    expect(pids()).toEqual([]);
  });

  it("report values that are not JSON as ordinary failures, never as a death; a cyclic log or heartbeat does not break the activity", async () => {
    isolation = new ActivityIsolation({ project: { file: config, once: false }, logger: silent });
    const result = await isolation.run("iso.unserialisable", "result", context().ctx, notInProcess).catch((e: unknown) => e);
    expect(result).toMatchObject({
      name: "TypeError",
      message: "Activity 'iso.unserialisable' returned a value that is not JSON (a BigInt, a cycle).",
    });
    const error = await isolation.run("iso.unserialisable", "error", context().ctx, notInProcess).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "OddError", message: "with odd details" });
    expect(error).not.toBeInstanceOf(ActivityProcessDiedError);
    const { ctx, logs, heartbeats } = context();
    expect(await isolation.run("iso.cyclicLog", null, ctx, notInProcess)).toBe("logged");
    expect(logs).toEqual([{ message: "cyclic", fields: { fields: "[not JSON]" } }]);
    expect(heartbeats).toEqual([undefined]);
  });

  it("run in the worker when the config does not load in a process of its own, and try processes again after a reload", async () => {
    const { logger, lines } = warnings();
    isolation = new ActivityIsolation({ project: { file: broken, once: false }, logger });
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
    // Found broken once; the second run did not start a process.
    expect(lines.filter((l) => l.msg.includes("cannot run in an isolated process"))).toHaveLength(1);
    isolation.reset();
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
    expect(lines.filter((l) => l.msg.includes("cannot run in an isolated process"))).toHaveLength(2);
  });

  it("let a failure to load from before a reload not mark the reloaded project broken", async () => {
    const { logger, lines } = warnings();
    isolation = new ActivityIsolation({ project: { file: broken, once: false }, logger });
    const first = isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker");
    isolation.reset();
    expect(await first).toBe("in the worker");
    // The next run tries a process again: the failure belonged to the project before the reload.
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
    expect(lines.filter((l) => l.msg.includes("cannot run in an isolated process"))).toHaveLength(2);
  });

  it("give up on a process that does not load the project in time", async () => {
    const { logger, lines } = warnings();
    isolation = new ActivityIsolation({ project: { file: hanging, once: false }, logger, startTimeoutMs: 1500 });
    expect(await isolation.run("iso.whoami", { text: "x" }, context().ctx, () => "in the worker")).toBe("in the worker");
    expect(lines.map((l) => (l as { reason?: string }).reason)).toContain("the process did not load the project within 1500 ms");
    await expect.poll(() => pids(), { timeout: 5000 }).toEqual([]);
  });
});

/** The isolated processes alive now. */
function pids(): number[] {
  return (isolation?.processes() ?? []).filter(alive);
}
