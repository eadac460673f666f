import type { HistoryEvent } from "@weft/client";
import { NodeStateTracker, type NodeStates, type Plan } from "@weft/definition";
import { useEffect, useRef, useState } from "react";

/** Resolves on the next animation frame (or soon, where there are none). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== "function" || document.visibilityState === "hidden") setTimeout(resolve, 16);
    else requestAnimationFrame(() => resolve());
  });
}

interface TrackerEntry {
  plan: Plan;
  tracker: NodeStateTracker;
  running: boolean;
  latest: readonly HistoryEvent[];
  applied?: readonly HistoryEvent[];
  alive: boolean;
}

/**
 * Each node's state for the drawing, from `NodeStateTracker` replaying the history against the plan.
 * One tracker per plan, fed only the new events; at most one apply runs at a time and the
 * next one takes whatever history arrived meanwhile, so a stream of events costs one
 * replay step and one fold per batch instead of one per render.
 */
export function useNodeStates(
  plan: Plan | undefined,
  history: readonly HistoryEvent[],
  instanceId: string,
): { states: NodeStates; trackerError: string | undefined } {
  const [states, setStates] = useState<NodeStates>({});
  const [trackerError, setTrackerError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const tracker = useRef<TrackerEntry | undefined>(undefined);
  useEffect(() => {
    if (!plan || history.length === 0) return;
    let entry = tracker.current;
    if (!entry || entry.plan !== plan) {
      if (entry) entry.alive = false;
      const started = history.find((e) => e.type === "ExecutionStarted");
      entry = {
        plan,
        tracker: new NodeStateTracker(plan, { tags: instanceTags(started?.tags), instanceId }),
        running: false,
        latest: history,
        alive: true,
      };
      tracker.current = entry;
    }
    const live = entry;
    live.latest = history;
    if (live.running) return;
    live.running = true;
    const step = async (): Promise<void> => {
      while (live.alive && live.applied !== live.latest) {
        const events = live.latest;
        await live.tracker.apply(events);
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
  }, [plan, history, instanceId, tick]);
  useEffect(
    () => () => {
      if (tracker.current) tracker.current.alive = false;
    },
    [],
  );
  return { states, trackerError };
}

/** An instance's tags, as ExecutionStarted carries them: text values only (the version, pinned sub-workflow versions). */
function instanceTags(tags: HistoryEvent["tags"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) if (typeof value === "string") out[key] = value;
  return out;
}
