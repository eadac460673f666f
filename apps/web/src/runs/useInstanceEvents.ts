import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { InstanceSummary, InstancesSubscription, WeftClient } from "@weft/client";
import { useEffect, useRef, useState } from "react";
import { useWeftClient } from "../api/WeftClientContext";

export type InstanceEvent = { kind: "instance"; summary: InstanceSummary } | { kind: "purged"; instanceId: string };

// One `/api/stream` connection per tab, shared by every page and the navigation badge.
const listeners = new Set<(event: InstanceEvent) => void>();
let shared: { client: WeftClient; sub: InstancesSubscription } | undefined;

function acquire(client: WeftClient, listener: (event: InstanceEvent) => void): () => void {
  listeners.add(listener);
  if (shared && shared.client !== client) {
    shared.sub.close();
    shared = undefined;
  }
  if (!shared) {
    try {
      const sub = client.subscribeInstances((summary) => listeners.forEach((l) => l({ kind: "instance", summary })), {
        onPurged: (instanceId) => listeners.forEach((l) => l({ kind: "purged", instanceId })),
      });
      shared = { client, sub };
    } catch {
      // No EventSource here (a test without one): the page still works, just not live.
    }
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && shared) {
      shared.sub.close();
      shared = undefined;
    }
  };
}

/** Calls `onEvent` for every instance change from `/api/stream` while mounted. */
export function useInstanceEvents(onEvent: (event: InstanceEvent) => void): void {
  const client = useWeftClient();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => acquire(client, (event) => latest.current(event)), [client]);
}

/** Refetches a query when instances change (throttled), instead of polling. */
export function useInvalidateOnInstanceEvents(queryKey: QueryKey, throttleMs = 250): void {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const key = JSON.stringify(queryKey);
  useInstanceEvents(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey });
    }, throttleMs);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
}

/** A clock that ticks every `ms` while mounted (durations, "time left"). */
export function useNow(ms = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
  return now;
}
