import { serve as listen } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { ServerConfig } from "./config.js";
import { createRuntime, type RuntimeOptions, type WeftRuntime } from "./runtime.js";
import { stopOnSignals } from "./shutdown.js";

/** `weft start`: the runtime plus an HTTP listener, stopped gracefully on SIGTERM or SIGINT, within `shutdownTimeoutMs`. */
export async function serve(config: ServerConfig, options: RuntimeOptions = {}): Promise<WeftRuntime> {
  const runtime = await createRuntime(config, options);
  const server = listen({ fetch: runtime.web.app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  runtime.logger.info({ url, store: runtime.store.kind, dataDir: config.dataDir }, "weft is listening");
  process.stdout.write(`Weft is listening on ${url}\n`);
  stopOnSignals({
    logger: runtime.logger,
    timeoutMs: config.shutdownTimeoutMs,
    async stop() {
      // Streams never end on their own: close idle and active connections after new requests stop.
      server.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await runtime.close();
    },
  });
  return runtime;
}
