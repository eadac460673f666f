import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definition } from "./support/definitions.js";
import { apiAt, sleep, startServerProcess } from "./support/server-process.js";

// Two bugs this suite found. Regexes with catastrophic backtracking blocked the whole
// server far past the 1 s time box: refused at parse time in 745c592, and since issue #23
// run on a linear-time engine (RE2), so the expression completes at once (see also
// security-expressions.test.ts, which polls /api/health every 10 ms). $pad with a huge
// width killed the server with a fatal V8 error: bounded in 745c592.

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
    // A definition may also be refused when it is published (422): that is fine too.
    const saved = await api("/api/workflows/hostile-one", { method: "PUT", json: withExpression("hostile-one", expression) });
    const published = await api("/api/workflows/hostile-one/publish", { method: "POST" });
    if (saved.status === 200 && published.status === 422)
      return { refusedAtPublish: true, health: 200, healthMs: 0, alive: true, status: "failed", stderr: "" };
    // The API must keep answering while the expression runs (its time box is 1 s):
    // ping /api/health every 100 ms for 6 s from the start request on.
    const startedAt = Date.now();
    const start = api("/api/workflows/hostile-one/instances", { json: { input: {} } });
    let worstHealthMs = 0;
    let health: number | string = 200;
    while (Date.now() - startedAt < 6_000) {
      const t0 = Date.now();
      const status = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(8_000) }).then(
        (r) => r.status,
        (e: Error) => e.name,
      );
      worstHealthMs = Math.max(worstHealthMs, Date.now() - t0);
      if (status !== 200) health = status;
      await sleep(100);
    }
    const started = await start.catch(() => ({ status: 0, body: {} as any }));
    const alive = await Promise.race([server.exited.then(() => false), sleep(100).then(() => true)]);
    const instance =
      alive && started.body?.instanceId
        ? (await api(`/api/instances/${started.body.instanceId}`).catch(() => ({ body: undefined }))).body
        : undefined;
    const healthMs = worstHealthMs;
    return { health, healthMs, alive, status: instance?.status, stderr: server.stderr().slice(-500) };
  } finally {
    await server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("hostile JSONata cannot escape the expression limits", () => {
  it("a regex with catastrophic backtracking neither blocks the server nor outlives the time box (refused at publish, or stopped)", async () => {
    // 26 a's ≈ 8 s of one blocked event loop on a laptop; each extra 'a' doubles it.
    const result = await runHostile(`$match("aaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)`);
    console.log("[bug:regex-backtracking]", JSON.stringify(result));
    expect(result.health, "GET /api/health while the expression runs").toBe(200);
    expect(result.healthMs).toBeLessThan(2_000);
  });

  it("a string past V8's size limit fails the node instead of killing the server process", async () => {
    const result = await runHostile(`$length($pad("x", 200000000) & $pad("y", 200000000))`);
    console.log("[bug:string-size]", JSON.stringify(result));
    expect(result.health, `the server stopped answering: ${result.stderr}`).toBe(200);
    expect(result.alive, `the server process died: ${result.stderr}`).toBe(true);
    expect(result.status).toBe("failed");
  });
});
