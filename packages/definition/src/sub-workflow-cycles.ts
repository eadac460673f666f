import { nodeTitle } from "./names.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";

/**
 * Sub-workflow calls that lead back to the workflow being published. A workflow that
 * calls itself — directly, or through others (A → B → A) — starts instances until the
 * engine's depth limit stops it; refusing the cycle at publish says so while the author
 * is still at the canvas. The engine's limit still covers what this cannot see (code-first
 * orchestrators, a version published later that closes a cycle through a pinned one).
 */

/** One sub-workflow node's call: the workflow it names and the version it pins (none = the latest). */
export interface SubWorkflowCall {
  nodeId: string;
  /** How messages name the node ("Sub-workflow 'Call myself'"). */
  title: string;
  workflow: string;
  version?: number;
}

/** A published version of a workflow, as the loader finds it. */
export interface PublishedVersion {
  version: number;
  definition: unknown;
}

/** Looks up a published version (`'latest'`: the newest); undefined when there is none. */
export type PublishedVersionLoader = (workflowId: string, version: number | "latest") => Promise<PublishedVersion | undefined>;

/** The sub-workflow calls of a definition (anything that is not one is skipped: validate reports it). */
export function subWorkflowCalls(definition: unknown): SubWorkflowCall[] {
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  const calls: SubWorkflowCall[] = [];
  for (const node of nodes as unknown[]) {
    if (typeof node !== "object" || node === null) continue;
    const { type, id, workflow, version, label } = node as Record<string, unknown>;
    if (type !== "subWorkflow" || typeof id !== "string" || typeof workflow !== "string") continue;
    calls.push({ nodeId: id, title: nodeTitle({ id, type, label }), workflow, ...(typeof version === "number" ? { version } : {}) });
  }
  return calls;
}

/** Problems for sub-workflow nodes that call the workflow they are in (no lookups needed: the designer shows them as you draw). */
export function checkSelfCalls(definition: unknown): Problem[] {
  const id = (definition as { id?: unknown } | null)?.id;
  if (typeof id !== "string") return [];
  return subWorkflowCalls(definition)
    .filter((call) => call.workflow === id)
    .map((call) =>
      errorProblem(
        ProblemCode.SubWorkflowCycle,
        `${call.title} calls '${id}', the workflow it is in: every run would start another run of itself without end. Call a different workflow, or repeat the steps with a loop (a choice edge back) instead.`,
        { nodeId: call.nodeId },
      ),
    );
}

/** How far the search goes: deeper chains are the engine's depth limit's business. */
const MAX_VERSIONS_VISITED = 1000;

/**
 * Whether publishing `definition` as `version` of `workflowId` would make a cycle of
 * sub-workflow calls through the versions already published: pinned calls follow the
 * version they pin, the others the latest version (what an instance started now would
 * run). A call back to the workflow without a pin, or pinned to `version`, closes the
 * cycle; so does reaching a cycle among published versions. Returns a problem on the
 * first node of the cycle, naming the whole chain.
 *
 * @example
 * const problem = await findSubWorkflowCycle('a', draft, 3, (id, v) => loadPublished(id, v));
 * if (problem) throw unprocessable(problem.message);
 */
export async function findSubWorkflowCycle(
  workflowId: string,
  definition: unknown,
  version: number,
  load: PublishedVersionLoader,
): Promise<Problem | undefined> {
  const search = new CycleSearch(workflowId, version, load);
  for (const call of subWorkflowCalls(definition)) {
    const path = await search.from(call);
    if (!path) continue;
    const chain = [workflowId, ...path].map((id) => `'${id}'`).join(" → ");
    return errorProblem(
      ProblemCode.SubWorkflowCycle,
      `${call.title} closes a cycle of calls: ${chain}. Every run would start runs of itself without end; break the cycle (call another workflow, or pin a version that does not call back).`,
      { nodeId: call.nodeId },
    );
  }
  return undefined;
}

class CycleSearch {
  readonly #target: string;
  readonly #targetVersion: number;
  readonly #load: PublishedVersionLoader;
  /** Versions fully searched without finding a cycle. */
  readonly #clear = new Set<string>();
  /** Versions on the current chain of calls. */
  readonly #onPath = new Set<string>();

  constructor(target: string, targetVersion: number, load: PublishedVersionLoader) {
    this.#target = target;
    this.#targetVersion = targetVersion;
    this.#load = load;
  }

  /** The workflow ids from `call` round to a workflow already on the chain, or undefined if there is no cycle. */
  async from(call: SubWorkflowCall): Promise<string[] | undefined> {
    if (call.workflow === this.#target && (call.version === undefined || call.version === this.#targetVersion)) return [this.#target];
    if (this.#clear.size + this.#onPath.size >= MAX_VERSIONS_VISITED) return undefined;
    const found = await this.#load(call.workflow, call.version ?? "latest");
    if (!found) return undefined;
    const key = `${call.workflow}@${found.version}`;
    if (this.#onPath.has(key)) return [call.workflow];
    if (this.#clear.has(key)) return undefined;
    this.#onPath.add(key);
    try {
      for (const next of subWorkflowCalls(found.definition)) {
        const rest = await this.from(next);
        if (rest) return [call.workflow, ...rest];
      }
    } finally {
      this.#onPath.delete(key);
    }
    this.#clear.add(key);
    return undefined;
  }
}
