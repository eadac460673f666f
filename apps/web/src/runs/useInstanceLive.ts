import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { HistoryEvent, InstanceDetail, InstanceSubscription } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { compile, NodeStateTracker, type NodeStates, type Plan } from "@weft/definition";
import { useEffect, useMemo, useRef, useState } from "react";
import { instanceQueries, queryKeys, workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "closed";

/** Appends the events after the last seq already held (a resumed stream may repeat some). */
export function mergeHistory(old: readonly HistoryEvent[], fresh: readonly HistoryEvent[]): HistoryEvent[] {
  const last = old.length ? (old[old.length - 1] as HistoryEvent).seq : 0;
  const added = fresh.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq);
  if (added.length === 0) return old as HistoryEvent[];
  const out = old.slice();
  let seq = last;
  for (const e of added) {
    if (e.seq > seq) {
      out.push(e);
      seq = e.seq;
    }
  }
  return out;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * One instance, live: its detail (TanStack Query), its history in the query cache fed by
 * the per-instance SSE stream (resumed after the last seq on a dropped connection), the
 * published version's plan, and each node's state from `NodeStateTracker`.
 */
export function useInstanceLive(instanceId: string) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const detail = useQuery({ ...instanceQueries.detail(client, instanceId), meta: { silent: true } });
  const historyKey = queryKeys.history(instanceId);
  const history = useQuery({
    queryKey: historyKey,
    queryFn: () => queryClient.getQueryData<HistoryEvent[]>(historyKey) ?? [],
    initialData: [] as HistoryEvent[],
    staleTime: Infinity,
  }).data;
  const [connection, setConnection] = useState<ConnectionState>("connecting");

  useEffect(() => {
    let sub: InstanceSubscription | undefined;
    let buffer: HistoryEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const flush = () => {
      flushTimer = undefined;
      const fresh = buffer;
      buffer = [];
      queryClient.setQueryData<HistoryEvent[]>(historyKey, (old = []) => mergeHistory(old, fresh));
    };
    const open = () => {
      const cached = queryClient.getQueryData<HistoryEvent[]>(historyKey) ?? [];
      const after = Math.max(sub?.lastEventId ?? 0, cached.length ? (cached[cached.length - 1] as HistoryEvent).seq : 0);
      setConnection(failures ? "reconnecting" : "connecting");
      const current = client.subscribeInstance(instanceId, {
        lastEventId: after,
        onHistory: (event) => {
          failures = 0;
          setConnection("live");
          buffer.push(event);
          flushTimer ??= setTimeout(flush, 40);
        },
        onStatus: (summary) => {
          failures = 0;
          setConnection("live");
          const before = queryClient.getQueryData<InstanceDetail>(queryKeys.instance(instanceId));
          queryClient.setQueryData<InstanceDetail>(queryKeys.instance(instanceId), (old) => (old ? { ...old, ...summary } : old));
          if (!before || before.status !== summary.status || isTerminalStatus(summary.status)) {
            void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId), exact: true });
          }
        },
        onClose: () => {
          if (flushTimer) clearTimeout(flushTimer);
          flush();
          setConnection("closed");
        },
        onError: () => {
          if (stopped || current.closed) return;
          // The browser retries by itself only while the server keeps answering; reopen
          // explicitly, after the last seq we hold, so nothing is lost or repeated.
          current.close();
          setConnection("reconnecting");
          const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] as number;
          failures += 1;
          retryTimer = setTimeout(() => {
            if (!stopped) open();
          }, delay);
        },
      });
      sub = current;
    };
    open();
    return () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (flushTimer) clearTimeout(flushTimer);
      if (buffer.length) flush();
      sub?.close();
    };
    // historyKey is derived from instanceId.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, queryClient, instanceId]);

  const workflowId = detail.data?.workflowId;
  const version = detail.data?.version ?? undefined;
  const definition = useQuery({
    ...workflowQueries.version(client, workflowId ?? "", version ?? 0),
    enabled: Boolean(workflowId && version),
    meta: { silent: true },
  });
  const plan = useMemo<{ plan?: Plan; error?: string }>(() => {
    if (!definition.data || !version) return {};
    try {
      return { plan: compile(definition.data, { version }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [definition.data, version]);

  const [states, setStates] = useState<NodeStates>({});
  const [trackerError, setTrackerError] = useState<string | undefined>();
  const tracker = useRef<{ plan: Plan; tracker: NodeStateTracker; chain: Promise<void> } | undefined>(undefined);
  useEffect(() => {
    const current = plan.plan;
    if (!current || history.length === 0) return;
    let entry = tracker.current;
    if (!entry || entry.plan !== current) {
      const started = history.find((e) => e.type === "ExecutionStarted");
      const tags = (started?.tags ?? {}) as Record<string, string>;
      entry = { plan: current, tracker: new NodeStateTracker(current, { tags, instanceId }), chain: Promise.resolve() };
      tracker.current = entry;
    }
    const live = entry;
    let cancelled = false;
    live.chain = live.chain
      .then(() => live.tracker.apply(history as unknown as Parameters<NodeStateTracker["apply"]>[0]))
      .then(() => {
        if (cancelled) return;
        setStates(live.tracker.states());
        setTrackerError(live.tracker.error);
      })
      .catch((error: unknown) => {
        if (!cancelled) setTrackerError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [plan.plan, history, instanceId]);

  return {
    detail,
    history,
    connection,
    definition: definition.data,
    plan: plan.plan,
    planError: plan.error ?? (definition.isError ? definition.error.message : undefined),
    states,
    trackerError,
  };
}
