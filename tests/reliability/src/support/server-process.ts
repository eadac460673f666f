import { type ChildProcess, spawn } from "node:child_process";
import { cliPath } from "./paths.js";

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILL (default) or SIGTERM, then wait for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What the process wrote to stderr (for failure messages). */
  stderr(): string;
}

export interface ServerProcessOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Give up waiting for "Weft is listening" after this long. Default 30 s. */
  startTimeoutMs?: number;
  /** More arguments for `weft start` (e.g. `--config <file>`). */
  args?: string[];
}

/**
 * `node apps/server/dist/cli.js start` as a real child process on a free loopback
 * port (PORT=0), SQLite in `dataDir`. Resolves once it prints its URL and
 * `/api/health` answers 200 (store migrated, examples published).
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [cliPath, "start", ...(options.args ?? [])], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      WEFT_DATA_DIR: options.dataDir,
      WEFT_LOG_LEVEL: "warn",
      WEFT_DEMO_TIME_SCALE: "0",
      WEFT_API_TOKEN: "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${options.startTimeoutMs ?? 30_000} ms: ${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Weft is listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr}`));
    });
  });
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(20);
  }
  return {
    url,
    pid: child.pid as number,
    exited,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    stderr: () => stderr,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Api {
  (
    path: string,
    init?: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
}

/** JSON over fetch against a base URL (a getter, so it follows a restarted server). */
export function apiAt(base: () => string): Api {
  return async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${base()}${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  };
}

/** Saves and publishes a definition over the API; throws with the problems if refused. */
export async function publish(api: Api, definition: { id: string }): Promise<void> {
  const saved = await api(`/api/workflows/${definition.id}`, { method: "PUT", json: definition });
  if (saved.status !== 200) throw new Error(`draft refused (${saved.status}): ${JSON.stringify(saved.body)}`);
  const published = await api(`/api/workflows/${definition.id}/publish`, { method: "POST" });
  if (published.status !== 201) throw new Error(`publish refused (${published.status}): ${JSON.stringify(published.body)}`);
}
