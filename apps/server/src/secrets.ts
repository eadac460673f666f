import { redactSecrets, revealSecrets, SECRET_NAME_PATTERN } from "@weft/definition";
import type { ActivityContext, ActivityFunction, ActivityLogger } from "@weft/engine";
import type { Store } from "@weft/workflow-store";
import type { Logger } from "./logger.js";
import { badRequest, HttpProblem, notFound } from "./problem.js";
import { isEncrypted, type SecretCipher, SecretKeyError } from "./secret-crypto.js";
import { redactThrown } from "./secret-redaction.js";

const INDEX_KEY = "secrets:index";
const valueKey = (name: string) => `secret:${name}`;
/** Other processes (PostgreSQL workers) see a change within this long. */
const CACHE_MS = 5000;
/**
 * The shortest value `PUT /api/secrets` takes. Redaction leaves values under 4
 * characters alone (they would match ordinary text everywhere); 8 keeps every
 * value a user can set well clear of that, and of words a result happens to hold.
 */
import { MIN_SECRET_LENGTH } from "@weft/protocol";

interface Loaded {
  at: number;
  values: Map<string, string>;
  /** Names whose stored value this process cannot read, with the reason. */
  unreadable: Map<string, string>;
}

/** What {@link SecretStore.open} found and did. */
export interface SecretMigration {
  reencrypted: number;
  /** Plain-text values left as they are (no key on PostgreSQL). */
  plain: number;
  unreadable: string[];
}

/**
 * Named secrets, kept in the store encrypted (secret-crypto.ts). Workflows reference
 * them as `$secret("name")`; history only ever holds the `{{secret:name}}`
 * placeholder: the value is put in just before an activity runs and taken out — in
 * any of its encodings — of what it returns, throws, logs or sends to the outbox.
 */
export class SecretStore {
  readonly #store: Store;
  readonly #cipher: SecretCipher;
  #cache: Loaded | undefined;

  constructor(store: Store, cipher: SecretCipher) {
    this.#store = store;
    this.#cipher = cipher;
  }

  /**
   * Re-encrypts, under the current key, every value stored in plain text (by Weft
   * 0.1.0) or under an older key (a rotation). Runs at start; safe to run from several
   * processes at once (each writes the same secret under the same key).
   */
  async open(logger: Logger): Promise<SecretMigration> {
    const result: SecretMigration = { reencrypted: 0, plain: 0, unreadable: [] };
    for (const name of await this.names()) {
      const stored = await this.#store.getValue(valueKey(name));
      if (!stored) continue;
      try {
        const opened = this.#cipher.open(name, stored);
        if (!opened.stale) continue;
        if (!this.#cipher.current) {
          result.plain += 1;
          continue;
        }
        await this.#store.setValue(valueKey(name), this.#cipher.encrypt(name, opened.value));
        result.reencrypted += 1;
      } catch (error) {
        if (!(error instanceof SecretKeyError)) throw error;
        result.unreadable.push(name);
        logger.error({ secretName: name, reason: error.message }, "a secret cannot be read");
      }
    }
    if (result.reencrypted > 0)
      logger.info({ count: result.reencrypted, keyId: this.#cipher.current?.id }, "secrets re-encrypted under the current key");
    if (result.plain > 0) {
      logger.warn(
        { count: result.plain },
        "secrets are stored in plain text: set WEFT_SECRETS_KEY (on every process) to encrypt them on the next start",
      );
    }
    this.#cache = undefined;
    return result;
  }

  async names(): Promise<string[]> {
    return JSON.parse((await this.#store.getValue(INDEX_KEY)) ?? "[]") as string[];
  }

  async set(name: string, value: string): Promise<void> {
    if (!SECRET_NAME_PATTERN.test(name)) {
      throw badRequest("A secret name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }
    if ([...value].length < MIN_SECRET_LENGTH) {
      throw badRequest(
        `A secret's value must be at least ${MIN_SECRET_LENGTH} characters: shorter values cannot be told apart from ordinary text, so they could not be kept out of results and logs.`,
      );
    }
    let stored: string;
    try {
      stored = this.#cipher.encrypt(name, value);
    } catch (error) {
      if (error instanceof SecretKeyError) throw new HttpProblem(503, "Secrets not configured", error.message, { code: error.code });
      throw error;
    }
    await this.#store.setValue(valueKey(name), stored);
    const names = new Set(await this.names());
    names.add(name);
    await this.#store.setValue(INDEX_KEY, JSON.stringify([...names].sort()));
    this.#cache = undefined;
  }

  async delete(name: string): Promise<void> {
    const names = new Set(await this.names());
    if (!names.delete(name)) throw notFound(`No secret named '${name}'.`);
    await this.#store.setValue(valueKey(name), "");
    await this.#store.setValue(INDEX_KEY, JSON.stringify([...names]));
    this.#cache = undefined;
  }

  /** The readable secrets by name (cached briefly; the same map until it reloads, so redaction compiles once per load). */
  async values(): Promise<Map<string, string>> {
    return (await this.#load()).values;
  }

  /** `value` with every secret in it, in any encoding, replaced by its placeholder. */
  async redact<T>(value: T): Promise<T> {
    return redactSecrets(value, await this.values()) as T;
  }

  async #load(): Promise<Loaded> {
    if (this.#cache && Date.now() - this.#cache.at < CACHE_MS) return this.#cache;
    const values = new Map<string, string>();
    const unreadable = new Map<string, string>();
    for (const name of await this.names()) {
      const stored = await this.#store.getValue(valueKey(name));
      if (!stored) continue;
      try {
        values.set(name, this.#cipher.open(name, stored).value);
      } catch (error) {
        if (!(error instanceof SecretKeyError)) throw error;
        unreadable.set(name, error.message);
      }
    }
    this.#cache = { at: Date.now(), values, unreadable };
    return this.#cache;
  }

  /** True when no stored value is plain text (what the upgrade test checks). */
  async allEncrypted(): Promise<boolean> {
    for (const name of await this.names()) {
      const stored = await this.#store.getValue(valueKey(name));
      if (stored && !isEncrypted(stored)) return false;
    }
    return true;
  }

  /**
   * Wraps activities so they see real values, and nothing they hand back carries
   * one: their result, what they throw (message, stack, details, the cause chain),
   * what they log through `ctx.log` and their heartbeat details.
   */
  wrap(activities: Record<string, ActivityFunction>): Record<string, ActivityFunction> {
    const wrapped: Record<string, ActivityFunction> = {};
    for (const [name, run] of Object.entries(activities)) {
      wrapped[name] = async (input, context) => {
        const { values: secrets, unreadable } = await this.#load();
        const revealed = revealSecrets(input, (secret) => {
          const reason = unreadable.get(secret);
          if (reason !== undefined) throw new Error(reason);
          return secrets.get(secret);
        });
        try {
          return redactSecrets(await run(revealed, redactingContext(context, secrets)), secrets);
        } catch (error) {
          throw redactThrown(error, secrets);
        }
      };
    }
    return wrapped;
  }
}

function redactingContext(context: ActivityContext, secrets: ReadonlyMap<string, string>): ActivityContext {
  const log = context.log;
  const redactedLog: ActivityLogger = {
    info: (message, fields) =>
      log.info(redactSecrets(message, secrets) as string, redactSecrets(fields, secrets) as Record<string, unknown> | undefined),
    warn: (message, fields) =>
      log.warn(redactSecrets(message, secrets) as string, redactSecrets(fields, secrets) as Record<string, unknown> | undefined),
    error: (message, fields) =>
      log.error(redactSecrets(message, secrets) as string, redactSecrets(fields, secrets) as Record<string, unknown> | undefined),
  };
  // Field by field, not a spread: a spread would read `signal` and so make the
  // AbortController the worker makes only when an activity asks for it.
  return {
    instanceId: context.instanceId,
    executionId: context.executionId,
    taskId: context.taskId,
    attempt: context.attempt,
    name: context.name,
    tags: context.tags,
    idempotencyKey: context.idempotencyKey,
    get signal() {
      return context.signal;
    },
    log: redactedLog,
    heartbeat: (details?: unknown) => context.heartbeat(redactSecrets(details, secrets)),
  };
}
