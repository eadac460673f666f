import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeHostileExpressions } from "./support/expression-probes.js";
import { report } from "./support/results.js";
import { apiAt, type ServerProcess, startServerProcess } from "./support/server-process.js";

// Issue #23, finding 3, reproduced through a running server: before the fix the $eval
// regex froze the process (health 12.7 s) and the other probes held the event loop for
// as long as they ran. The server runs as users run it, `weft start` in a process of its
// own, and the health checks come from this one, as a monitor's would: the figure is the
// server's event loop, not the test runner's (which in the same process added its own
// work — source-mapped stack traces of every failing probe — to every request).
const TOKEN = "reliability-token-0123456789";

describe("no expression can hold the process", () => {
  let server: ServerProcess;
  let dataDir: string;
  const figures: Record<string, number | boolean | string> = {};
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "weft-security-expressions-"));
    server = await startServerProcess({ dataDir, env: { WEFT_API_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    report("security-expressions", figures);
    await server?.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers /api/health in under 100 ms while hostile expressions run, and every instance ends with a clear error or a result", async () => {
    const result = await probeHostileExpressions(
      server.url,
      apiAt(() => server.url),
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    Object.assign(figures, {
      maxHealthMs: result.maxHealthMs,
      p99HealthMs: result.p99HealthMs,
      slowestAtMs: result.slowestAtMs,
      healthSamples: result.healthSamples,
      endedAfterMs: result.endedAfterMs,
    });
    console.log("[security-expressions] instances", result.instances.map((i) => `${i.name}: ${i.status}`).join(", "));
    expect(result.healthFailures).toBe(0);
    expect(result.maxHealthMs, "slowest /api/health answer while the expressions ran").toBeLessThan(100);
    expect(result.endedAfterMs).toBeLessThan(20_000);
    const byName = (name: string) => result.instances.filter((instance) => instance.name === name);
    for (const instance of byName("eval-regex")) expect(instance.status).toBe("completed");
    for (const instance of byName("alternation-regex")) expect(instance.status).toBe("completed");
    for (const instance of byName("loop-to-box")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/evaluation steps|longer than/);
    }
    for (const instance of byName("costly-match")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/too costly to run on a text of 200000 characters/);
    }
    for (const name of ["sort", "string"]) {
      for (const instance of byName(name)) {
        expect(instance.status, name).toBe("failed");
        expect(instance.error, name).toMatch(/sequence longer than 100000 items/);
      }
    }
    for (const instance of byName("sort-strings")) expect(instance.status).toBe("completed");
    // 100,000 pairs weigh 300,000 nodes: refused as $zip builds them, before $distinct runs.
    for (const name of ["distinct", "dag-returned", "dag-string", "dag-equals", "dag-distinct", "dag-30"]) {
      expect(byName(name).length, name).toBe(2);
      for (const instance of byName(name)) {
        expect(instance.status, name).toBe("failed");
        expect(instance.error, name).toMatch(/A value larger than 125000 nodes was built/);
      }
    }
    for (const instance of byName("string-doubling")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/A text of \d+ characters was built; at most 262144 are allowed/);
    }
    for (const instance of byName("split-long")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/An array of 200000 items was built; at most 100000 are allowed/);
    }
    for (const instance of byName("eval-literal")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/\$eval\(\) was given a text of \d+ characters; at most 10000 are evaluated/);
    }
    expect(result.publishRefusals).toHaveLength(1);
    expect(result.publishRefusals[0]?.status).toBe(422);
    expect(result.publishRefusals[0]?.message).toMatch(/20000 items .* at most 1000 are allowed/);
    for (const instance of byName("to-millis")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/at most 200 are accepted/);
    }
    for (const instance of byName("many-matches")) {
      expect(instance.status).toBe("failed");
      expect(instance.error).toMatch(/units of work in one function call/);
    }
  });
});
