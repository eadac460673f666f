import type { QueryClient } from "@tanstack/react-query";
import type { HistoryEvent, InstanceDetail, InstanceSubscription, InstanceSummary, WeftClient } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { queryKeys } from "../api/queries";
import { createHistoryBuffer, lastSeq, mergeHistory } from "./history-buffer";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "closed";

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

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
    const after = Math.max(sub?.lastEventId ?? 0, lastSeq(cachedHistory()));
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
    if (retryTimer) clearTimeout(retryTimer);
    buffer.flush();
    sub?.close();
  };
}
