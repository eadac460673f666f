import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "./clock.js";
import type { OrchestrationContext } from "../core/context.js";
import { createTestHub, type TestHub } from "../testing/test-hub.js";
import type { ActivityContext, ActivityTaskInfo } from "./activity.js";
import { DEFAULT_ACTIVITY_CONCURRENCY } from "./worker.js";

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

function* callsOne(ctx: OrchestrationContext, name: string) {
  const result: unknown = yield ctx.callActivity(name, null);
  return result;
}

describe("activity slots", () => {
  it("runs at most DEFAULT_ACTIVITY_CONCURRENCY (100) activities at once when not told otherwise, then the rest", async () => {
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    hub = createTestHub({
      clock: systemClock,
      orchestrators: { callsOne },
      activities: {
        hold: () =>
          new Promise((resolve) => {
            running += 1;
            peak = Math.max(peak, running);
            release.push(() => {
              running -= 1;
              resolve("done");
            });
          }),
      },
    });
    const ids = await Promise.all(Array.from({ length: 130 }, () => hub!.client.start("callsOne", "hold")));
    for (let i = 0; i < 400 && running < DEFAULT_ACTIVITY_CONCURRENCY; i += 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(DEFAULT_ACTIVITY_CONCURRENCY).toBe(100);
    expect(peak).toBe(DEFAULT_ACTIVITY_CONCURRENCY);
    while (release.length > 0 || running > 0) {
      for (const done of release.splice(0)) done();
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const id of ids) await hub.until(id, (i) => i.status === "completed");
    expect(peak).toBe(DEFAULT_ACTIVITY_CONCURRENCY);
  });
});

describe("the activity context", () => {
  it("aborts a running activity's signal promptly when its instance is terminated", async () => {
    let reason: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    hub = createTestHub({
      clock: systemClock,
      // A long lease: the abort must come from the terminate, not from a renewal tick.
      leaseMs: 60_000,
      orchestrators: { callsOne },
      activities: {
        slow: (_: unknown, ctx: ActivityContext) =>
          new Promise((resolve) => {
            started();
            ctx.signal.addEventListener("abort", () => {
              reason = ctx.signal.reason;
              resolve("aborted");
            });
          }),
      },
    });
    const id = await hub.client.start("callsOne", "slow");
    await running;
    const at = Date.now();
    await hub.client.terminate(id, "enough");
    await hub.until(id, (i) => i.status === "terminated");
    for (let i = 0; i < 200 && reason === undefined; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - at).toBeLessThan(1000);
    expect(reason).toMatchObject({ name: "ActivityCancelledError", reason: "instance-ended" });
    expect((reason as Error).message).toMatch(/terminated/);
  });

  it("gives each activity a logger bound to its task and passes heartbeat details on", async () => {
    const lines: { task: ActivityTaskInfo; level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const beats: unknown[] = [];
    hub = createTestHub({
      orchestrators: { callsOne },
      activityLogger: (task) => ({
        info: (message, fields) => lines.push({ task, level: "info", message, ...(fields ? { fields } : {}) }),
        warn: (message) => lines.push({ task, level: "warn", message }),
        error: (message) => lines.push({ task, level: "error", message }),
      }),
      onHeartbeat: (_task, details) => beats.push(details),
      activities: {
        chatty: (_: unknown, ctx: ActivityContext) => {
          ctx.log.info("working", { step: 1 });
          ctx.heartbeat({ percent: 50 });
          ctx.log.warn("almost");
          return "done";
        },
      },
    });
    const id = await hub.client.start("callsOne", "chatty");
    expect((await hub.client.waitForCompletion(id)).output).toBe("done");
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ["info", "working"],
      ["warn", "almost"],
    ]);
    expect(lines[0]).toMatchObject({ task: { instanceId: id, taskId: 1, name: "chatty", attempt: 1 }, fields: { step: 1 } });
    expect(beats).toEqual([{ percent: 50 }]);
  });

  it("binds a logger only for the activities that log", async () => {
    const made: string[] = [];
    hub = createTestHub({
      orchestrators: { callsOne },
      activityLogger: (task) => {
        made.push(task.name);
        return { info: () => undefined, warn: () => undefined, error: () => undefined };
      },
      activities: {
        quiet: () => "quiet",
        chatty: (_: unknown, ctx: ActivityContext) => {
          ctx.log.info("one");
          ctx.log.info("two");
          return "chatty";
        },
      },
    });
    for (const name of ["quiet", "chatty", "quiet"]) {
      expect((await hub.client.waitForCompletion(await hub.client.start("callsOne", name))).output).toBe(name);
    }
    expect(made).toEqual(["chatty"]);
  });
});

describe("claiming with names served elsewhere", () => {
  it("leaves tasks for names served elsewhere queued and fails names nobody serves at once", async () => {
    const remote = new Set(["remote.thing"]);
    hub = createTestHub({
      orchestrators: { callsOne },
      activities: { local: () => "local ran" },
      servedElsewhere: () => remote,
    });
    const local = await hub.client.start("callsOne", "local");
    expect((await hub.client.waitForCompletion(local)).output).toBe("local ran");

    const unknown = await hub.client.start("callsOne", "nobody.serves");
    const failed = await hub.client.waitForCompletion(unknown);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/No activity named 'nobody\.serves'/);

    const waiting = await hub.client.start("callsOne", "remote.thing");
    await hub.until(waiting, (_, history) => history.some((e) => e.type === "TaskScheduled"));
    await new Promise((r) => setTimeout(r, 100));
    hub.worker.poke();
    await new Promise((r) => setTimeout(r, 100));
    expect((await hub.store.getInstance(waiting))?.status).toBe("running");
    const [task] = await hub.store.claimActivities({
      owner: "remote",
      limit: 10,
      leaseMs: 1000,
      now: hub.clock.now(),
      names: ["remote.thing"],
    });
    expect(task).toMatchObject({ name: "remote.thing", instanceId: waiting });
  });

  it("fails a name once nobody serves it any more", async () => {
    const remote = new Set(["flaky.remote"]);
    hub = createTestHub({ orchestrators: { callsOne }, activities: {}, servedElsewhere: () => remote });
    const id = await hub.client.start("callsOne", "flaky.remote");
    await hub.until(id, (_, history) => history.some((e) => e.type === "TaskScheduled"));
    remote.delete("flaky.remote");
    hub.worker.poke();
    const done = await hub.client.waitForCompletion(id);
    expect(done.error?.message).toMatch(/No activity named .flaky\.remote./);
  });
});
