import { createHash } from "node:crypto";
import pg from "pg";
import type { ClientConfig, Notification } from "pg";
import type { StoreNotification } from "@weft/engine";
import { quoteIdent, type Changes } from "./connection.js";

/**
 * Change notifications across processes.
 *
 * A write transaction sends `pg_notify(channel, payload)` before it commits, so
 * PostgreSQL delivers the payloads exactly when (and only if) it commits. One
 * channel per schema. A payload is small JSON:
 *
 *   {"s":"<origin store>","o":1,"a":1,"i":["instance-1","instance-2"]}
 *
 * `o` / `a`: orchestration / activity work was added; `i`: instances that
 * changed. Many changed instances are split over several payloads, each below
 * PostgreSQL's 8000-byte limit. The writing store notifies its own listeners
 * directly after COMMIT and ignores the echo of its own payloads (`s`).
 */

/** PostgreSQL refuses payloads of 8000 bytes or more; stay well below. */
export const MAX_PAYLOAD_BYTES = 7900;

interface Payload {
  s: string;
  o?: 1;
  a?: 1;
  i?: string[];
}

/** The channel of a schema: an identifier of at most 63 bytes. */
export function channelFor(schema: string): string {
  const channel = `weft_${schema}`;
  if (Buffer.byteLength(channel) <= 63) return channel;
  return `weft_${createHash("sha1").update(schema).digest("hex")}`;
}

/**
 * The payloads for one transaction's changes. An instance id too long to fit in
 * a payload by itself is left out (listeners there fall back to polling).
 */
export function encodePayloads(origin: string, changes: Changes): string[] {
  const head: Payload = { s: origin };
  if (changes.orchestrationWork) head.o = 1;
  if (changes.activityWork) head.a = 1;
  const ids = [...changes.instances];
  if (ids.length === 0) return head.o || head.a ? [JSON.stringify(head)] : [];

  const payloads: string[] = [];
  let current: Payload = { ...head, i: [] };
  // Bytes of the payload with an empty id list, then each id adds its JSON plus a comma.
  let size = Buffer.byteLength(JSON.stringify(current));
  for (const id of ids) {
    const cost = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (cost + Buffer.byteLength(JSON.stringify({ s: origin, i: [] })) > MAX_PAYLOAD_BYTES) continue;
    if (size + cost > MAX_PAYLOAD_BYTES && (current.i?.length ?? 0) > 0) {
      payloads.push(JSON.stringify(current));
      current = { s: origin, i: [] };
      size = Buffer.byteLength(JSON.stringify(current));
    }
    current.i?.push(id);
    size += cost;
  }
  if ((current.i?.length ?? 0) > 0 || current.o || current.a) payloads.push(JSON.stringify(current));
  return payloads;
}

/** Parses a payload; undefined for anything that is not one of ours. */
export function decodePayload(text: string): { origin: string; notifications: StoreNotification[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const payload = parsed as Partial<Payload>;
  if (typeof payload.s !== "string") return undefined;
  const notifications: StoreNotification[] = [];
  if (Array.isArray(payload.i)) {
    for (const id of payload.i) if (typeof id === "string") notifications.push({ kind: "instance-changed", instanceId: id });
  }
  if (payload.o === 1) notifications.push({ kind: "work-available", queue: "orchestration" });
  if (payload.a === 1) notifications.push({ kind: "work-available", queue: "activity" });
  return { origin: payload.s, notifications };
}

/** The statement that sends a transaction's payloads. */
export const NOTIFY_SQL = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

export interface ChangeListenerOptions {
  clientConfig: ClientConfig;
  channel: string;
  /** This store's origin id: its own payloads are ignored (it notified its listeners already). */
  origin: string;
  /** Delivers notifications that came from other store objects (other processes). */
  deliver: (notifications: StoreNotification[]) => void;
  /** While disconnected, listeners are nudged (work-available on both queues) this often. */
  pollIntervalMs: number;
  /**
   * Runs on each new session after LISTEN, before it is used (the store holds its
   * workers' liveness locks on it). A failure counts as a failed connect.
   */
  onConnect?: (session: pg.Client) => Promise<void>;
  /** Reports a lost connection or a failed reconnect (never throws into the store). */
  onError?: (error: unknown) => void;
}

/**
 * Every LISTEN session of a schema holds this shared advisory lock (two int4 keys: Weft's
 * listeners, the channel), so a store can count the other processes listening — in
 * pg_locks — and not NOTIFY when there are none.
 */
const LISTEN_LOCK_KEYS = "hashtext('weft:listen'), hashtext($1)";
/** How old a count of the other listeners may be before it is taken again. */
const PEER_COUNT_MAX_AGE_MS = 1000;

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5_000;
const EVERY_QUEUE: StoreNotification[] = [
  { kind: "work-available", queue: "orchestration" },
  { kind: "work-available", queue: "activity" },
];

/**
 * One dedicated LISTEN connection per store. When it drops, it reconnects with
 * exponential backoff (100 ms doubling to 5 s, with jitter); meanwhile and once
 * it is back, listeners get work-available on both queues, because whatever
 * was notified in between is lost.
 */
export class ChangeListener {
  readonly #options: ChangeListenerOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  /** Other listening sessions on the channel, and when they were counted; undefined: unknown. */
  #peers: { count: number; at: number } | undefined;
  #counting = false;

  constructor(options: ChangeListenerOptions) {
    this.#options = options;
  }

  /** True while the LISTEN connection is up. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** The LISTEN session while it is up. */
  get session(): pg.Client | undefined {
    return this.#client;
  }

  /**
   * Whether another process may be listening on the channel: false only when a recent
   * count of the channel's LISTEN sessions found this one alone. A stale count is taken
   * again in the background (the answer meanwhile is the old one), so a process that
   * starts listening may miss about a second of notifications; it polls meanwhile, as
   * after any lost notification.
   */
  othersMayListen(): boolean {
    const peers = this.#peers;
    if (peers === undefined || performance.now() - peers.at > PEER_COUNT_MAX_AGE_MS) this.#countPeers();
    return peers === undefined || peers.count > 0;
  }

  #countPeers(): void {
    const client = this.#client;
    if (this.#counting || client === undefined) return;
    this.#counting = true;
    void client
      .query<{ others: number }>(
        `SELECT count(*)::integer - 1 AS others FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objsubid = 2
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND (classid, objid) = (SELECT k1::oid, k2::oid FROM (SELECT ${LISTEN_LOCK_KEYS}) AS k(k1, k2))`,
        [this.#options.channel],
      )
      .then(
        (result) => {
          if (client === this.#client) this.#peers = { count: result.rows[0]?.others ?? 1, at: performance.now() };
        },
        () => {
          this.#peers = undefined;
        },
      )
      .finally(() => {
        this.#counting = false;
      });
  }

  /** Connects and LISTENs; rejects if the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pollTimer);
    this.#reconnectTimer = undefined;
    this.#pollTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.clientConfig);
    // Attached before connecting: an 'error' event without a listener would crash the
    // process. Until the client is adopted below, #lost ignores it (the caller sees the failure).
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, undefined));
    client.on("notification", (message: Notification) => this.#receive(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.#options.channel)}`);
      await client.query(`SELECT pg_advisory_lock_shared(${LISTEN_LOCK_KEYS})`, [this.#options.channel]);
      await this.#options.onConnect?.(client);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #receive(message: Notification): void {
    if (this.#closed || message.channel !== this.#options.channel || message.payload === undefined) return;
    const decoded = decodePayload(message.payload);
    if (!decoded || decoded.origin === this.#options.origin) return;
    this.#options.deliver(decoded.notifications);
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#closed || client !== this.#client) return;
    this.#client = undefined;
    this.#peers = undefined;
    client.end().catch(() => undefined);
    if (error !== undefined) this.#options.onError?.(error);
    this.#startPolling();
    this.#scheduleReconnect();
  }

  #startPolling(): void {
    if (this.#pollTimer !== undefined) return;
    this.#pollTimer = setInterval(() => this.#options.deliver(EVERY_QUEUE), Math.max(10, this.#options.pollIntervalMs));
    this.#pollTimer.unref();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer !== undefined) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.#attempt);
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect().then(
        () => {
          if (this.#closed || this.#client === undefined) return;
          this.#attempt = 0;
          clearInterval(this.#pollTimer);
          this.#pollTimer = undefined;
          // Notifications sent while we were away are lost: have everyone look again.
          this.#options.deliver(EVERY_QUEUE);
        },
        (error: unknown) => {
          if (this.#closed) return;
          this.#options.onError?.(error);
          this.#scheduleReconnect();
        },
      );
    }, delay);
    this.#reconnectTimer.unref();
  }
}
