import { definition } from "./definitions.js";
import { percentile, round } from "./results.js";
import { type Api, publish, sleep } from "./server-process.js";

/**
 * Hostile expressions (issue #23, finding 3) and the probe that runs them through a
 * server while `GET /api/health` is asked every ~10 ms. Exported so that the chaos
 * security scenario can run the same probes.
 */
export interface HostileExpression {
  name: string;
  expression: string;
  input?: Record<string, unknown>;
}

const A30 = "a".repeat(30);

export const HOSTILE_EXPRESSIONS: readonly HostileExpression[] = [
  // The payload of the issue: $eval hid the regex from the publish-time check; 12.7 s of
  // frozen process at about this length, doubling per extra character.
  { name: "eval-regex", expression: `$eval("$contains(\\"${A30}b\\", /^(a+)+$/)")` },
  // Missed by the old checker (safe-regex2).
  { name: "alternation-regex", expression: "$contains(input.text, /^(a|a)*$/)", input: { text: `${"a".repeat(5000)}b` } },
  // A loop that runs until its step budget or time box stops it.
  { name: "loop-to-box", expression: "($f := function($x){ $f($x+1) }; $f(0))" },
  // A costly pattern on a long text, and a match per character of a long text.
  { name: "costly-match", expression: '$match($pad("", 500000, "a"), /([a-z]{1,10}){1,10}$/)' },
  { name: "many-matches", expression: "$count($match(input.text, /a/))", input: { text: "a".repeat(200_000) } },
  // Single built-in calls that were quadratic or linear in a huge sequence.
  { name: "sort", expression: "$count($sort([1..1000000].$string()))" },
  { name: "sort-strings", expression: "$count($sort($split($pad(\"\", 100000, \"ba\"), \"\")))" },
  { name: "distinct", expression: "$count($distinct($zip([1..100000], [1..100000])))" },
  { name: "string", expression: "$length($string([1..1000000]))" },
  { name: "to-millis", expression: "$toMillis($join([1..400].(\"Monday\"), \" \"), \"[FNn] [D1] [MNn] [Y]\")" },
];

export interface ExpressionProbeResult {
  /** Slowest /api/health answer while the instances ran. */
  maxHealthMs: number;
  p99HealthMs: number;
  /** When the slowest answer was asked, from the first start. */
  slowestAtMs: number;
  healthSamples: number;
  /** Non-200 health answers (or failed requests). */
  healthFailures: number;
  /** From the first start to the last instance ending. */
  endedAfterMs: number;
  instances: Array<{ name: string; status: string | undefined; error: string | undefined }>;
}

const workflowOf = (probe: HostileExpression) =>
  definition(
    `hostile-${probe.name}`,
    [
      { id: "start", type: "start" },
      { id: "calc", type: "transform", assign: { x: probe.expression } },
      { id: "end", type: "end", output: "vars" },
    ],
    [
      ["start", "calc"],
      ["calc", "end"],
    ],
  );

const TERMINAL = new Set(["completed", "failed", "terminated", "cancelled"]);

/**
 * Publishes one workflow per hostile expression, starts `copies` instances of each at
 * once, and asks `GET /api/health` every ~10 ms until every instance ended (or
 * `deadlineMs` passed).
 *
 * @example
 * const result = await probeHostileExpressions(server.url, server.api);
 * expect(result.maxHealthMs).toBeLessThan(100);
 */
export async function probeHostileExpressions(
  baseUrl: string,
  api: Api,
  { probes = HOSTILE_EXPRESSIONS, copies = 2, deadlineMs = 30_000, headers = {} as Record<string, string> } = {},
): Promise<ExpressionProbeResult> {
  const call: Api = (path, init) => api(path, { ...init, headers: { ...headers, ...init?.headers } });
  for (const probe of probes) await publish(call, workflowOf(probe));
  // The first requests of a process pay for connections and compilation; not what is measured.
  for (let warmUp = 0; warmUp < 5; warmUp++) await fetch(`${baseUrl}/api/health`, { headers }).then((response) => response.body?.cancel());

  const latencies: number[] = [];
  let slowestAtMs = 0;
  let startedAt = performance.now();
  let healthFailures = 0;
  let running = true;
  const health = (async () => {
    while (running) {
      const started = performance.now();
      const status = await fetch(`${baseUrl}/api/health`, { headers, signal: AbortSignal.timeout(10_000) }).then(
        async (response) => {
          await response.body?.cancel();
          return response.status;
        },
        () => 0,
      );
      const latency = performance.now() - started;
      if (latency > Math.max(0, ...latencies)) slowestAtMs = started - startedAt;
      latencies.push(latency);
      if (status !== 200) healthFailures += 1;
      await sleep(10);
    }
  })();

  startedAt = performance.now();
  const starts = await Promise.all(
    probes.flatMap((probe) =>
      Array.from({ length: copies }, async () => {
        const response = await call(`/api/workflows/hostile-${probe.name}/instances`, { json: { input: probe.input ?? {} } });
        if (response.status !== 202 && response.status !== 201) throw new Error(`start of ${probe.name} refused (${response.status}): ${JSON.stringify(response.body)}`);
        return { name: probe.name, id: response.body.instanceId as string };
      }),
    ),
  );

  const instances: ExpressionProbeResult["instances"] = [];
  let endedAfterMs = 0;
  try {
    const pending = new Map(starts.map((start) => [start.id, start.name]));
    while (pending.size > 0 && performance.now() - startedAt < deadlineMs) {
      for (const [id, name] of [...pending]) {
        const view = (await call(`/api/instances/${id}`)).body;
        if (view && TERMINAL.has(view.status)) {
          pending.delete(id);
          instances.push({ name, status: view.status, error: view.error?.message ?? view.failure?.message });
        }
      }
      if (pending.size > 0) await sleep(50);
    }
    endedAfterMs = performance.now() - startedAt;
    for (const [id, name] of pending) instances.push({ name: `${name} (${id}, still running)`, status: undefined, error: undefined });
  } finally {
    running = false;
    await health;
  }
  return {
    maxHealthMs: round(Math.max(0, ...latencies)),
    p99HealthMs: round(percentile(latencies, 99)),
    slowestAtMs: Math.round(slowestAtMs),
    healthSamples: latencies.length,
    healthFailures,
    endedAfterMs: Math.round(endedAfterMs),
    instances,
  };
}
