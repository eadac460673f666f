import type { EventSourceConstructor } from "./client.js";
import { isTerminalStatus } from "./types.js";
import type { InstancesStreamMessages, InstanceStreamMessages } from "@weft/protocol";
import type { HistoryEvent, InstanceSummary } from "./types.js";

export interface SubscribeInstanceOptions {
  /** Resume after this history sequence number (events up to it are not sent again). */
  lastEventId?: number;
  onHistory?: (event: HistoryEvent) => void;
  onStatus?: (summary: InstanceSummary) => void;
  /** Called when the connection fails; EventSource retries by itself unless closed. */
  onError?: (error: Event | Error) => void;
  /** Called once, after the terminal status (the stream is closed by then). */
  onClose?: () => void;
}

export interface InstanceSubscription {
  close(): void;
  /** The last history sequence number seen: where a new subscription would resume. */
  readonly lastEventId: number;
  readonly closed: boolean;
}

export interface SubscribeInstancesOptions {
  onInstance: (summary: InstanceSummary) => void;
  onPurged?: (instanceId: string) => void;
  onError?: (error: Event | Error) => void;
}

export interface InstancesSubscription {
  close(): void;
}

/**
 * Follows one instance's stream. EventSource sends Last-Event-ID by itself when it
 * reconnects; a subscription that has to open a new connection passes `after` instead.
 * It closes on the terminal status, because EventSource would reconnect forever otherwise.
 */
export function subscribeInstance(
  urlAfter: (after: number) => string,
  Source: EventSourceConstructor,
  options: SubscribeInstanceOptions,
): InstanceSubscription {
  let lastEventId = options.lastEventId ?? 0;
  let closed = false;
  const source = new Source(urlAfter(lastEventId));
  const close = () => {
    if (closed) return;
    closed = true;
    source.close();
  };
  source.addEventListener("history", (message) => {
    const data = parse<InstanceStreamMessages["history"]>(message as MessageEvent, options.onError);
    if (!data) return;
    if (data.seq <= lastEventId) return; // already delivered (a resumed connection may repeat)
    lastEventId = data.seq;
    options.onHistory?.(data);
  });
  source.addEventListener("status", (message) => {
    const data = parse<InstanceStreamMessages["status"]>(message as MessageEvent, options.onError);
    if (!data) return;
    options.onStatus?.(data);
    if (isTerminalStatus(data.status)) {
      close();
      options.onClose?.();
    }
  });
  source.addEventListener("error", (event) => {
    if (!closed) options.onError?.(event);
  });
  return {
    close,
    get lastEventId() {
      return lastEventId;
    },
    get closed() {
      return closed;
    },
  };
}

/** Follows every instance's status changes (`GET /api/stream`). */
export function subscribeInstances(url: string, Source: EventSourceConstructor, options: SubscribeInstancesOptions): InstancesSubscription {
  const source = new Source(url);
  let closed = false;
  source.addEventListener("instance", (message) => {
    const data = parse<InstancesStreamMessages["instance"]>(message as MessageEvent, options.onError);
    if (data) options.onInstance(data);
  });
  source.addEventListener("purged", (message) => {
    const data = parse<InstancesStreamMessages["purged"]>(message as MessageEvent, options.onError);
    if (data) options.onPurged?.(data.instanceId);
  });
  source.addEventListener("error", (event) => {
    if (!closed) options.onError?.(event);
  });
  return {
    close() {
      closed = true;
      source.close();
    },
  };
}

/** A message's data as the protocol describes it (the server is trusted; only non-JSON is caught). */
function parse<T>(message: MessageEvent, onError: ((error: Error) => void) | undefined): T | undefined {
  try {
    return JSON.parse(String(message.data)) as T;
  } catch (error) {
    onError?.(new Error(`The stream sent data that is not JSON: ${String(message.data).slice(0, 100)}`, { cause: error }));
    return undefined;
  }
}
