import { isIP } from "node:net";
import { resolve } from "node:path";
import { DEFAULT_MAX_MAP_ITEMS } from "@weft/definition";
import { DEFAULT_ACTIVITY_CONCURRENCY, DEFAULT_LIMITS } from "@weft/engine";

export interface ServerConfig {
  port: number;
  host: string;
  /** The SQLite file lives here. */
  dataDir: string;
  /** A postgres:// URL switches the store to PostgreSQL. */
  databaseUrl: string | undefined;
  /** The PostgreSQL schema that holds Weft's tables (default "weft"). */
  databaseSchema: string | undefined;
  /** How long a PostgreSQL worker's lease lasts (renewed while held). Default 30 s. */
  leaseMs: number | undefined;
  /**
   * Sticky dispatch (WEFT_AFFINITY_MS): how long a task a worker schedules for itself while
   * it has no free slot stays reserved for it. Unset: the engine's default (2 s); 0: off.
   */
  affinityMs: number | undefined;
  /** When set, every route but health and hooks needs `Authorization: Bearer <token>`. */
  apiToken: string | undefined;
  /**
   * Host names the `Host` header may carry besides the defaults (the loopback names and
   * the listen address), or "any" (WEFT_ALLOWED_HOSTS=*). Anything else gets 421: DNS rebinding.
   */
  allowedHosts: string[] | "any";
  /** Origins of other web apps allowed to call the API (WEFT_ALLOWED_ORIGINS); others get 403. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** The largest input, output, event payload or custom status an instance may carry. */
  maxPayloadBytes: number;
  /** The most history events one execution may have. */
  maxHistoryEvents: number;
  /** Levels of sub-workflows below a root instance (WEFT_MAX_SUBWORKFLOW_DEPTH, default 10). */
  maxSubWorkflowDepth: number;
  /** Sub-workflows one instance may have running at once (WEFT_MAX_OPEN_CHILDREN, default 1,000). */
  maxOpenChildren: number;
  /** Sub-workflows one execution may start in all (WEFT_MAX_CHILDREN_PER_EXECUTION, default 5,000). */
  maxChildrenPerExecution: number;
  /** Items one map node may run over (WEFT_MAX_MAP_ITEMS, default 10,000). */
  maxMapItems: number;
  /** How long `weft start` / `weft worker` may take to stop after SIGTERM or SIGINT before it exits anyway (WEFT_SHUTDOWN_TIMEOUT_MS, default 10 s). */
  shutdownTimeoutMs: number;
  /** How long a task handed to a remote worker stays leased without a heartbeat (WEFT_REMOTE_LEASE_MS, default 30 s). */
  remoteLeaseMs: number;
  /** Run the workers in this process. */
  worker: boolean;
  activityConcurrency: number;
  /** Multiplies the demo steps' simulated durations (0 = instant). */
  demoTimeScale: number;
  /** Let http.request reach loopback and private networks. */
  allowPrivateNetworks: boolean;
  /** WEFT_SECRETS_KEY: encrypts secrets at rest (32 bytes, base64 or hex). Unset: a key file on SQLite, none on PostgreSQL (see secret-crypto.ts). */
  secretsKey: string | undefined;
  /** WEFT_SECRETS_OLD_KEYS (comma-separated): earlier keys, read during a rotation; values under them are re-encrypted on start. */
  secretsOldKeys: string[];
  /** The built web app to serve at /, if present. */
  webDir: string | undefined;
  logLevel: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** Environment variables, overridden by CLI flags. */
export function loadConfig(env: Env = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const config: ServerConfig = {
    port: integer(env.PORT, "PORT", 8787),
    host: env.HOST?.trim() || "127.0.0.1",
    dataDir: resolve(env.WEFT_DATA_DIR?.trim() || ".weft"),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    databaseSchema: env.WEFT_DB_SCHEMA?.trim() || undefined,
    leaseMs: env.WEFT_LEASE_MS ? integer(env.WEFT_LEASE_MS, "WEFT_LEASE_MS", 30_000) : undefined,
    affinityMs: env.WEFT_AFFINITY_MS?.trim() ? integer(env.WEFT_AFFINITY_MS, "WEFT_AFFINITY_MS", 0) : undefined,
    apiToken: env.WEFT_API_TOKEN?.trim() || undefined,
    allowedHosts: env.WEFT_ALLOWED_HOSTS?.trim() === "*" ? "any" : list(env.WEFT_ALLOWED_HOSTS),
    allowedOrigins: list(env.WEFT_ALLOWED_ORIGINS),
    maxBodyBytes: integer(env.WEFT_MAX_BODY_BYTES, "WEFT_MAX_BODY_BYTES", 1_048_576),
    maxPayloadBytes: integer(env.WEFT_MAX_PAYLOAD_BYTES, "WEFT_MAX_PAYLOAD_BYTES", 256 * 1024),
    maxHistoryEvents: integer(env.WEFT_MAX_HISTORY_EVENTS, "WEFT_MAX_HISTORY_EVENTS", 50_000),
    maxSubWorkflowDepth: integer(env.WEFT_MAX_SUBWORKFLOW_DEPTH, "WEFT_MAX_SUBWORKFLOW_DEPTH", DEFAULT_LIMITS.maxSubOrchestrationDepth),
    maxOpenChildren: integer(env.WEFT_MAX_OPEN_CHILDREN, "WEFT_MAX_OPEN_CHILDREN", DEFAULT_LIMITS.maxOpenChildren),
    maxChildrenPerExecution: integer(
      env.WEFT_MAX_CHILDREN_PER_EXECUTION,
      "WEFT_MAX_CHILDREN_PER_EXECUTION",
      DEFAULT_LIMITS.maxChildrenPerExecution,
    ),
    maxMapItems: integer(env.WEFT_MAX_MAP_ITEMS, "WEFT_MAX_MAP_ITEMS", DEFAULT_MAX_MAP_ITEMS),
    shutdownTimeoutMs: integer(env.WEFT_SHUTDOWN_TIMEOUT_MS, "WEFT_SHUTDOWN_TIMEOUT_MS", 10_000),
    remoteLeaseMs: integer(env.WEFT_REMOTE_LEASE_MS, "WEFT_REMOTE_LEASE_MS", 30_000),
    worker: true,
    activityConcurrency: integer(env.WEFT_ACTIVITY_CONCURRENCY, "WEFT_ACTIVITY_CONCURRENCY", DEFAULT_ACTIVITY_CONCURRENCY),
    demoTimeScale: number(env.WEFT_DEMO_TIME_SCALE, "WEFT_DEMO_TIME_SCALE", 1),
    allowPrivateNetworks: env.WEFT_HTTP_ALLOW_PRIVATE === "true",
    secretsKey: env.WEFT_SECRETS_KEY?.trim() || undefined,
    secretsOldKeys: (env.WEFT_SECRETS_OLD_KEYS ?? "")
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== ""),
    webDir: env.WEFT_WEB_DIR?.trim() || undefined,
    logLevel: env.WEFT_LOG_LEVEL?.trim() || "info",
    ...definedOnly(overrides),
  };
  if (config.port < 0 || config.port > 65535) throw new ConfigError(`PORT must be between 0 and 65535, not ${config.port}.`);
  if (config.maxBodyBytes < 1024) throw new ConfigError("WEFT_MAX_BODY_BYTES must be at least 1024.");
  if (config.remoteLeaseMs < 100) throw new ConfigError("WEFT_REMOTE_LEASE_MS must be at least 100.");
  for (const [name, value] of [
    ["WEFT_MAX_SUBWORKFLOW_DEPTH", config.maxSubWorkflowDepth],
    ["WEFT_MAX_OPEN_CHILDREN", config.maxOpenChildren],
    ["WEFT_MAX_CHILDREN_PER_EXECUTION", config.maxChildrenPerExecution],
    ["WEFT_MAX_MAP_ITEMS", config.maxMapItems],
  ] as const) {
    if (value < 1) throw new ConfigError(`${name} must be at least 1, not ${value}.`);
  }
  if (config.shutdownTimeoutMs < 0) throw new ConfigError(`WEFT_SHUTDOWN_TIMEOUT_MS must be 0 or more, not ${config.shutdownTimeoutMs}.`);
  if (config.affinityMs !== undefined && config.affinityMs < 0) {
    throw new ConfigError(`WEFT_AFFINITY_MS (--affinity-ms) must be 0 (off) or more, not ${config.affinityMs}.`);
  }
  return config;
}

/** Listening beyond loopback without a token would expose an unauthenticated API: refuse. */
export function assertSafeBinding(config: ServerConfig): void {
  if (!config.apiToken && !isLoopback(config.host)) {
    throw new ConfigError(
      `Refusing to listen on ${config.host} without an API token: anyone on the network could run workflows. Set WEFT_API_TOKEN (clients then send "Authorization: Bearer <token>"), or listen on 127.0.0.1.`,
    );
  }
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.startsWith("::ffff:127.");
  return false;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new ConfigError(`${name} must be a whole number, not "${value}".`);
  return parsed;
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new ConfigError(`${name} must be a number ≥ 0, not "${value}".`);
  return parsed;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
