import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "@playwright/test";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * A server of its own (the one `npm start` built) with e2e/fixtures/code-project/weft.config.mjs:
 * code-first orchestrators and project activities (e2e.shout, e2e.failOnce). `offset` keeps
 * the specs that use one on ports of their own.
 */
export async function startCodeProjectServer(offset: number): Promise<{ url: string; stop(): void }> {
  const port = Number(process.env.WEFT_E2E_PORT ?? 8790) + offset;
  const url = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    process.execPath,
    [join(root, "apps/server/dist/cli.js"), "start", "--config", join(root, "e2e/fixtures/code-project/weft.config.mjs")],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        WEFT_DATA_DIR: mkdtempSync(join(tmpdir(), "weft-e2e-code-")),
        WEFT_WEB_DIR: join(root, "apps/web/dist"),
        WEFT_API_TOKEN: "",
        WEFT_DEMO_TIME_SCALE: "0",
      },
      stdio: "ignore",
    },
  );
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.ok ?? false, { timeout: 20_000 }).toBe(true);
  return { url, stop: () => server.kill("SIGTERM") };
}
