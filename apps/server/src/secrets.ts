import { redactSecrets, revealSecrets, SECRET_NAME_PATTERN } from "@weft/definition";
import type { ActivityFunction, Store } from "@weft/engine";
import { badRequest, notFound } from "./problem.js";

const INDEX_KEY = "secrets:index";
const valueKey = (name: string) => `secret:${name}`;
/** Other processes (PostgreSQL workers) see a change within this long. */
const CACHE_MS = 5000;

/**
 * Named secrets, kept in the store. Workflows reference them as `$secret("name")`;
 * history only ever holds the `{{secret:name}}` placeholder: the value is put in
 * just before an activity runs and taken out of what it returns or throws.
 */
export class SecretStore {
  readonly #store: Store;
  #cache: { at: number; values: Map<string, string> } | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  async names(): Promise<string[]> {
    return JSON.parse((await this.#store.getValue(INDEX_KEY)) ?? "[]") as string[];
  }

  async set(name: string, value: string): Promise<void> {
    if (!SECRET_NAME_PATTERN.test(name)) {
      throw badRequest("A secret name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }
    await this.#store.setValue(valueKey(name), value);
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

  async values(): Promise<Map<string, string>> {
    if (this.#cache && Date.now() - this.#cache.at < CACHE_MS) return this.#cache.values;
    const values = new Map<string, string>();
    for (const name of await this.names()) {
      const value = await this.#store.getValue(valueKey(name));
      if (value) values.set(name, value);
    }
    this.#cache = { at: Date.now(), values };
    return values;
  }

  /** Wraps activities so they see real values, and history sees placeholders. */
  wrap(activities: Record<string, ActivityFunction>): Record<string, ActivityFunction> {
    const wrapped: Record<string, ActivityFunction> = {};
    for (const [name, run] of Object.entries(activities)) {
      wrapped[name] = async (input, context) => {
        const secrets = await this.values();
        const revealed = revealSecrets(input, (secret) => secrets.get(secret));
        try {
          return redactSecrets(await run(revealed, context), secrets);
        } catch (error) {
          if (error instanceof Error) {
            error.message = redactSecrets(error.message, secrets) as string;
            if (error.stack) error.stack = redactSecrets(error.stack, secrets) as string;
          }
          throw error;
        }
      };
    }
    return wrapped;
  }
}
