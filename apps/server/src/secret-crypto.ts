import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./config.js";

/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value, the secret's name
 * as additional data (a value copied under another name does not decrypt), and the
 * key's id in the stored text, so a value written under an earlier key is still read
 * during a rotation and re-encrypted under the current one.
 *
 * Stored form: `weft-enc:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
const PREFIX = "weft-enc:v1:";
const KEY_BYTES = 32;

export interface SecretKey {
  /** The first 16 hex digits of the key's SHA-256: names the key in stored values and logs, reveals nothing of it. */
  readonly id: string;
  readonly key: Buffer;
}

/** The key file Weft writes on SQLite when WEFT_SECRETS_KEY is unset. */
export const KEY_FILE = "secrets.key";

/** A stored value decrypted, and whether it needs rewriting (plain text, or under a key other than the current one). */
export interface Opened {
  value: string;
  stale: boolean;
}

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
  constructor(
    message: string,
    readonly code: "key-missing" | "key-unknown" | "undecryptable",
  ) {
    super(message);
  }
}

/**
 * Parses a key as WEFT_SECRETS_KEY and the key file hold it: 32 random bytes in
 * base64 or base64url (`openssl rand -base64 32`), or 64 hex digits.
 */
export function parseSecretKey(text: string, source: string): SecretKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (!key || key.length !== KEY_BYTES) {
    throw new ConfigError(
      `${source} must be 32 random bytes in base64 (make one with: openssl rand -base64 32) or 64 hex digits; it is ${key ? `${key.length} bytes` : "neither"}.`,
    );
  }
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 16), key };
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The keys a process holds: the current one (encrypts and decrypts) and older ones (decrypt only, during a rotation). */
export class SecretCipher {
  readonly current: SecretKey | undefined;
  readonly #byId: Map<string, SecretKey>;
  readonly #missingKeyHint: string;

  constructor(current: SecretKey | undefined, older: readonly SecretKey[], missingKeyHint: string) {
    this.current = current;
    this.#byId = new Map([...older, ...(current ? [current] : [])].map((k) => [k.id, k]));
    this.#missingKeyHint = missingKeyHint;
  }

  encrypt(name: string, value: string): string {
    if (!this.current) throw new SecretKeyError(this.#missingKeyHint, "key-missing");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(`secret:${name}`));
    const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return `${PREFIX}${this.current.id}:${iv.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}:${body.toString("base64url")}`;
  }

  /** The plain value of a stored one; plain text from before encryption is returned as it is, marked stale. */
  open(name: string, stored: string): Opened {
    if (!isEncrypted(stored)) return { value: stored, stale: true };
    const [id, iv, tag, body] = stored.slice(PREFIX.length).split(":");
    const key = id === undefined ? undefined : this.#byId.get(id);
    if (!key) {
      throw new SecretKeyError(
        this.current
          ? `The secret '${name}' was encrypted with the key ${id}, which this process does not hold (its key is ${this.current.id}). Add that key to WEFT_SECRETS_OLD_KEYS, or set the secret again.`
          : `The secret '${name}' is encrypted (key ${id}), and this process has no key: ${this.#missingKeyHint}`,
        this.current ? "key-unknown" : "key-missing",
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv ?? "", "base64url"));
      decipher.setAAD(Buffer.from(`secret:${name}`));
      decipher.setAuthTag(Buffer.from(tag ?? "", "base64url"));
      const value = Buffer.concat([decipher.update(Buffer.from(body ?? "", "base64url")), decipher.final()]).toString("utf8");
      return { value, stale: key !== this.current };
    } catch {
      throw new SecretKeyError(
        `The stored value of the secret '${name}' does not decrypt with the key ${key.id} (altered, or copied from another name); set the secret again.`,
        "undecryptable",
      );
    }
  }
}

export interface SecretKeyOptions {
  /** WEFT_SECRETS_KEY. */
  key: string | undefined;
  /** WEFT_SECRETS_OLD_KEYS: accepted for reading during a rotation. */
  oldKeys: readonly string[];
  /** SQLite: the data directory, where a key file is made when `key` is unset. Undefined on PostgreSQL. */
  dataDir: string | undefined;
}

export interface ResolvedKeys {
  cipher: SecretCipher;
  /** What to log at start: where the key comes from. */
  notice: { level: "info" | "warn"; message: string; fields: Record<string, unknown> };
}

/**
 * The keys this process uses. WEFT_SECRETS_KEY when set; else, on SQLite, the key
 * file in the data directory (made on first start, mode 0600); else (PostgreSQL, where
 * processes on several machines share the secrets) none: secrets cannot be set or
 * read until the variable is set. A key file beside an env key is read as an old key,
 * so moving from the file to the variable re-encrypts everything on the next start.
 */
export function resolveSecretKeys(options: SecretKeyOptions): ResolvedKeys {
  const older = options.oldKeys.map((text, i) => parseSecretKey(text, `WEFT_SECRETS_OLD_KEYS (key ${i + 1})`));
  const file = options.dataDir === undefined ? undefined : join(options.dataDir, KEY_FILE);
  const fromFile = file === undefined ? undefined : readKeyFile(file);
  if (options.key !== undefined) {
    const current = parseSecretKey(options.key, "WEFT_SECRETS_KEY");
    if (fromFile && fromFile.id !== current.id) older.push(fromFile);
    return {
      cipher: new SecretCipher(current, older, ""),
      notice: {
        level: "info",
        message: "secrets are encrypted with WEFT_SECRETS_KEY",
        fields: { keyId: current.id, oldKeys: older.map((k) => k.id) },
      },
    };
  }
  if (file !== undefined) {
    const existing = fromFile;
    const key = existing ?? createKeyFile(file);
    return {
      cipher: new SecretCipher(key, older, ""),
      notice: existing
        ? {
            level: "info",
            message: "secrets are encrypted with the key file (WEFT_SECRETS_KEY is unset)",
            fields: { keyId: key.id, keyFile: file },
          }
        : {
            level: "warn",
            message:
              "WEFT_SECRETS_KEY is unset: made a key file to encrypt secrets with. Back it up apart from the database (without it the secrets cannot be read), or set WEFT_SECRETS_KEY",
            fields: { keyId: key.id, keyFile: file },
          },
    };
  }
  const hint =
    "Secrets on PostgreSQL need WEFT_SECRETS_KEY (32 random bytes in base64, e.g. from `openssl rand -base64 32`), the same on every Weft process that shares the database.";
  return {
    cipher: new SecretCipher(undefined, older, hint),
    notice: { level: "warn", message: `WEFT_SECRETS_KEY is unset: secrets cannot be set or read. ${hint}`, fields: {} },
  };
}

function readKeyFile(file: string): SecretKey | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Cannot read the secrets key file ${file}: ${(error as Error).message}`);
  }
  return parseSecretKey(text, `The secrets key file ${file}`);
}

function createKeyFile(file: string): SecretKey {
  const text = `${randomBytes(KEY_BYTES).toString("base64")}\n`;
  try {
    // wx: two processes starting at once on one data directory both end up with the first one's key.
    writeFileSync(file, text, { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600); // the umask may have taken bits off, never added: this makes it exact
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST")
      throw new ConfigError(`Cannot write the secrets key file ${file}: ${(error as Error).message}`);
    const existing = readKeyFile(file);
    if (existing) return existing;
  }
  return parseSecretKey(text, "the new key");
}
