/**
 * Scenario 7, over HTTP against the real server process (`weft start`, SQLite in a
 * temp dir): (a) c concurrent clients starting instances for 30 s — starts/s and
 * latency percentiles; (b) s SSE subscribers on one running instance — the lag from
 * raising an event (POST) to each subscriber receiving its history event.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Variant, peakRssMb, report, sleep } from "../common.js";

// BENCH_WEFT_CLI=<path to another build's cli.js> measures that build instead (a before/after comparison).
const cli = process.env.BENCH_WEFT_CLI ?? fileURLToPath(new URL("../../../apps/server/dist/cli.js", import.meta.url));
const DURATION_MS = Number(process.env.BENCH_HTTP_SECONDS ?? 30) * 1000;

export async function startServer(env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-bench-http-"));
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the server process.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, cli, "start"], {
    env: { ...process.env, PORT: "0", WEFT_DATA_DIR: dataDir, WEFT_LOG_LEVEL: "warn", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ""));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  // Keep the server's last words: a crash mid-scenario shows up as "fetch failed" otherwise.
  child.stdout?.on("data", (chunk: Buffer) => (out = (out + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (out = (out + chunk.toString()).slice(-4000)));
  child.once("exit", (code, signal) => process.stderr.write(`server exited early (${code ?? signal}): ${out.slice(-1500)}\n`));
  return {
    url,
    child,
    async close() {
      child.removeAllListeners("exit");
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function api(url: string, path: string, method: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function publish(url: string, definition: { id: string }): Promise<void> {
  await api(url, `/api/workflows/${definition.id}`, "PUT", definition);
  await api(url, `/api/workflows/${definition.id}/publish`, "POST");
}

const at = (i: number) => ({ x: i * 200, y: 0 });

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Instances not yet in a terminal status, from /metrics (weft_instances{status=…}). */
async function unfinishedInstances(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const line of text.split("\n")) {
    const match = /^weft_instances\{status="(pending|running|suspended)"\} (\d+)/.exec(line);
    if (match) n += Number(match[2]);
  }
  return n;
}

export async function httpStarts(_variant: Variant, clients: number): Promise<void> {
  const server = await startServer();
  try {
    await publish(server.url, {
      id: "bench-http",
      name: "bench-http",
      nodes: [
        { id: "start", type: "start", position: at(0) },
        { id: "echo", type: "activity", activity: "util.echo", input: "input", position: at(1) },
        { id: "end", type: "end", position: at(2) },
      ],
      edges: [
        { id: "e1", source: "start", target: "echo" },
        { id: "e2", source: "echo", target: "end" },
      ],
    } as { id: string });
    const latencies: number[] = [];
    const deadline = performance.now() + DURATION_MS;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let i = 0;
        while (performance.now() < deadline) {
          const s = performance.now();
          await api(server.url, "/api/workflows/bench-http/instances", "POST", { input: { c, i: i++ } });
          latencies.push(performance.now() - s);
        }
      }),
    );
    const ms = performance.now() - t0;
    // How far the execution of what was started lags behind: a server can answer starts
    // faster by running less of them, so the backlog at the end belongs to the figure.
    const unfinishedAtEnd = await unfinishedInstances(server.url);
    latencies.sort((a, b) => a - b);
    report({
      value: (latencies.length / ms) * 1000,
      unit: "starts/s",
      starts: latencies.length,
      unfinishedAtEnd,
      clients,
      ms,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      store: "sqlite (FULL)",
    });
  } finally {
    await server.close();
  }
}

export async function sseLag(_variant: Variant, subscribers: number): Promise<void> {
  const server = await startServer();
  const EVENTS = 10;
  const controllers: AbortController[] = [];
  try {
    const nodes: Record<string, unknown>[] = [{ id: "start", type: "start", position: at(0) }];
    const edges: Record<string, unknown>[] = [];
    for (let k = 1; k <= EVENTS; k++) {
      nodes.push({ id: `w${k}`, type: "waitForEvent", event: `e${k}`, position: at(k) });
      edges.push({ id: `x${k}`, source: k === 1 ? "start" : `w${k - 1}`, target: `w${k}` });
    }
    nodes.push({ id: "end", type: "end", position: at(EVENTS + 1) });
    edges.push({ id: "xend", source: `w${EVENTS}`, target: "end" });
    await publish(server.url, { id: "bench-sse", name: "bench-sse", nodes, edges } as { id: string });
    const { instanceId } = await api(server.url, "/api/workflows/bench-sse/instances", "POST", { input: {} });
    // received[k][s] = when subscriber s saw the EventRaised of event k.
    const received: number[][] = Array.from({ length: EVENTS + 1 }, () => []);
    let connected = 0;
    const readers = Array.from({ length: subscribers }, async (_, s) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${server.url}/api/instances/${instanceId}/stream`, { signal: controller.signal });
      connected++;
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let cut = buffer.indexOf("\n\n");
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf("\n\n");
            const data = block.split("\n").find((l) => l.startsWith("data: "));
            if (!block.includes("event: history") || !data) continue;
            const event = JSON.parse(data.slice(6));
            const match = event.type === "EventRaised" ? /^e(\d+)$/.exec(event.name ?? "") : null;
            if (match) received[Number(match[1])]![s] = performance.now();
          }
        }
      } catch {
        // aborted at the end
      }
    });
    while (connected < subscribers) await sleep(10);
    await sleep(500);
    const lags: number[] = [];
    for (let k = 1; k <= EVENTS; k++) {
      const t0 = performance.now();
      await api(server.url, `/api/instances/${instanceId}/events/e${k}`, "POST", { k });
      const deadline = performance.now() + 10_000;
      while (received[k]!.filter((x) => x !== undefined).length < subscribers && performance.now() < deadline) await sleep(2);
      for (const t of received[k]!) if (t !== undefined) lags.push(t - t0);
      await sleep(100);
    }
    for (const c of controllers) c.abort();
    await Promise.allSettled(readers);
    lags.sort((a, b) => a - b);
    report({
      value: percentile(lags, 50),
      unit: "ms lag p50",
      p50Ms: percentile(lags, 50),
      p99Ms: percentile(lags, 99),
      maxMs: lags.at(-1),
      deliveries: lags.length,
      expected: subscribers * EVENTS,
      subscribers,
      store: "sqlite (FULL)",
      clientPeakRssMb: Math.round(peakRssMb()),
    });
  } finally {
    for (const c of controllers) c.abort();
    await server.close();
  }
}
