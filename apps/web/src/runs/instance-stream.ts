import type { QueryClient } from "@tanstack/react-query";
import type { HistoryEvent, InstanceDetail, InstanceSubscription, InstanceSummary, WeftClient } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { queryKeys } from "../api/queries";
import { createHistoryBuffer, lastSeq, mergeHistory } from "./history-buffer";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "closed";

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];
/** After a rewind: how soon to look again while the stream still ends on the old failure. */
const REVIVE_MS = [100, 250, 500, 1000, 2000];
/** How long a rewind may take to show in the history before the page stops looking. */
const REVIVE_FOR_MS = 15_000;

/** The open streams' "follow again" callbacks, by instance id (see followAgain). */
const revivers = new Map<string, Set<() => void>>();

/**
 * An ended instance runs again (a rewind was accepted): its stream, closed at the end it
 * had, is opened again and kept following. The rewind is a message the instance handles
 * in its next turn, so until that turn is in the history the stream may close again on
 * the old end; it is then reopened shortly, for up to REVIVE_FOR_MS.
 */
export function followAgain(instanceId: string): void {
  for (const revive of revivers.get(instanceId) ?? []) revive();
}

export interface InstanceStreamOptions {
  client: WeftClient;
  queryClient: QueryClient;
  instanceId: string;
  onConnection(state: ConnectionState): void;
}

/**
 * Keeps one instance's history and status in the query cache: the history so far in one request
 * (a long one is far cheaper as one JSON array than as thousands of stream messages), then the
 * SSE stream from its last seq on, reopened after the last seq held when it drops.
 * Returns a function that stops it.
 */
export function followInstance({ client, queryClient, instanceId, onConnection }: InstanceStreamOptions): () => void {
  const historyKey = queryKeys.history(instanceId);
  const cachedHistory = () => queryClient.getQueryData<HistoryEvent[]>(historyKey);
  const merge = (events: HistoryEvent[]) => queryClient.setQueryData<HistoryEvent[]>(historyKey, (old = []) => mergeHistory(old, events));
  const buffer = createHistoryBuffer(merge);
  let sub: InstanceSubscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;
  /** Set by followAgain: until when, and above which seq the rewind's events will be. */
  let revival: { until: number; fromSeq: number; tries: number } | undefined;
  const heldSeq = () => Math.max(sub?.lastEventId ?? 0, lastSeq(cachedHistory()));
  let shown: ConnectionState | undefined;
  const show = (state: ConnectionState) => {
    if (shown === state) return;
    shown = state;
    onConnection(state);
  };
  const onStatus = (summary: InstanceSummary) => {
    failures = 0;
    show("live");
    const before = queryClient.getQueryData<InstanceDetail>(queryKeys.instance(instanceId));
    queryClient.setQueryData<InstanceDetail>(queryKeys.instance(instanceId), (old) => (old ? { ...old, ...summary } : old));
    if (!before || before.status !== summary.status || isTerminalStatus(summary.status)) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId), exact: true });
    }
  };
  const open = () => {
    const after = heldSeq();
    show(failures ? "reconnecting" : "connecting");
    const current = client.subscribeInstance(instanceId, {
      lastEventId: after,
      onHistory: (event) => {
        failures = 0;
        show("live");
        buffer.push(event);
      },
      onStatus,
      onClose: () => {
        buffer.flush();
        if (revival && heldSeq() <= revival.fromSeq && Date.now() < revival.until) {
          // Closed on the end the rewind takes back: the rewind's turn is not in yet.
          const delay = REVIVE_MS[Math.min(revival.tries, REVIVE_MS.length - 1)] as number;
          revival.tries += 1;
          retryTimer = setTimeout(() => {
            if (!stopped) open();
          }, delay);
          return;
        }
        revival = undefined;
        show("closed");
      },
      onError: () => {
        if (stopped || current.closed) return;
        // The browser retries by itself only while the server keeps answering; reopen
        // explicitly, after the last seq we hold, so nothing is lost or repeated.
        current.close();
        show("reconnecting");
        const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] as number;
        failures += 1;
        retryTimer = setTimeout(() => {
          if (!stopped) open();
        }, delay);
      },
    });
    sub = current;
  };
  const revive = () => {
    if (stopped) return;
    revival = { until: Date.now() + REVIVE_FOR_MS, fromSeq: heldSeq(), tries: 0 };
    if (shown === "closed") open();
  };
  const ownRevivers = revivers.get(instanceId) ?? new Set<() => void>();
  ownRevivers.add(revive);
  revivers.set(instanceId, ownRevivers);
  const held = lastSeq(cachedHistory());
  client.instances
    .history(instanceId, held ? { after: held } : {})
    .then((events) => {
      if (stopped || events.length === 0) return;
      merge(events);
    })
    .catch(() => {
      // The stream sends the whole history too; only slower.
    })
    .finally(() => {
      if (!stopped) open();
    });
  return () => {
    stopped = true;
    ownRevivers.delete(revive);
    if (ownRevivers.size === 0) revivers.delete(instanceId);
    if (retryTimer) clearTimeout(retryTimer);
    buffer.flush();
    sub?.close();
  };
}
