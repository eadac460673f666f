import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSqliteStore } from "@weft/store-sqlite";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./crash-worker.ts", import.meta.url));
const INSTANCES = 40;

function runWorker(dir: string, killAfterMs?: number): Promise<"exited" | "killed"> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, dir, String(INSTANCES)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let killed = false;
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => ((killed = true), child.kill("SIGKILL")), killAfterMs);
    child.on("exit", (code) => {
      if (timer) clearTimeout(timer);
      if (killed) resolve("killed");
      else if (code === 0) resolve("exited");
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

// Expected output of pipeline(n): a=n+1, b=n+2, c=n+3, d=b+c+1.
const expected = (n: number) => 2 * n + 6;

describe("crash recovery on SQLite", () => {
  it("finishes every instance after the worker process is SIGKILLed mid-run, losing and duplicating nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-crash-"));
    try {
      // Kill the worker at varied moments until a run gets to finish on its own.
      let kills = 0;
      for (const delay of [700, 450, 900, 600, 800, 500, 1000, 650]) {
        if ((await runWorker(dir, delay)) === "exited") break;
        kills += 1;
      }
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(await runWorker(dir)).toBe("exited");

      const store = await createSqliteStore({ path: join(dir, "weft.db") });
      try {
        for (let i = 0; i < INSTANCES; i++) {
          const instance = await store.getInstance(`crash-${i}`);
          expect(instance?.status, JSON.stringify(instance?.error)).toBe("completed");
          expect(instance?.output).toBe(expected(i));
          const history = await store.getHistory(`crash-${i}`);
          expect(history.map((e) => e.seq)).toEqual(history.map((_, k) => k + 1));
          expect(history.filter((e) => e.type === "ExecutionCompleted")).toHaveLength(1);
          const answered = history.filter((e) => e.type === "TaskCompleted").map((e) => e.taskId);
          expect(new Set(answered).size).toBe(answered.length);
          expect(answered).toHaveLength(4);
        }
      } finally {
        await store.close();
      }
      const runs = existsSync(join(dir, "runs.log")) ? readFileSync(join(dir, "runs.log"), "utf8").trim().split("\n") : [];
      const perTask = new Map<string, number>();
      for (const run of runs) perTask.set(run, (perTask.get(run) ?? 0) + 1);
      expect(perTask.size).toBe(INSTANCES * 4);
      // At-least-once: a kill may repeat the activities it interrupted, and only those.
      for (const count of perTask.values()) expect(count).toBeLessThanOrEqual(1 + kills);
      console.log(`crash test: ${kills} kills, ${runs.length - perTask.size} repeated activity runs of ${perTask.size}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
