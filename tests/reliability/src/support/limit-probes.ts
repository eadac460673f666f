import { definition } from "./definitions.js";
import { pollHealth } from "./health-poll.js";
import { type Api, publish } from "./server-process.js";

/**
 * The denial-of-service probes of issue #23 (findings 2 and 4), as functions so that both
 * security-limits.test.ts and the chaos security scenario can run them against a server:
 * each starts the hostile workload, polls GET /api/health every ~10 ms until the workload
 * has settled, and returns what it measured. Asserting is the caller's business.
 */

/** The id of the code-first orchestrator in fixtures/self-calling.config.mjs. */
export const SELF_CALLER = "self-caller";

/** A map over `[1..n]` whose body is one cheap activity, at most `maxConcurrency` items at once (default 100). */
export function hugeMapWorkflow(id: string, items: number, maxConcurrency = 100) {
  return definition(
    id,
    [
      { id: "start", type: "start" },
      { id: "each", type: "map", items: `[1..${items}]`, maxConcurrency },
      { id: "work", type: "activity", activity: "util.echo", parentId: "each", input: "item" },
      { id: "end", type: "end" },
    ],
    [
      ["start", "each"],
      ["each", "end"],
    ],
  );
}

async function isTerminal(api: Api, instanceId: string): Promise<boolean> {
  // The list, not GET /api/instances/:id: that one reads the whole history, and a probe
  // asking every 200 ms must not be the load it measures.
  // (Children's ids contain their parent's, so the search finds them too: ask for enough.)
  const { body } = await api(`/api/instances?q=${encodeURIComponent(instanceId)}&limit=1000`);
  const found = (body?.items as { instanceId: string; status: string }[] | undefined)?.find((i) => i.instanceId === instanceId);
  return ["completed", "failed", "terminated"].includes(found?.status ?? "");
}

/** How many instances the server has (pages through the list). */
export async function countInstances(api: Api): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const { body } = await api(`/api/instances?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    count += body.items.length;
    cursor = body.nextCursor ?? undefined;
  } while (cursor);
  return count;
}

/** The innermost cause of an instance error (a parent's wraps its child's). */
export function rootCause(
  error: { name?: string; message?: string; cause?: unknown } | undefined,
): { name?: string; message?: string } | undefined {
  let current = error;
  while (current?.cause) current = current.cause as typeof current;
  return current;
}

/**
 * Finding 2: an orchestrator that calls itself (code-first: publish cannot see it). Starts
 * it, waits until the root has ended, and says how many instances it left behind.
 */
export async function probeSelfCall(api: Api, baseUrl: string, timeoutMs = 30_000) {
  const before = await countInstances(api);
  const started = await api(`/api/workflows/${SELF_CALLER}/instances`, { json: { input: 0 } });
  if (started.status !== 202) throw new Error(`could not start ${SELF_CALLER} (${started.status}): ${JSON.stringify(started.body)}`);
  const rootId: string = started.body.instanceId;
  const startedAt = Date.now();
  let settledMs = 0;
  const health = await pollHealth(
    baseUrl,
    async () => {
      const ended = await isTerminal(api, rootId);
      if (ended && settledMs === 0) settledMs = Date.now() - startedAt;
      return ended;
    },
    { timeoutMs, minMs: 2_000 },
  );
  const root = (await api(`/api/instances/${encodeURIComponent(rootId)}`)).body;
  const cause = rootCause(root?.error);
  return {
    ...health,
    settledMs,
    status: root?.status as string,
    errorName: cause?.name,
    errorMessage: cause?.message,
    instancesStarted: (await countInstances(api)) - before,
  };
}

/** Finding 4: `concurrent` instances of a map over `items` items, started at once. */
export async function probeHugeMap(
  api: Api,
  baseUrl: string,
  options: { items?: number; maxConcurrency?: number; concurrent?: number; workflowId?: string; timeoutMs?: number } = {},
) {
  const items = options.items ?? 200_000;
  const workflowId = options.workflowId ?? `huge-map-${items}-${options.maxConcurrency ?? 100}`;
  await publish(api, hugeMapWorkflow(workflowId, items, options.maxConcurrency));
  const startedAt = Date.now();
  const starts = await Promise.all(
    Array.from({ length: options.concurrent ?? 1 }, () => api(`/api/workflows/${workflowId}/instances`, { json: { input: {} } })),
  );
  const ids: string[] = starts.map((s) => {
    if (s.status !== 202) throw new Error(`could not start ${workflowId} (${s.status}): ${JSON.stringify(s.body)}`);
    return s.body.instanceId as string;
  });
  let settledMs = 0;
  const health = await pollHealth(
    baseUrl,
    async () => {
      const all = (await Promise.all(ids.map((id) => isTerminal(api, id)))).every(Boolean);
      if (all && settledMs === 0) settledMs = Date.now() - startedAt;
      return all;
    },
    { timeoutMs: options.timeoutMs ?? 60_000, minMs: 2_000 },
  );
  const details = await Promise.all(ids.map(async (id) => (await api(`/api/instances/${encodeURIComponent(id)}`)).body));
  return {
    ...health,
    settledMs,
    statuses: details.map((d) => d?.status as string),
    errorNames: details.map((d) => d?.error?.name as string | undefined),
    errorMessage: details[0]?.error?.message as string | undefined,
  };
}
