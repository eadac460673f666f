/**
 * Watching one instance from a client: waiting for it to finish, and following its
 * status and history live. Both listen to the store's notifications, with a slow poll
 * as a safety net for stores whose notifications can be missed.
 */
import type { Clock } from "./clock.js";
import { EngineError, InstanceNotFoundError } from "../core/errors.js";
import { type InstanceRecord, isTerminal } from "./instance.js";
import type { InstanceChange, SubscribeOptions } from "./client.js";
import type { TaskHubStore } from "./store.js";

/** Resolves with the instance once it is terminal; rejects on timeout, abort or when it is gone. */
export async function waitForCompletion(
  store: TaskHubStore,
  clock: Clock,
  instanceId: string,
  waitOptions: { timeoutMs?: number; signal?: AbortSignal },
): Promise<InstanceRecord> {
  const deadline = waitOptions.timeoutMs === undefined ? undefined : clock.now() + waitOptions.timeoutMs;
  return new Promise<InstanceRecord>((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    const cleanups: (() => void)[] = [];
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      fn();
    };
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const instance = await store.getInstance(instanceId);
          if (!instance) return finish(() => reject(new InstanceNotFoundError(instanceId)));
          if (isTerminal(instance.status)) return finish(() => resolve(instance));
        } while (again && !settled);
      } catch (error) {
        finish(() => reject(error));
      } finally {
        checking = false;
      }
    };
    cleanups.push(
      store.subscribe((n) => {
        if (n.kind !== "instance-changed" || n.instanceId !== instanceId) return;
        // A change that says the instance is still running (every step of a chain) needs no read.
        if (n.status !== undefined && !isTerminal(n.status)) return;
        void check();
      }),
    );
    // A slow safety net for stores whose notifications can be missed (a dropped LISTEN connection).
    const poll = (): void => {
      cleanups.push(
        clock.setTimer(() => {
          void check();
          if (!settled) poll();
        }, 1000),
      );
    };
    poll();
    if (deadline !== undefined) {
      cleanups.push(
        clock.setTimer(
          () =>
            finish(() => reject(new EngineError("timeout", `Instance '${instanceId}' did not finish within ${waitOptions.timeoutMs} ms.`))),
          deadline - clock.now(),
        ),
      );
    }
    if (waitOptions.signal) {
      const onAbort = (): void => finish(() => reject(waitOptions.signal?.reason ?? new Error("Aborted")));
      waitOptions.signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => waitOptions.signal?.removeEventListener("abort", onAbort));
    }
    void check();
  });
}

/**
 * Yields the current status, then history after `afterSeq`, then live changes;
 * ends after the terminal status once every event has been yielded.
 */
export async function* subscribeToInstance(
  store: TaskHubStore,
  clock: Clock,
  instanceId: string,
  options: SubscribeOptions,
): AsyncGenerator<InstanceChange> {
  let lastSeq = options.afterSeq ?? 0;
  let lastStatusKey = "";
  let wake: (() => void) | undefined;
  let dirty = true;
  const unsubscribe = store.subscribe((n) => {
    if (n.kind === "instance-changed" && n.instanceId === instanceId) {
      dirty = true;
      wake?.();
    }
  });
  const onAbort = (): void => wake?.();
  options.signal?.addEventListener("abort", onAbort);
  try {
    const first = await store.getInstance(instanceId);
    if (!first) throw new InstanceNotFoundError(instanceId);
    while (!options.signal?.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          // Safety net, as in waitForCompletion.
          const cancel = clock.setTimer(resolve, 1000);
          const original = resolve;
          wake = () => {
            cancel();
            original();
          };
        });
        wake = undefined;
        continue;
      }
      dirty = false;
      const instance = await store.getInstance(instanceId);
      if (!instance) return;
      const statusKey = `${instance.status}|${JSON.stringify(instance.customStatus ?? null)}`;
      if (statusKey !== lastStatusKey && !isTerminal(instance.status)) {
        lastStatusKey = statusKey;
        yield { type: "status", instance };
      }
      const events = await store.getHistory(instanceId, { afterSeq: lastSeq });
      for (const event of events) {
        lastSeq = event.seq;
        yield { type: "history", event };
      }
      if (isTerminal(instance.status) && lastSeq >= instance.lastSeq) {
        yield { type: "status", instance };
        return;
      }
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
