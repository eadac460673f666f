import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const DATABASE_URL = process.env.WEFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const cli = fileURLToPath(new URL("../../../apps/server/dist/cli.js", import.meta.url));

/** PostgreSQL must be there in CI; elsewhere the tests are skipped with a warning. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (process.env.CI === "true") {
      throw new Error(`PostgreSQL is required in CI but ${DATABASE_URL} is not reachable: ${(error as Error).message}`, { cause: error });
    }
    console.warn(`Skipping the scale-out tests: PostgreSQL at ${DATABASE_URL} is not reachable (${(error as Error).message}).`);
    return false;
  }
}

export interface Cluster {
  url: string;
  schema: string;
  api: ChildProcess;
  workers: (ChildProcess | undefined)[];
  startWorker(index: number): ChildProcess;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  workers: number;
  env?: Record<string, string>;
  /** Appended to both `weft start` and `weft worker`, e.g. `["--config", file]`: the API validates activity names too. */
  args?: string[];
  /** Called whenever a worker process exits (by itself or killed). */
  onExit?: (index: number, code: number | null, signal: NodeJS.Signals | null) => void;
  /**
   * Restart a worker that exited, after this many milliseconds, as a process manager
   * (systemd, Kubernetes) would. Off by default: the other tests restart workers themselves.
   */
  restartDelayMs?: number;
  /**
   * Pins the cluster's processes (the API and the workers) to these CPUs, e.g. "0", with
   * taskset (util-linux), so that two clusters side by side each have a core of their own.
   * Where taskset is missing the processes run unpinned.
   */
  cpus?: string;
}

const taskset = ["/usr/bin/taskset", "/bin/taskset"].find((path) => existsSync(path));

/** `node args…`, pinned to `cpus` when asked (and possible). */
export function spawnNode(args: string[], options: SpawnOptions, cpus: string | undefined): ChildProcess {
  if (cpus === undefined || taskset === undefined) return spawn(process.execPath, args, options);
  return spawn(taskset, ["-c", cpus, process.execPath, ...args], options);
}

/** One API process (no worker) and N `weft worker` processes on a fresh schema. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const schema = `weft_scale_${randomBytes(4).toString("hex")}`;
  const env = {
    ...process.env,
    DATABASE_URL,
    WEFT_DB_SCHEMA: schema,
    WEFT_LOG_LEVEL: "warn",
    WEFT_HTTP_ALLOW_PRIVATE: "true",
    WEFT_DEMO_TIME_SCALE: "0",
    ...options.env,
  };
  const extra = options.args ?? [];
  const api = spawnNode([cli, "start", "--no-worker", "--port", "0", ...extra], { env, stdio: ["ignore", "pipe", "pipe"] }, options.cpus);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    api.stdout?.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/Weft is listening on (http:\/\/\S+)/);
      if (match?.[1]) resolve(match[1]);
    });
    api.stderr?.on("data", (chunk) => (err += chunk));
    api.once("exit", (code) => reject(new Error(`the API process exited with ${code}: ${err}`)));
  });
  const workers: (ChildProcess | undefined)[] = [];
  let stopping = false;
  const startWorker = (index: number): ChildProcess => {
    const child = spawnNode([cli, "worker", ...extra], { env, stdio: ["ignore", "ignore", "inherit"] }, options.cpus);
    workers[index] = child;
    child.once("exit", (code, signal) => {
      if (stopping) return;
      options.onExit?.(index, code, signal);
      const delay = options.restartDelayMs;
      if (delay === undefined) return;
      // Only if nobody (a test, via startWorker) has replaced this process in the meantime.
      setTimeout(() => {
        if (!stopping && workers[index] === child) startWorker(index);
      }, delay);
    });
    return child;
  };
  for (let i = 0; i < options.workers; i++) startWorker(i);
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    schema,
    api,
    workers,
    startWorker,
    async kill(index, signal = "SIGKILL") {
      const child = workers[index];
      if (!child) return;
      child.kill(signal);
      if (signal === "SIGKILL") await exited(child);
    },
    async stop() {
      stopping = true;
      for (const child of [...workers, api]) child?.kill("SIGKILL");
      await Promise.all([...workers, api].filter((c): c is ChildProcess => c !== undefined).map(exited));
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** Counts calls per path: the observable side effect of each activity run. */
export async function startRecorder(): Promise<{ url: string; counts: Map<string, number>; close(): void; server: Server }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const key = req.url ?? "";
    counts.set(key, (counts.get(key) ?? 0) + 1);
    res.setHeader("content-type", "application/json");
    const step = new URL(key, "http://x").searchParams.get("step");
    // A little latency, so that kills land while calls are in flight.
    setTimeout(() => res.end(JSON.stringify({ step })), 5 + Math.random() * 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, counts, server, close: () => server.close() };
}

export async function api(url: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any }> {
  const { json, ...rest } = init;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${url}${path}`, {
        ...rest,
        ...(json !== undefined ? { body: JSON.stringify(json), headers: { "content-type": "application/json" } } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    } catch (error) {
      // The API process may be briefly unable to answer while PostgreSQL restarts.
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A five-step workflow with a parallel and a wait; each activity calls the recorder. */
export function fiveStepWorkflow(recorder: string): Record<string, unknown> {
  const call = (step: string) => ({
    id: step,
    type: "activity",
    activity: "http.request",
    input: `{ "url": "${recorder}/run?instance=" & instance.id & "&step=${step}", "method": "POST", "body": { "n": input.n } }`,
    retry: { maxAttempts: 5, firstIntervalMs: 200 },
    position: { x: 0, y: 0 },
  });
  return {
    id: "five-steps",
    name: "Five steps",
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      call("a"),
      { id: "split", type: "parallel", position: { x: 0, y: 0 } },
      call("b"),
      call("c"),
      { id: "join", type: "join", position: { x: 0, y: 0 } },
      { id: "gate", type: "waitForEvent", event: "go", position: { x: 0, y: 0 } },
      call("d"),
      {
        id: "end",
        type: "end",
        output: '{ "n": input.n, "steps": [steps.a.body.step, steps.b.body.step, steps.c.body.step, steps.d.body.step], "go": steps.gate }',
        position: { x: 0, y: 0 },
      },
    ],
    edges: [
      ["start", "a"],
      ["a", "split"],
      ["split", "b"],
      ["split", "c"],
      ["b", "join"],
      ["c", "join"],
      ["join", "gate"],
      ["gate", "d"],
      ["d", "end"],
    ].map(([source, target]) => ({ id: `${source}-${target}`, source, target })),
  };
}

/** Every history: seqs 1..n without gaps, one terminal event, each task answered once. */
export function historyProblems(events: { seq: number; type: string; taskId?: number }[]): string[] {
  const problems: string[] = [];
  events.forEach((e, i) => {
    if (e.seq !== (events[0]?.seq ?? 1) + i) problems.push(`seq gap at ${e.seq}`);
  });
  const terminal = events.filter((e) => e.type === "ExecutionCompleted" || e.type === "ExecutionTerminated");
  if (terminal.length !== 1) problems.push(`${terminal.length} terminal events`);
  const answers = new Map<number, number>();
  for (const e of events) {
    if ((e.type === "TaskCompleted" || e.type === "TaskFailed") && e.taskId !== undefined)
      answers.set(e.taskId, (answers.get(e.taskId) ?? 0) + 1);
  }
  for (const [taskId, n] of answers) if (n > 1) problems.push(`task ${taskId} answered ${n} times`);
  return problems;
}
