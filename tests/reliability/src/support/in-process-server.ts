import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve as listen, type ServerType } from "@hono/node-server";
import { createRuntime, loadConfig, type ServerConfig, type WeftRuntime } from "@weft/server";
import { apiAt, type Api } from "./server-process.js";

export interface InProcessServer {
  runtime: WeftRuntime;
  url: string;
  api: Api;
  close(): Promise<void>;
}

/** The server (built @weft/server) in this process on a loopback port, SQLite in a temp dir. */
export async function startInProcessServer(overrides: Partial<ServerConfig> = {}): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-reliability-"));
  const config: ServerConfig = { ...loadConfig({}), port: 0, dataDir, demoTimeScale: 0, logLevel: "silent", ...overrides };
  const runtime = await createRuntime(config, { autoSchedule: false });
  const server: ServerType = listen({ fetch: runtime.web.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    runtime,
    url,
    api: apiAt(() => url),
    async close() {
      server.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
