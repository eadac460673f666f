import { z } from "zod";
import { checkMapItems } from "../input-checks.js";
import { NodeStatus } from "../node-observer.js";
import { NodeType } from "../node-types.js";
import { outgoingTargets } from "../plan.js";
import { expression, nodeBaseShape, wholeNumberAtLeast } from "../schema-parts.js";
import type { MapRun, Scope } from "../tokens.js";
import { describeValue, nodeName, WorkflowError } from "../workflow-error.js";
import type { NodeKind, NodeRuntime } from "./node-kind.js";

/** The most items one map node may run over (WEFT_MAX_MAP_ITEMS on the server). */
export const DEFAULT_MAX_MAP_ITEMS = 10_000;

const DEFAULT_MAX_CONCURRENCY = 10;

/**
 * Runs its body (the nodes whose parentId is the map) once per item of a list, at most
 * `maxConcurrency` at once; its output is the items' outputs in order. The body's scopes
 * are checked in map-scopes.ts, with the graph rules.
 */
export const mapNodeSchema = z.looseObject({
  ...nodeBaseShape,
  type: z.literal(NodeType.Map),
  items: expression().describe("Expression giving the array to run the body for."),
  maxConcurrency: wholeNumberAtLeast(1).optional().describe("Items running at once (default 10)."),
});
export type MapNode = z.infer<typeof mapNodeSchema>;

export const mapKind: NodeKind<"map"> = {
  type: NodeType.Map,
  errorEdge: true,
  missingHints: { items: "write an expression that gives the list of items, e.g. input.orders" },
  expressionFields: (raw) => [{ field: "items", source: raw.items }],
  checkSettings: (node, _known, problems) => checkMapItems(node, problems),
  completePlan(plan, nodes) {
    const body = Object.values(nodes).filter((n) => n.scope === plan.id);
    const targetsInside = new Set<string>();
    for (const member of body) {
      for (const target of outgoingTargets(member)) targetsInside.add(target);
    }
    const entry = body.find((member) => !targetsInside.has(member.id));
    if (entry) plan.bodyEntry = entry.id;
  },
  async run(runtime, token, plan, node) {
    const items = await runtime.eval(node.items, token);
    if (!Array.isArray(items)) {
      throw new WorkflowError("BadMapItems", `Map '${nodeName(plan)}': "items" must give an array, but gave ${describeValue(items)}.`);
    }
    const maxItems = runtime.options.maxMapItems ?? DEFAULT_MAX_MAP_ITEMS;
    if (items.length > maxItems) {
      // Refused before anything is scheduled: a map this size would only fail later, on the
      // history limit, after holding the worker for seconds.
      throw new WorkflowError(
        "MapItemsExceeded",
        `Map '${nodeName(plan)}': "items" gave ${items.length.toLocaleString("en-US")} items; the limit is ${maxItems.toLocaleString("en-US")} (WEFT_MAX_MAP_ITEMS on the server). Split the list into batches (a map over batches, each a sub-workflow), or raise the limit.`,
      );
    }
    if (!plan.bodyEntry || items.length === 0) {
      runtime.succeed(token, plan, []);
      return;
    }
    const run: MapRun = {
      id: runtime.nextId(),
      node: plan,
      parent: token,
      items,
      results: new Array<unknown>(items.length),
      nextIndex: 0,
      running: 0,
      finished: 0,
      maxConcurrency: node.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      tokens: new Set(),
      over: false,
    };
    runtime.observe(plan.id, token.scope, NodeStatus.Running, { items: items.length });
    launchItems(runtime, run);
  },
};

/** Starts items until `maxConcurrency` run at once or none are left. */
function launchItems(runtime: NodeRuntime, run: MapRun): void {
  while (!run.over && run.running < run.maxConcurrency && run.nextIndex < run.items.length) {
    const index = run.nextIndex++;
    run.running += 1;
    const scope: Scope = {
      steps: Object.create(null) as Record<string, unknown>,
      parent: run.parent.scope,
      item: run.items[index],
      index,
      mapRun: run,
    };
    runtime.spawn(run.node.bodyEntry as string, run.items[index], [], scope);
  }
}

/** A map item's path ended with `output`: the map succeeds after its last item, else the next item starts. */
export function itemDone(runtime: NodeRuntime, scope: Scope, output: unknown): void {
  const run = scope.mapRun;
  if (!run || run.over) return;
  run.results[scope.index ?? 0] = output;
  run.running -= 1;
  run.finished += 1;
  if (run.finished === run.items.length) {
    run.over = true;
    runtime.observe(run.node.id, run.parent.scope, NodeStatus.Running, { items: run.items.length, done: run.finished });
    runtime.succeed(run.parent, run.node, run.results);
    return;
  }
  launchItems(runtime, run);
}
