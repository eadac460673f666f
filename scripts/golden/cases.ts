// The golden-history cases: one per node type, plus the code-first order orchestrator.
// `npm run testdata:record` runs each on the engine (memory store, fake clock) and
// writes testdata/histories/v<version>/<name>.json; the reliability suite replays them.

type Node = { id: string; type: string; [setting: string]: unknown };
type Edge = [string, string] | { source: string; target: string; [field: string]: unknown };

export type Drive = { raise: { name: string; payload: unknown } } | { advanceMs: number };

export interface GoldenCase {
  name: string;
  description: string;
  /** A drawn workflow, or the code-first order orchestrator. */
  definition?: Record<string, unknown>;
  /** Definitions a subWorkflow node calls (published as version 1). */
  children?: Record<string, unknown>[];
  codeFirst?: "processOrder";
  input: unknown;
  /** What happens to the instance after it starts, in order, each once it is idle. */
  drive: Drive[];
}

export function def(id: string, nodes: Node[], edges: Edge[]): Record<string, unknown> {
  return {
    id,
    name: id,
    trigger: { type: "manual" },
    nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, ...n })),
    edges: edges.map((e, i) => (Array.isArray(e) ? { id: `e${i}`, source: e[0], target: e[1] } : { id: `e${i}`, ...e })),
  };
}

const start: Node = { id: "start", type: "start" };

export const cases: GoldenCase[] = [
  {
    name: "activity",
    description: "start → activity (util.echo with an input expression) → end with an output expression",
    definition: def(
      "golden-activity",
      [
        start,
        { id: "echo", type: "activity", activity: "util.echo", input: '{ "greeting": "hello " & input.name }' },
        { id: "end", type: "end", output: '{ "said": steps.echo.greeting }' },
      ],
      [
        ["start", "echo"],
        ["echo", "end"],
      ],
    ),
    input: { name: "world" },
    drive: [],
  },
  {
    name: "activity-retry",
    description: "an activity that fails twice and succeeds on its third attempt (durable backoff timers between)",
    definition: def(
      "golden-activity-retry",
      [
        start,
        {
          id: "flaky",
          type: "activity",
          activity: "util.flaky",
          input: '{ "failAttempts": 2 }',
          retry: { maxAttempts: 3, firstIntervalMs: 1000, backoffCoefficient: 2 },
        },
        { id: "end", type: "end" },
      ],
      [
        ["start", "flaky"],
        ["flaky", "end"],
      ],
    ),
    input: null,
    drive: [{ advanceMs: 1000 }, { advanceMs: 2000 }],
  },
  {
    name: "activity-error-edge",
    description: "an activity that always fails, handled by its error edge",
    definition: def(
      "golden-activity-error-edge",
      [
        start,
        { id: "boom", type: "activity", activity: "util.fail", input: '{ "message": "no luck" }' },
        { id: "recover", type: "transform", assign: { handled: "steps.boom.error.message" } },
        { id: "end", type: "end", output: "vars" },
      ],
      [["start", "boom"], { source: "boom", target: "recover", kind: "error" }, ["recover", "end"]],
    ),
    input: null,
    drive: [],
  },
  {
    name: "parallel-join",
    description: "a parallel split into two activity branches that meet at a join (mode all)",
    definition: def(
      "golden-parallel-join",
      [
        start,
        { id: "split", type: "parallel" },
        { id: "left", type: "activity", activity: "util.echo", input: '{ "side": "left", "n": input.n }' },
        { id: "right", type: "activity", activity: "util.echo", input: '{ "side": "right", "n": input.n * 2 }' },
        { id: "joined", type: "join" },
        { id: "end", type: "end", output: "steps.joined" },
      ],
      [
        ["start", "split"],
        ["split", "left"],
        ["split", "right"],
        ["left", "joined"],
        ["right", "joined"],
        ["joined", "end"],
      ],
    ),
    input: { n: 21 },
    drive: [],
  },
  {
    name: "join-any",
    description: "a race: a join in mode any takes the first branch to finish (the other waits on a timer)",
    definition: def(
      "golden-join-any",
      [
        start,
        { id: "split", type: "parallel" },
        { id: "fast", type: "activity", activity: "util.echo", input: '"fast"' },
        { id: "slow", type: "delay", durationMs: 60000 },
        { id: "first", type: "join", mode: "any" },
        { id: "end", type: "end", output: "steps.first" },
      ],
      [
        ["start", "split"],
        ["split", "fast"],
        ["split", "slow"],
        ["fast", "first"],
        ["slow", "first"],
        ["first", "end"],
      ],
    ),
    input: null,
    drive: [],
  },
  {
    name: "map",
    description: "a map over three items, at most two at once, its body one activity",
    definition: def(
      "golden-map",
      [
        start,
        { id: "each", type: "map", items: "input.items", maxConcurrency: 2 },
        { id: "times", type: "activity", parentId: "each", activity: "util.echo", input: '{ "value": item * 10, "index": index }' },
        { id: "end", type: "end", output: "steps.each" },
      ],
      [
        ["start", "each"],
        ["each", "end"],
      ],
    ),
    input: { items: [1, 2, 3] },
    drive: [],
  },
  {
    name: "wait-for-event",
    description: "an approval wait answered by an event, then a choice on the decision",
    definition: def(
      "golden-wait-for-event",
      [
        start,
        {
          id: "approve",
          type: "waitForEvent",
          event: "approval",
          timeoutMs: 3600000,
          approval: { title: "Approve?", choices: ["Approved", "Rejected"] },
        },
        { id: "decide", type: "choice" },
        { id: "yes", type: "end", output: '{ "approved": true, "comment": steps.approve.comment }' },
        { id: "no", type: "end", output: '{ "approved": false }' },
      ],
      [
        ["start", "approve"],
        ["approve", "decide"],
        { source: "decide", target: "yes", condition: 'steps.approve.decision = "Approved"' },
        { source: "decide", target: "no", default: true },
      ],
    ),
    input: null,
    drive: [{ raise: { name: "approval", payload: { decision: "Approved", comment: "ship it" } } }],
  },
  {
    name: "wait-for-event-timeout",
    description: "a wait for an event that never comes, left through its timeout edge",
    definition: def(
      "golden-wait-for-event-timeout",
      [
        start,
        { id: "wait", type: "waitForEvent", event: "never", timeoutMs: 60000 },
        { id: "late", type: "end", output: '{ "timedOut": steps.wait.timedOut }' },
      ],
      [["start", "wait"], { source: "wait", target: "late", kind: "timeout" }],
    ),
    input: null,
    drive: [{ advanceMs: 60000 }],
  },
  {
    name: "delay",
    description: "a durable delay of five seconds",
    definition: def(
      "golden-delay",
      [start, { id: "pause", type: "delay", durationMs: 5000 }, { id: "end", type: "end", output: "steps.pause" }],
      [
        ["start", "pause"],
        ["pause", "end"],
      ],
    ),
    input: null,
    drive: [{ advanceMs: 5000 }],
  },
  {
    name: "choice",
    description: "a choice whose condition picks the second of three paths (several end nodes)",
    definition: def(
      "golden-choice",
      [
        start,
        { id: "size", type: "choice" },
        { id: "big", type: "end", output: '"big"' },
        { id: "medium", type: "end", output: '"medium"' },
        { id: "small", type: "end", output: '"small"' },
      ],
      [
        ["start", "size"],
        { source: "size", target: "big", condition: "input.n > 100" },
        { source: "size", target: "medium", condition: "input.n > 10" },
        { source: "size", target: "small", default: true },
      ],
    ),
    input: { n: 42 },
    drive: [],
  },
  {
    name: "sub-workflow",
    description: "a subWorkflow node running a child workflow at its latest version",
    definition: def(
      "golden-sub-workflow",
      [
        start,
        { id: "child", type: "subWorkflow", workflow: "golden-child", version: "latest", input: '{ "n": input.n + 1 }' },
        { id: "end", type: "end", output: "steps.child" },
      ],
      [
        ["start", "child"],
        ["child", "end"],
      ],
    ),
    children: [
      def(
        "golden-child",
        [start, { id: "double", type: "activity", activity: "util.echo", input: '{ "doubled": input.n * 2 }' }, { id: "end", type: "end" }],
        [
          ["start", "double"],
          ["double", "end"],
        ],
      ),
    ],
    input: { n: 4 },
    drive: [],
  },
  {
    name: "transform-set-status",
    description: "a transform assigning variables and a setStatus node setting the custom status",
    definition: def(
      "golden-transform-set-status",
      [
        start,
        { id: "vars", type: "transform", assign: { total: "$sum(input.items)", count: "$count(input.items)" } },
        { id: "status", type: "setStatus", status: '"counted " & $string(vars.count)' },
        { id: "end", type: "end", output: "vars" },
      ],
      [
        ["start", "vars"],
        ["vars", "status"],
        ["status", "end"],
      ],
    ),
    input: { items: [1, 2, 3, 4] },
    drive: [],
  },
  {
    name: "fail",
    description: "a fail node: the instance fails with the node's code and message",
    definition: def(
      "golden-fail",
      [start, { id: "stop", type: "fail", error: "OutOfStock", message: '"no " & input.sku' }],
      [["start", "stop"]],
    ),
    input: { sku: "widget" },
    drive: [],
  },
  {
    name: "code-first-order",
    description: "the code-first order orchestrator (examples/code-first): save, PDF ‖ video, approval, email",
    codeFirst: "processOrder",
    input: { id: "o-1", customer: "Ada", email: "ada@example.com", items: [{ sku: "widget", quantity: 2 }] },
    drive: [{ raise: { name: "OrderApprovalResult", payload: { decision: "Approved" } } }],
  },
];
