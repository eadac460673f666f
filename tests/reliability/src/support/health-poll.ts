import { percentile, round } from "./results.js";
import { sleep } from "./server-process.js";

/** How `GET /api/health` answered while a workload ran. */
export interface HealthFigures {
  /** Health checks made while the workload ran. */
  healthChecks: number;
  /** Checks that did not answer 200 (a failed fetch counts). */
  healthFailures: number;
  healthP99Ms: number;
  healthMaxMs: number;
  /** When the slowest check was sent, from the start of polling. */
  slowestAtMs: number;
}

export interface PollHealthOptions {
  /** Stop after this long even if the workload has not settled. */
  timeoutMs: number;
  /** Keep measuring at least this long (the aftermath counts too). */
  minMs?: number;
  /**
   * Keep measuring until at least this many checks are made (default 200). Under load a
   * check can take 20 ms, so two seconds may hold fewer than 100; the "p99" of fewer than
   * 100 checks is their maximum, and one stall would decide it alone.
   */
  minChecks?: number;
  /** Sent with every check (e.g. the API token). */
  headers?: Record<string, string>;
}

/**
 * Asks `GET /api/health` every ~10 ms (each check times out at 5 s) until `settled()`
 * says the workload is over, and measures each check from request to answer. Whether the
 * workload settled is asked beside the checks, at most every 200 ms (it is itself load).
 *
 * @example
 * const health = await pollHealth(url, async () => (await api(`/api/instances/${id}`)).body.status !== "running", { timeoutMs: 30_000 });
 */
export async function pollHealth(
  baseUrl: string,
  settled: () => Promise<boolean>,
  { timeoutMs, minMs = 0, minChecks = 200, headers = {} }: PollHealthOptions,
): Promise<HealthFigures & { settled: boolean; elapsedMs: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let slowestAtMs = 0;
  const started = Date.now();
  let done = false;
  let lastSettleCheck = 0;
  let checking: Promise<void> | undefined;
  while (Date.now() - started < timeoutMs) {
    const sentAt = Date.now() - started;
    const t0 = performance.now();
    const status = await fetch(`${baseUrl}/api/health`, { headers, signal: AbortSignal.timeout(5_000) }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => 0,
    );
    const latency = performance.now() - t0;
    if (latency > Math.max(0, ...latencies)) slowestAtMs = sentAt;
    latencies.push(latency);
    if (status !== 200) failures += 1;
    // The settle check runs beside the health checks, so its own requests leave no gap in them.
    if (!done && checking === undefined && Date.now() - lastSettleCheck > 200) {
      lastSettleCheck = Date.now();
      checking = settled().then((over) => {
        done ||= over;
        checking = undefined;
      });
    }
    if (done && Date.now() - started >= minMs && latencies.length >= minChecks) break;
    await sleep(10);
  }
  await checking;
  return {
    healthChecks: latencies.length,
    healthFailures: failures,
    healthP99Ms: round(percentile(latencies, 99)),
    healthMaxMs: round(Math.max(0, ...latencies)),
    slowestAtMs,
    settled: done,
    elapsedMs: Date.now() - started,
  };
}
