import type { Store } from "@weft/workflow-store";
import type { WorkerMetrics } from "@weft/engine";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly contentType: string;
  streams: Gauge;
  requests: Counter;
  requestDuration: Histogram;
  render(): Promise<string>;
}

/**
 * Prometheus metrics. Instance counts by status are read from the store on each
 * scrape; worker counters (turns, tasks, failures) are read from the worker.
 */
export function createMetrics(options: { store: Store; worker: () => WorkerMetrics | undefined }): Metrics {
  const registry = new Registry();
  const streams = new Gauge({ name: "weft_open_streams", help: "Open SSE streams", registers: [registry] });
  const requests = new Counter({
    name: "weft_http_requests_total",
    help: "HTTP requests",
    labelNames: ["method", "status"],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: "weft_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: "weft_instances",
    help: "Instances by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await options.store.countInstances();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  new Gauge({
    name: "weft_queue_depth",
    help: "Work waiting to be claimed now",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      const depth = await options.store.queueDepth(Date.now());
      this.set({ queue: "orchestrations" }, depth.orchestrations);
      this.set({ queue: "activities" }, depth.activities);
    },
  });
  const workerGauge = (name: string, help: string, pick: (m: WorkerMetrics) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const metrics = options.worker();
        if (metrics) this.set(pick(metrics));
      },
    });
  workerGauge("weft_orchestration_turns_total", "Orchestration turns run by this process", (m) => m.turns);
  workerGauge("weft_activities_started_total", "Activity attempts started by this process", (m) => m.activitiesStarted);
  workerGauge("weft_activities_failed_total", "Activity attempts that failed in this process", (m) => m.activitiesFailed);
  workerGauge(
    "weft_activities_poisoned_total",
    "Activity attempts given up because they kept killing the process running them",
    (m) => m.activitiesPoisoned,
  );
  workerGauge(
    "weft_isolated_process_deaths_total",
    "Isolated runs of suspect activities whose process died",
    (m) => m.isolatedProcessDeaths,
  );
  workerGauge("weft_replay_cache_hits_total", "Turns served from the replay cache", (m) => m.cacheHits);
  workerGauge("weft_replay_cache_misses_total", "Turns that replayed history", (m) => m.cacheMisses);
  workerGauge("weft_activities_running", "Activities running now in this process", (m) => m.activitiesRunning);
  workerGauge("weft_step_latency_seconds_avg", "Average orchestration turn latency", (m) => (m.turns ? m.turnMillis / m.turns / 1000 : 0));
  return {
    contentType: registry.contentType,
    streams,
    requests,
    requestDuration,
    render: () => registry.metrics(),
  };
}
