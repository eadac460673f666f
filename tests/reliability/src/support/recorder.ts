import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorder {
  url: string;
  /** Calls per key (`<instance>/<step>`), in arrival order of first call. */
  calls: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

/**
 * The observable side effect: a local HTTP server that `http.request` steps call
 * (the server runs with WEFT_HTTP_ALLOW_PRIVATE=true). It counts every call per
 * `{instance, step}` and answers `{value: n + 1}` after a random delay, so that a
 * kill often lands while requests are in flight.
 */
export async function startRecorder(options: { minDelayMs?: number; maxDelayMs?: number } = {}): Promise<Recorder> {
  const calls = new Map<string, number>();
  const min = options.minDelayMs ?? 0;
  const max = options.maxDelayMs ?? 0;
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      let body: { instance?: string; step?: string; n?: number } = {};
      try {
        body = JSON.parse(text);
      } catch {
        // counted under "?"
      }
      const key = `${body.instance ?? "?"}/${body.step ?? "?"}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      setTimeout(
        () => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ value: (body.n ?? 0) + 1, step: body.step }));
        },
        min + Math.random() * (max - min),
      );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/record`,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
