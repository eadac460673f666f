import { randomBytes } from "node:crypto";
import { ActivityProcessDiedError, type ActivityContext } from "@weft/engine";
import { createMemoryServerStore } from "@weft/workflow-store/testing";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { parseSecretKey, SecretCipher } from "../secret-crypto.js";
import { SecretStore } from "../secrets.js";
import { formsIn } from "@weft/definition/testing";

const VALUE = 'Wr4p_Key 5"x/Y+é2';

async function secretStore(): Promise<SecretStore> {
  const cipher = new SecretCipher(parseSecretKey(randomBytes(32).toString("base64"), "test key"), [], "");
  const secrets = new SecretStore(createMemoryServerStore(), cipher);
  await secrets.set("k", VALUE);
  return secrets;
}

function context(logged: unknown[], beats: unknown[]): ActivityContext {
  const log = (message: string, fields?: Record<string, unknown>) => logged.push({ message, fields });
  return {
    instanceId: "i",
    executionId: "e",
    taskId: 1,
    attempt: 1,
    name: "a",
    tags: undefined,
    idempotencyKey: "i:e:1",
    signal: new AbortController().signal,
    heartbeat: (details) => beats.push(details),
    log: { info: log, warn: log, error: log },
  };
}

describe("SecretStore.wrap", () => {
  it("takes the value out of what an activity logs, heartbeats and throws (message, stack, details, own fields, the cause chain), keeping the error's class", async () => {
    const secrets = await secretStore();
    const logged: unknown[] = [];
    const beats: unknown[] = [];
    const wrapped = secrets.wrap({
      leaky: async (input: unknown, ctx) => {
        const key = (input as { key: string }).key;
        ctx.log.info(`calling with ${key.toUpperCase()}`, { url: `https://x/?k=${encodeURIComponent(key)}` });
        ctx.heartbeat({ progress: Buffer.from(`user:${key}`).toString("base64") });
        const root = Object.assign(new TypeError("Invalid URL"), { input: `http://${key.toLowerCase()}` });
        const middle = new Error(`fetch failed for ${JSON.stringify({ key })}`, { cause: root });
        throw Object.assign(new ActivityProcessDiedError(`died holding ${key}`, { code: 1, signal: null }), {
          details: { body: Buffer.from(key).toString("hex") },
          cause: middle,
        });
      },
    });
    const thrown = await (wrapped.leaky as (i: unknown, c: ActivityContext) => Promise<unknown>)(
      { key: "{{secret:k}}" },
      context(logged, beats),
    ).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ActivityProcessDiedError);
    const error = thrown as ActivityProcessDiedError & { details: unknown; cause: Error & { cause: Error & { input: string } } };
    const everything = JSON.stringify([
      error.message,
      error.stack,
      error.details,
      error.cause.message,
      error.cause.stack,
      error.cause.cause.input,
      error.cause.cause.stack,
      logged,
      beats,
    ]);
    expect(formsIn(everything, VALUE)).toEqual([]);
    expect(error.message).toBe("died holding {{secret:k}}");
    expect(error.cause.cause.input).toBe("http://{{secret:k}}");
  });

  it("keeps log lines of pino free of the value when an activity logs it through ctx.log", async () => {
    const secrets = await secretStore();
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream);
    const base = context([], []);
    const ctx: ActivityContext = {
      ...base,
      log: { info: (m, f) => logger.info(f ?? {}, m), warn: (m, f) => logger.warn(f ?? {}, m), error: (m, f) => logger.error(f ?? {}, m) },
    };
    const wrapped = secrets.wrap({
      chatty: async (input: unknown, c) => c.log.info(`token ${(input as string).toLowerCase()}`, { raw: input }),
    });
    await (wrapped.chatty as (i: unknown, c: ActivityContext) => Promise<unknown>)("{{secret:k}}", ctx);
    expect(lines.join("")).toContain("{{secret:k}}");
    expect(formsIn(lines.join(""), VALUE)).toEqual([]);
  });
});
