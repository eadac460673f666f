import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve as listen, type ServerType } from "@hono/node-server";
import { loadConfig, type ServerConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { createRuntime, type RuntimeOptions, type WeftRuntime } from "../runtime.js";

export interface TestServer {
  runtime: WeftRuntime;
  url: string;
  /** fetch against the server with JSON helpers. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The real server on an ephemeral loopback port, SQLite in a temp dir, demo steps instant. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: RuntimeOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-server-"));
  const config = { ...loadConfig({}), port: 0, dataDir, demoTimeScale: 0, logLevel: "silent", ...overrides };
  const runtime = await createRuntime(config, { logger: createLogger("silent"), ...options });
  const server: ServerType = listen({ fetch: runtime.web.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    runtime,
    url,
    async api(path, init = {}) {
      const { json, headers, ...rest } = init;
      const response = await fetch(`${url}${path}`, {
        ...rest,
        headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...(headers as Record<string, string>) },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      server.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls an instance until `predicate` holds. */
export async function until(server: TestServer, instanceId: string, predicate: (detail: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await server.api(`/api/instances/${encodeURIComponent(instanceId)}`);
    if (predicate(body)) return body;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} never reached the expected state; last: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const isTerminal = (detail: any) => ["completed", "failed", "terminated"].includes(detail?.status);
