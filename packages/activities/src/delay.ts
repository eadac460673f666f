/**
 * Waits `ms`, or rejects as soon as `signal` aborts (with the signal's reason, so
 * the worker sees why: attempt timeout, shutdown, lost lease). `ms <= 0` settles at
 * once, which is how tests run the demo steps with `demoTimeScale: 0`.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const deadline = performance.now() + ms;
    const wait = (): void => {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        signal.removeEventListener("abort", onAbort);
        resolve();
        return;
      }
      // setTimeout fires at once for anything past 2^31 - 1 ms (about 24.8 days): wait in steps.
      timer = setTimeout(wait, Math.min(remaining, MAX_TIMEOUT_MS));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    wait();
  });
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? "The activity was aborted." : `The activity was aborted: ${String(reason)}`);
  error.name = "AbortError";
  return error;
}
