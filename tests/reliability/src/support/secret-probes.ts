import { Buffer } from "node:buffer";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { serve as listen, type ServerType } from "@hono/node-server";
import { secretForms } from "@weft/definition/testing";
import { createLogger, createRuntime, loadConfig, type ServerConfig } from "@weft/server";
import { definition } from "./definitions.js";
import { apiAt, publish } from "./server-process.js";

/** Upper case, a space, a quote, a slash, a plus and a non-ASCII letter: each is written differently by some encoder. */
export const PROBE_SECRET = 'Pr0be_Key 7"q/Z+é9x';
/** Valid in a host name, so the URL parser lower-cases it instead of refusing it. */
export const PROBE_HOST_SECRET = "Pr0be-Host-7qZ9xK";

export interface SecretProbeResult {
  /** Where a form of a secret was found ("outbox: <form>"); empty when none leaked. */
  leaks: string[];
  /** How each probe run ended (`<workflow>: <status>`). */
  runs: string[];
  /** The recorder saw the real value (secrets do reach the activity). */
  delivered: boolean;
  surfacesChecked: number;
  formsChecked: number;
  /** The stored values start with the ciphertext prefix. */
  encryptedAtRest: boolean;
}

/**
 * Scenario 9, secrets: an in-process server (built @weft/server, SQLite, its log lines
 * captured) with two secrets runs a `notify.send` whose body holds one, an
 * `http.request` to a local recorder that echoes the value back in many encodings,
 * and two that fail with the value in the URL (a refused port, an unresolvable host).
 * Then every surface is searched for every form of both values: the outbox, the
 * instance views and histories, the instance list, the SSE streams, the log lines and
 * the SQLite files.
 */
export async function probeSecretLeaks(): Promise<SecretProbeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-secret-probe-"));
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const config: ServerConfig = { ...loadConfig({}), port: 0, dataDir, demoTimeScale: 0, logLevel: "debug", allowPrivateNetworks: true };
  const runtime = await createRuntime(config, { autoSchedule: false, logger: createLogger("debug", sink) });
  const server: ServerType = listen({ fetch: runtime.web.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = apiAt(() => url);
  const echo = await startEcho();
  try {
    for (const [name, value] of [
      ["probe-key", PROBE_SECRET],
      ["probe-host", PROBE_HOST_SECRET],
    ]) {
      const set = await api(`/api/secrets/${name}`, { method: "PUT", json: { value } });
      if (set.status !== 204) throw new Error(`PUT /api/secrets/${name} answered ${set.status}: ${JSON.stringify(set.body)}`);
    }
    const probes = {
      "probe-notify": `{ "to": "ops", "subject": "key " & $secret("probe-key"), "body": "the key is " & $secret("probe-key") }`,
      "probe-echo": `{ "url": "${echo.url}/echo/" & $secret("probe-key") & "?k=" & $secret("probe-key"), "method": "POST", "headers": { "authorization": "Bearer " & $secret("probe-key") }, "body": { "key": $secret("probe-key") } }`,
      "probe-refused": `{ "url": "http://127.0.0.1:1/" & $secret("probe-key") & "?k=" & $secret("probe-key"), "timeoutMs": 3000 }`,
      "probe-host": `{ "url": "http://" & $secret("probe-host") & ".invalid/x", "timeoutMs": 3000 }`,
    };
    const ids: string[] = [];
    const streams: Promise<string>[] = [];
    const runs: string[] = [];
    for (const [id, input] of Object.entries(probes)) {
      const activity = id === "probe-notify" ? "notify.send" : "http.request";
      await publish(
        api,
        definition(
          id,
          [
            { id: "start", type: "start" },
            { id: "step", type: "activity", activity, input },
            { id: "end", type: "end" },
          ],
          [
            ["start", "step"],
            ["step", "end"],
          ],
        ),
      );
      const started = await api(`/api/workflows/${id}/instances`, { json: {} });
      const instanceId = started.body.instanceId as string;
      ids.push(instanceId);
      streams.push(readStream(`${url}/api/instances/${instanceId}/stream`));
      runs.push(`${id}: ${(await settled(api, instanceId)).status}`);
    }
    const surfaces: Record<string, string> = {
      outbox: JSON.stringify((await api("/api/outbox")).body),
      "instance list": JSON.stringify((await api("/api/instances")).body),
    };
    for (const [i, id] of ids.entries()) {
      surfaces[`instance ${id}`] = JSON.stringify((await api(`/api/instances/${id}`)).body);
      surfaces[`history ${id}`] = JSON.stringify((await api(`/api/instances/${id}/history`)).body);
      surfaces[`stream ${id}`] = await (streams[i] as Promise<string>);
    }
    surfaces.logs = logs.join("");
    const stored = await Promise.all(["probe-key", "probe-host"].map((n) => runtime.store.getValue(`secret:${n}`)));
    await runtime.close();
    server.close();
    surfaces["SQLite files"] = readdirSync(dataDir)
      .filter((f) => f.startsWith("weft.db"))
      .map((f) => readFileSync(join(dataDir, f)).toString("latin1"))
      .join("\n");
    const leaks: string[] = [];
    let formsChecked = 0;
    for (const value of [PROBE_SECRET, PROBE_HOST_SECRET]) {
      // The database holds UTF-8 bytes: look for them as the latin1 text the file was read as, too.
      const forms = [...secretForms(value), ...secretForms(Buffer.from(value).toString("latin1"))];
      formsChecked += forms.length;
      for (const [surface, text] of Object.entries(surfaces)) {
        for (const form of forms) if (text.includes(form)) leaks.push(`${surface}: ${JSON.stringify(form)}`);
      }
    }
    return {
      leaks,
      runs,
      delivered: echo.authorizations.includes(`Bearer ${PROBE_SECRET}`),
      surfacesChecked: Object.keys(surfaces).length,
      formsChecked,
      encryptedAtRest: stored.every((v) => typeof v === "string" && v.startsWith("weft-enc:v1:")),
    };
  } finally {
    server.close();
    await runtime.close().catch(() => undefined);
    await echo.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function settled(api: ReturnType<typeof apiAt>, instanceId: string): Promise<{ status: string }> {
  for (let i = 0; i < 1000; i++) {
    const detail = (await api(`/api/instances/${instanceId}`)).body as { status: string };
    if (["completed", "failed", "terminated"].includes(detail.status)) return detail;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`instance ${instanceId} did not finish within 20 s`);
}

/** The SSE stream's text until it ends (after the terminal status) or 20 s pass. */
async function readStream(url: string): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20_000);
  try {
    const response = await fetch(url, { signal: abort.signal });
    return await response.text();
  } catch {
    return "";
  } finally {
    clearTimeout(timer);
  }
}

/** A server that echoes the authorization header it got, in the encodings other services use. */
async function startEcho(): Promise<{ url: string; authorizations: string[]; close(): Promise<void> }> {
  const authorizations: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on("end", () => {
      const auth = req.headers.authorization ?? "";
      authorizations.push(auth);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          echoed: auth,
          lower: auth.toLowerCase(),
          upper: auth.toUpperCase(),
          percent: encodeURIComponent(auth),
          form: new URLSearchParams({ a: auth }).toString(),
          basic: Buffer.from(`user:${auth.slice(7)}`).toString("base64"),
          basicUrl: Buffer.from(`us:${auth.slice(7)}`).toString("base64url"),
          hex: Buffer.from(auth).toString("hex"),
          json: JSON.stringify({ auth }),
          path: req.url,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
