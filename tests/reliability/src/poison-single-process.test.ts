import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { definition } from "./support/definitions.js";
import { apiAt, publish, type ServerProcess, sleep, startServerProcess } from "./support/server-process.js";

/**
 * Scenario 7 on the default deployment: one `weft start` process on SQLite, whose API
 * and worker die together. A project activity that kills its process takes the whole
 * server down the first time (nothing can prevent that without running every activity
 * in a process of its own). After the restart it is a suspect and runs isolated: it kills
 * only its disposable processes, the attempt is given up, and the server keeps serving.
 * (The PostgreSQL version, with throughput figures, is tests/scale-out/src/poison.test.ts.)
 */
const CONFIG = fileURLToPath(new URL("../fixtures/crashing-activity.config.mjs", import.meta.url));

const poison = definition(
  "poison",
  [
    { id: "start", type: "start" },
    { id: "crash", type: "activity", activity: "chaos.killMyProcess", input: "input", retry: { maxAttempts: 1 } },
    { id: "end", type: "end", output: "steps.crash" },
  ],
  [
    ["start", "crash"],
    ["crash", "end"],
  ],
);
const where = definition(
  "where",
  [
    { id: "start", type: "start" },
    { id: "probe", type: "activity", activity: "chaos.whichProcess", input: "input" },
    { id: "end", type: "end", output: "steps.probe" },
  ],
  [
    ["start", "probe"],
    ["probe", "end"],
  ],
);

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a poison activity in a single weft start process (SQLite)", () => {
  it("kills the server once; after the restart it runs isolated, is given up, and the server keeps serving", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "weft-poison-single-"));
    dirs.push(dataDir);
    const start = async () => {
      const server = await startServerProcess({ dataDir, args: ["--config", CONFIG] });
      servers.push(server);
      return server;
    };
    let server = await start();
    const api = apiAt(() => server.url);
    await publish(api, poison);
    await publish(api, where);

    // The first run: in the worker, which is the whole server.
    const first = server;
    expect((await api("/api/workflows/poison/instances", { json: { instanceId: "poison-1", input: {} } })).status).toBe(202);
    expect(await Promise.race([first.exited.then(() => "died"), sleep(15_000).then(() => "still up")])).toBe("died");

    // Restarted (as systemd or Docker would): the attempt is a suspect now.
    server = await start();
    let instance: { status: string; error?: { message?: string } } = { status: "running" };
    for (let waited = 0; waited < 30_000 && instance.status === "running"; waited += 100) {
      instance = (await api("/api/instances/poison-1")).body;
      if (instance.status === "running") await sleep(100);
    }
    expect(instance.status).toBe("failed");
    const failed = (
      (await api("/api/instances/poison-1/history")).body.events as { type: string; error?: { name: string; message: string } }[]
    ).filter((e) => e.type === "TaskFailed");
    expect(failed.map((e) => e.error?.name)).toEqual(["PoisonActivityError"]);
    expect(failed[0]?.error?.message).toContain("its worker died 1 time(s), then the process it ran alone in died 2 time(s)");

    // The server survived its poison: it answers, and fresh work still runs in its own process.
    expect(await Promise.race([server.exited.then(() => "died"), sleep(500).then(() => "up")])).toBe("up");
    expect((await api("/api/health")).status).toBe(200);
    expect((await api("/api/workflows/where/instances", { json: { instanceId: "where-1", input: {} } })).status).toBe(202);
    let probe: { status: string; output?: { pid: number } } = { status: "running" };
    for (let waited = 0; waited < 10_000 && probe.status !== "completed"; waited += 50) {
      probe = (await api("/api/instances/where-1")).body;
      if (probe.status !== "completed") await sleep(50);
    }
    expect(probe.output?.pid).toBe(server.pid);
  });
});
