type Node = { id: string; type: string; [setting: string]: unknown };

/** A definition document from nodes and `[source, target]` (or full) edges; positions and edge ids filled in. */
export function definition(
  id: string,
  nodes: Node[],
  edges: Array<[string, string] | Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    name: id,
    trigger: { type: "manual" },
    ...extra,
    nodes: nodes.map((node, i) => ({ position: { x: i * 200, y: 0 }, ...node })),
    edges: edges.map((edge, i) => (Array.isArray(edge) ? { id: `e${i}`, source: edge[0], target: edge[1] } : { id: `e${i}`, ...edge })),
  };
}

const call = (id: string, recorderUrl: string, n: string) => ({
  id,
  type: "activity",
  activity: "http.request",
  input: `{ "url": "${recorderUrl}", "method": "POST", "body": { "instance": instance.id, "step": "${id}", "n": ${n} } }`,
  retry: { maxAttempts: 5, firstIntervalMs: 200 },
});

/**
 * Five observable activities (each an `http.request` to the recorder), a parallel and
 * a durable timer: a → (b ‖ c) → wait → d → e. For input n the output is 11n + 15.
 */
export function crashWorkflow(recorderUrl: string, timerMs: number) {
  return definition(
    "crash-pipeline",
    [
      { id: "start", type: "start" },
      call("a", recorderUrl, "input.n"),
      { id: "split", type: "parallel" },
      call("b", recorderUrl, "steps.a.body.value"),
      call("c", recorderUrl, "steps.a.body.value * 10"),
      { id: "joined", type: "join" },
      { id: "wait", type: "delay", durationMs: timerMs },
      call("d", recorderUrl, "steps.b.body.value + steps.c.body.value"),
      call("e", recorderUrl, "steps.d.body.value"),
      { id: "end", type: "end", output: '{ "result": steps.e.body.value }' },
    ],
    [
      ["start", "a"],
      ["a", "split"],
      ["split", "b"],
      ["split", "c"],
      ["b", "joined"],
      ["c", "joined"],
      ["joined", "wait"],
      ["wait", "d"],
      ["d", "e"],
      ["e", "end"],
    ],
  );
}
export const crashExpected = (n: number) => ({ result: 11 * n + 15 });
export const CRASH_STEPS = ["a", "b", "c", "d", "e"] as const;

/** One durable timer due at `input.due` (ISO); the output carries what the delay node saw. */
export function timerWorkflow() {
  return definition(
    "timer-across-downtime",
    [
      { id: "start", type: "start" },
      { id: "wait", type: "delay", until: "input.due" },
      { id: "end", type: "end", output: '{ "firedAt": steps.wait.firedAt, "due": input.due }' },
    ],
    [
      ["start", "wait"],
      ["wait", "end"],
    ],
  );
}

/**
 * Collects `input.n` "ping" events after a delay of `input.delayMs` (events raised
 * during the delay arrive before anyone waits), in a loop through a choice.
 * The output is every payload, in the order consumed.
 */
export function collectorWorkflow() {
  return definition(
    "event-collector",
    [
      { id: "start", type: "start" },
      { id: "pause", type: "delay", until: "$fromMillis($millis() + input.delayMs)" },
      { id: "init", type: "transform", assign: { got: "[]" } },
      { id: "ping", type: "waitForEvent", event: "ping" },
      { id: "add", type: "transform", assign: { got: "$append(vars.got, [steps.ping])" } },
      { id: "more", type: "choice" },
      { id: "end", type: "end", output: "vars.got" },
    ],
    [
      ["start", "pause"],
      ["pause", "init"],
      ["init", "ping"],
      ["ping", "add"],
      ["add", "more"],
      { source: "more", target: "ping", condition: "$count(vars.got) < input.n" },
      { source: "more", target: "end", default: true },
    ],
  );
}

/** Three echo steps: the load test's workflow. */
export function threeStepWorkflow() {
  return definition(
    "three-steps",
    [
      { id: "start", type: "start" },
      { id: "one", type: "activity", activity: "util.echo", input: '{ "n": input.n }' },
      { id: "two", type: "activity", activity: "util.echo", input: '{ "n": steps.one.n + 1 }' },
      { id: "three", type: "activity", activity: "util.echo", input: '{ "n": steps.two.n + 1 }' },
      { id: "end", type: "end", output: "steps.three" },
    ],
    [
      ["start", "one"],
      ["one", "two"],
      ["two", "three"],
      ["three", "end"],
    ],
  );
}
