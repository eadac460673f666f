import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definition } from "./support/definitions.js";
import { apiAt, publish, sleep, startServerProcess } from "./support/server-process.js";

// CONFIRMED BUGS (reported; not part of `npm test`, run by `npm run test:chaos`).
// Each test states the property that should hold and FAILS today. When a fix lands,
// the test passes: move it into hostile.test.ts.

const withExpression = (id: string, expression: string) =>
  definition(
    id,
    [
      { id: "start", type: "start" },
      { id: "calc", type: "transform", assign: { x: expression } },
      { id: "end", type: "end", output: "vars" },
    ],
    [
      ["start", "calc"],
      ["calc", "end"],
    ],
  );

/** Starts a workflow with `expression` on a fresh server process; returns how the server fared. */
async function runHostile(expression: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-bug-"));
  const server = await startServerProcess({ dataDir });
  const api = apiAt(() => server.url);
  try {
    await publish(api, withExpression("hostile-one", expression));
    // The API must keep answering while the expression runs (its time box is 1 s):
    // ping /api/health every 100 ms for 6 s from the start request on.
    const startedAt = Date.now();
    const start = api("/api/workflows/hostile-one/instances", { json: { input: {} } });
    let worstHealthMs = 0;
    let health: number | string = 200;
    while (Date.now() - startedAt < 6_000) {
      const t0 = Date.now();
      const status = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(8_000) }).then((r) => r.status, (e: Error) => e.name);
      worstHealthMs = Math.max(worstHealthMs, Date.now() - t0);
      if (status !== 200) health = status;
      await sleep(100);
    }
    const started = await start.catch(() => ({ status: 0, body: {} as any }));
    const alive = await Promise.race([server.exited.then(() => false), sleep(100).then(() => true)]);
    const instance = alive && started.body?.instanceId ? (await api(`/api/instances/${started.body.instanceId}`).catch(() => ({ body: undefined }))).body : undefined;
    const healthMs = worstHealthMs;
    return { health, healthMs, alive, status: instance?.status, stderr: server.stderr().slice(-500) };
  } finally {
    await server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("KNOWN BUG: hostile JSONata escapes the expression time box", () => {
  it("BUG: a regex with catastrophic backtracking blocks the whole server (API and workers) far beyond the 1 s time box", async () => {
    // 26 a's ≈ 8 s of one blocked event loop on a laptop; each extra 'a' doubles it.
    const result = await runHostile(`$match("aaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)`);
    console.log("[bug:regex-backtracking]", JSON.stringify(result));
    expect(result.health, "GET /api/health while the expression runs").toBe(200);
    expect(result.healthMs).toBeLessThan(2_000);
  });

  it("BUG: a string past V8's size limit kills the server process (Fatal JavaScript invalid size error)", async () => {
    const result = await runHostile(`$length($pad("x", 200000000) & $pad("y", 200000000))`);
    console.log("[bug:string-size]", JSON.stringify(result));
    expect(result.health, `the server stopped answering: ${result.stderr}`).toBe(200);
    expect(result.alive, `the server process died: ${result.stderr}`).toBe(true);
    expect(result.status).toBe("failed");
  });
});
