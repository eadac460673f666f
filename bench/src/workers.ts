/** Starts and stops external worker processes (worker-process.ts) for the pg-wN variants. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface WorkerPool {
  stop(): Promise<{ peakRssMb: number; turns: number }[]>;
}

const script = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

export async function startWorkerProcesses(count: number, schema: string): Promise<WorkerPool> {
  const children: { child: ChildProcess; out: string[] }[] = [];
  await Promise.all(
    Array.from({ length: count }, () => {
      const extra = process.env.BENCH_WORKER_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF_DIR}`] : [];
      const child = spawn(process.execPath, [...extra, "--import", "tsx", script, schema], { stdio: ["pipe", "pipe", "inherit"] });
      const out: string[] = [];
      children.push({ child, out });
      return new Promise<void>((resolve, reject) => {
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", (chunk: string) => {
          out.push(chunk);
          if (out.join("").includes("READY")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
      });
    }),
  );
  return {
    async stop() {
      return Promise.all(
        children.map(
          ({ child, out }) =>
            new Promise<{ peakRssMb: number; turns: number }>((resolve) => {
              child.removeAllListeners("exit");
              child.once("exit", () => {
                const line = out
                  .join("")
                  .split("\n")
                  .find((l) => l.startsWith("@@WORKER "));
                // BENCH_DEBUG=1: each worker process's metrics (turns, replays, local turns, store calls with BENCH_TRACE=1).
                if (process.env.BENCH_DEBUG) console.error(line);
                resolve(line ? JSON.parse(line.slice(9)) : { peakRssMb: Number.NaN, turns: Number.NaN });
              });
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
