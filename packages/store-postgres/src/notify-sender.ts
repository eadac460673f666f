import { noChanges, type Changes } from "./connection.js";
import { encodePayloads } from "./notifications.js";

/**
 * Sends this process's changes to the other processes, after their commits and
 * coalesced. The writing store tells its own listeners at once; the other processes
 * need to hear of the same changes (work to claim, instances whose streams they
 * serve), but not from inside each transaction:
 *
 * - A transaction that calls pg_notify takes PostgreSQL's NOTIFY queue lock at commit
 *   and holds it through its WAL flush, so every notifying commit in the database was
 *   serialised behind the others' flushes (14 % of session time in `Lock:object`,
 *   bench/ANALYSIS.md). Here the writes commit without it, and the NOTIFY goes in a
 *   transaction of its own that writes nothing durable (synchronous_commit off: a
 *   notification lost in a crash is already tolerated — listeners poll).
 * - Changes that arrive while a NOTIFY is on its way, or within `intervalMs` of the
 *   last one, go out together: one NOTIFY carries many instance ids, so a busy
 *   process sends at most one per interval however many transactions it commits.
 *
 * Nothing is sent for a change nobody else needs: an empty one (a lease-only write,
 * a commit whose new tasks this worker claimed itself), or any change while no other
 * process listens on the schema's channel (one process on its own database).
 */
export class NotifySender {
  readonly #origin: string;
  readonly #intervalMs: number;
  readonly #send: (payloads: string[]) => Promise<void>;
  readonly #othersMayListen: () => boolean;
  #pending: Changes | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(options: {
    origin: string;
    intervalMs: number;
    send: (payloads: string[]) => Promise<void>;
    /** False when no other process listens (see ChangeListener.othersMayListen): nothing is sent then. */
    othersMayListen?: () => boolean;
  }) {
    this.#origin = options.origin;
    this.#intervalMs = options.intervalMs;
    this.#send = options.send;
    this.#othersMayListen = options.othersMayListen ?? (() => true);
  }

  /** Queues a committed transaction's changes for the next NOTIFY. */
  add(changes: Changes): void {
    if (changes.instances.size === 0 && !changes.orchestrationWork && !changes.activityWork) return;
    const pending = (this.#pending ??= noChanges());
    for (const id of changes.instances) pending.instances.add(id);
    pending.orchestrationWork ||= changes.orchestrationWork;
    pending.activityWork ||= changes.activityWork;
    this.#schedule();
  }

  /** Sends what is pending now and waits for it (on close, before the pool ends). */
  async flush(): Promise<void> {
    await this.#inFlight;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending) await this.#sendPending();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#inFlight !== undefined) return;
    const wait = Math.max(0, this.#lastSentAt + this.#intervalMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#sendPending();
    }, wait);
    this.#timer.unref();
  }

  #sendPending(): Promise<void> {
    const changes = this.#pending;
    this.#pending = undefined;
    if (!changes) return Promise.resolve();
    this.#lastSentAt = performance.now();
    const payloads = this.#othersMayListen() ? encodePayloads(this.#origin, changes) : [];
    // A failed NOTIFY is not retried: listeners elsewhere fall back to polling.
    const sending = (payloads.length === 0 ? Promise.resolve() : this.#send(payloads)).catch(() => undefined);
    this.#inFlight = sending.then(() => {
      this.#inFlight = undefined;
      if (this.#pending) this.#schedule();
    });
    return this.#inFlight;
  }
}
