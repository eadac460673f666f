import { definition } from "./definitions.js";
import { pollHealth } from "./health-poll.js";
import { type Api, publish } from "./server-process.js";

/**
 * Hostile expressions (issue #23, finding 3) and the probe that runs them through a
 * server while `GET /api/health` is asked every ~10 ms. Exported so that the chaos
 * security scenario can run the same probes.
 */
export interface HostileExpression {
  name: string;
  expression: string;
  input?: Record<string, unknown>;
  /** Refused when published (the check sees it in the definition): never started. */
  refusedAtPublish?: boolean;
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
  { name: "costly-match", expression: '$match($pad("", 200000, "a"), /([a-z]{1,10}){1,10}$/)' },
  { name: "many-matches", expression: "$count($match(input.text, /a/))", input: { text: "a".repeat(200_000) } },
  // Single built-in calls that were quadratic or linear in a huge sequence.
  { name: "sort", expression: "$count($sort([1..1000000].$string()))" },
  { name: "sort-strings", expression: '$count($sort($split($pad("", 100000, "ba"), "")))' },
  { name: "distinct", expression: "$count($distinct($zip([1..100000], [1..100000])))" },
  { name: "string", expression: "$length($string([1..1000000]))" },
  { name: "to-millis", expression: '$toMillis($join([1..400].("Monday"), " "), "[FNn] [D1] [MNn] [Y]")' },
  // A string that doubles itself: past V8's string limit an uncatchable fatal error,
  // again on every replay; and a single $split into more items than a sequence may hold.
  { name: "string-doubling", expression: '($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("ab", 26)))' },
  { name: "split-long", expression: '$count($split($pad("", 200000, "a"), ""))' },
  // A value that shares its halves, doubled: 2 s returned, 2.3 s in $string, out of memory at 30.
  ...["$f(1, 22)", "$string($f(1, 22))", "$f(1, 22) = $f(1, 22)", "$count($distinct([$f(1, 22), $f(1, 22)]))", "$f(1, 30)"].map(
    (use, index) => ({
      name: ["dag-returned", "dag-string", "dag-equals", "dag-distinct", "dag-30"][index] as string,
      expression: `($f := function($x, $n){ $n = 0 ? $x : $f({"l": $x, "r": $x}, $n - 1) }; ${use})`,
    }),
  ),
  // A 20,000-item literal (420 ms of held loop), refused at publish; the same built at run time through $eval.
  {
    name: "array-literal",
    expression: `$count([${Array.from({ length: 20_000 }, (_, index) => index).join(",")}])`,
    refusedAtPublish: true,
  },
  { name: "eval-literal", expression: '$count($eval("[" & $join([1..40000].$string(), ",") & "]"))' },
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
  /** The probes marked `refusedAtPublish`: the status and message of the refusal. */
  publishRefusals: Array<{ name: string; status: number; message: string }>;
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
  const publishRefusals: ExpressionProbeResult["publishRefusals"] = [];
  for (const probe of probes) {
    if (!probe.refusedAtPublish) {
      await publish(call, workflowOf(probe));
      continue;
    }
    const workflow = workflowOf(probe);
    const saved = await call(`/api/workflows/${workflow.id}`, { method: "PUT", json: workflow });
    const published = saved.status === 200 ? await call(`/api/workflows/${workflow.id}/publish`, { method: "POST" }) : saved;
    publishRefusals.push({ name: probe.name, status: published.status, message: JSON.stringify(published.body) });
  }
  const started = probes.filter((probe) => !probe.refusedAtPublish);
  // The first requests of a process pay for connections and compilation; not what is measured.
  for (let warmUp = 0; warmUp < 5; warmUp++) await fetch(`${baseUrl}/api/health`, { headers }).then((response) => response.body?.cancel());

  const instances: ExpressionProbeResult["instances"] = [];
  let pending: Map<string, string> | undefined;
  let endedAfterMs = 0;
  const startedAt = performance.now();
  // Health is measured from the first start on: starting the instances is part of the load.
  const polling = pollHealth(
    baseUrl,
    async () => {
      if (!pending) return false;
      for (const [id, name] of [...pending]) {
        const view = (await call(`/api/instances/${id}`)).body;
        if (view && TERMINAL.has(view.status)) {
          pending.delete(id);
          instances.push({ name, status: view.status, error: view.error?.message ?? view.failure?.message });
        }
      }
      if (pending.size === 0 && endedAfterMs === 0) endedAfterMs = performance.now() - startedAt;
      return pending.size === 0;
    },
    { timeoutMs: deadlineMs, headers },
  );
  // Started four at a time: what is measured is the expressions. A burst of dozens of starts
  // at once is another load — on SQLite each start commits (fsync) on the event loop, and
  // requests that arrive together are handled in one turn of it (~1.5 ms each).
  const queue = started.flatMap((probe) => Array.from({ length: copies }, () => probe));
  const starts: Array<{ name: string; id: string }> = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let probe = queue.shift(); probe; probe = queue.shift()) {
        const response = await call(`/api/workflows/hostile-${probe.name}/instances`, { json: { input: probe.input ?? {} } });
        if (response.status !== 202 && response.status !== 201)
          throw new Error(`start of ${probe.name} refused (${response.status}): ${JSON.stringify(response.body)}`);
        starts.push({ name: probe.name, id: response.body.instanceId as string });
      }
    }),
  );
  pending = new Map(starts.map((start) => [start.id, start.name]));
  const health = await polling;
  if (endedAfterMs === 0) endedAfterMs = performance.now() - startedAt;
  for (const [id, name] of pending) instances.push({ name: `${name} (${id}, still running)`, status: undefined, error: undefined });
  return {
    maxHealthMs: health.healthMaxMs,
    p99HealthMs: health.healthP99Ms,
    slowestAtMs: health.slowestAtMs,
    healthSamples: health.healthChecks,
    healthFailures: health.healthFailures,
    publishRefusals,
    endedAfterMs: Math.round(endedAfterMs),
    instances,
  };
}
