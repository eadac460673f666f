import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { HistoryEvent, InstanceDetail, InstanceSubscription } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { compile, NodeStateTracker, type NodeStates, type Plan } from "@weft/definition";
import { useEffect, useMemo, useRef, useState } from "react";
import { instanceQueries, queryKeys, workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";

/** Resolves on the next animation frame (or soon, where there are none). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== "function" || document.visibilityState === "hidden") setTimeout(resolve, 16);
    else requestAnimationFrame(() => resolve());
  });
}

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
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let sub: InstanceSubscription | undefined;
    let buffer: HistoryEvent[] = [];
    let flushFrame: number | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    let shown: ConnectionState | undefined;
    const show = (state: ConnectionState) => {
      if (shown === state) return;
      shown = state;
      setConnection(state);
    };
    const cancelFlush = () => {
      if (flushFrame !== undefined) cancelAnimationFrame(flushFrame);
      if (flushTimer) clearTimeout(flushTimer);
      flushFrame = undefined;
      flushTimer = undefined;
    };
    const flush = () => {
      cancelFlush();
      if (buffer.length === 0) return;
      const fresh = buffer;
      buffer = [];
      queryClient.setQueryData<HistoryEvent[]>(historyKey, (old = []) => mergeHistory(old, fresh));
    };
    // Events that stream in are merged once per animation frame (at the latest every 100 ms,
    // when the tab is hidden and frames stop), so a burst costs one render, not one per event.
    const scheduleFlush = () => {
      if (flushTimer) return;
      flushTimer = setTimeout(flush, 100);
      if (typeof requestAnimationFrame === "function") flushFrame = requestAnimationFrame(flush);
    };
    const open = () => {
      const cached = queryClient.getQueryData<HistoryEvent[]>(historyKey) ?? [];
      const after = Math.max(sub?.lastEventId ?? 0, cached.length ? (cached[cached.length - 1] as HistoryEvent).seq : 0);
      show(failures ? "reconnecting" : "connecting");
      const current = client.subscribeInstance(instanceId, {
        lastEventId: after,
        onHistory: (event) => {
          failures = 0;
          show("live");
          buffer.push(event);
          scheduleFlush();
        },
        onStatus: (summary) => {
          failures = 0;
          show("live");
          const before = queryClient.getQueryData<InstanceDetail>(queryKeys.instance(instanceId));
          queryClient.setQueryData<InstanceDetail>(queryKeys.instance(instanceId), (old) => (old ? { ...old, ...summary } : old));
          if (!before || before.status !== summary.status || isTerminalStatus(summary.status)) {
            void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId), exact: true });
          }
        },
        onClose: () => {
          flush();
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
    // The history so far in one request (a long one is far cheaper as one JSON array than as
    // thousands of stream messages), then the stream from its last seq on.
    const cached = queryClient.getQueryData<HistoryEvent[]>(historyKey) ?? [];
    const lastSeq = cached.length ? (cached[cached.length - 1] as HistoryEvent).seq : 0;
    client.instances
      .history(instanceId, lastSeq ? { after: lastSeq } : {})
      .then((events) => {
        if (stopped || events.length === 0) return;
        queryClient.setQueryData<HistoryEvent[]>(historyKey, (old = []) => mergeHistory(old, events));
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
      flush();
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
  // One tracker per plan, fed only the new events; at most one apply runs at a time and the
  // next one takes whatever history arrived meanwhile, so a stream of events costs one
  // replay step and one fold per batch instead of one per render.
  const tracker = useRef<
    | {
        plan: Plan;
        tracker: NodeStateTracker;
        running: boolean;
        latest: readonly HistoryEvent[];
        applied?: readonly HistoryEvent[];
        alive: boolean;
      }
    | undefined
  >(undefined);
  useEffect(() => {
    const current = plan.plan;
    if (!current || history.length === 0) return;
    let entry = tracker.current;
    if (!entry || entry.plan !== current) {
      if (entry) entry.alive = false;
      const started = history.find((e) => e.type === "ExecutionStarted");
      const tags = (started?.tags ?? {}) as Record<string, string>;
      entry = { plan: current, tracker: new NodeStateTracker(current, { tags, instanceId }), running: false, latest: history, alive: true };
      tracker.current = entry;
    }
    const live = entry;
    live.latest = history;
    if (live.running) return;
    live.running = true;
    const step = async (): Promise<void> => {
      while (live.alive && live.applied !== live.latest) {
        const events = live.latest;
        await live.tracker.apply(events as unknown as Parameters<NodeStateTracker["apply"]>[0]);
        live.applied = events;
        if (!live.alive) return;
        setStates(live.tracker.states());
        setTrackerError(live.tracker.error);
        if (live.applied !== live.latest) await nextFrame();
      }
    };
    step()
      .catch((error: unknown) => {
        if (live.alive) setTrackerError(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        live.running = false;
        // History that came in after the last check: go again.
        if (live.alive && live.applied !== live.latest) setTick((t) => t + 1);
      });
  }, [plan.plan, history, instanceId, tick]);
  useEffect(
    () => () => {
      if (tracker.current) tracker.current.alive = false;
    },
    [],
  );

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
