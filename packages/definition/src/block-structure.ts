import { edgeRef, edgeTitle, type GraphEdge, type GraphNode, type WorkflowGraph } from "./graph.js";
import type { Scopes } from "./map-scopes.js";
import { listNames } from "./map-scopes.js";
import { displayName, nodeRef, nodeTitle, ordinal } from "./names.js";
import { JoinMode, NodeType } from "./node-types.js";
import { errorProblem, ProblemCode, warningProblem, type Problem } from "./problem.js";

// Block structure, checked by walking each scope once from its entry (breadth-first)
// and giving every node the stack of parallel branches it sits in. A parallel pushes
// one frame per outgoing edge (its branches); a join pops the frame of the parallel it
// closes. Then:
//   - a node reached with two different stacks is entered from two places that must
//     not meet: another branch, or the outside of a branch (crosses-border);
//   - a join whose incoming stacks end in different parallels, or that is reached
//     outside any branch, is unmatched (unmatched-join);
//   - a parallel whose branches reach no join, several joins, or (mode "all") a join
//     that one branch never reaches, is unmatched (unmatched-parallel).
// Choices, error and timeout edges need no special case: paths that split inside a
// branch keep the branch's stack, so they may meet again anywhere in the same branch,
// reach the join, or stop (ending the instance). A loop may run inside one branch or
// around a whole parallel block, but not from a branch back out of it.
// Frames are shared, immutable links, so a node's stack is compared by identity: the
// stacks after a parallel's join are the very object the parallel was reached with.

interface Frame {
  parallel: GraphNode;
  /** 0-based position of the branch among the parallel's outgoing edges. */
  branch: number;
  parent: Frame | undefined;
  depth: number;
}

type Stack = Frame | undefined;

interface JoinArrival {
  /** The frame of the first arrival from this parallel (all share its parent). */
  frame: Frame;
  edge: GraphEdge;
  branches: Set<number>;
}

interface JoinState {
  /** The parallel the join closes: null until placed, undefined when it closes none. */
  closes: GraphNode | undefined | null;
  arrivals: Map<string, JoinArrival>;
  /** The first edge that reached the join from outside any branch. */
  outside: GraphEdge | undefined;
  /** Parallels (by id, '' for "outside") whose stray arrival was reported. */
  reported: Set<string>;
}

export interface FlowAnalysis {
  /** Ids of the nodes some path reaches from the start (or from a body's entry). */
  reached: Set<string>;
  problems: Problem[];
}

export function analyzeFlow(graph: WorkflowGraph, scopes: Scopes): FlowAnalysis {
  const walk = new FlowWalk(graph, scopes);
  walk.run();
  walk.checkParallels();
  const reached = new Set(walk.stacks.keys());
  const problems = walk.problems;
  if (scopes.starts.length > 0) problems.push(...unreachableWarnings(graph, reached));
  return { reached, problems };
}

/** One breadth-first walk over every scope, with the state the walk shares between its steps. */
class FlowWalk {
  readonly problems: Problem[] = [];
  readonly stacks = new Map<string, Stack>();
  readonly #joins = new Map<string, JoinState>();
  readonly #joinsOfParallel = new Map<string, GraphNode[]>();
  readonly #branchTargets = new Set<string>();
  readonly #deferred: Array<{ edge: GraphEdge; target: GraphNode; stack: Stack }> = [];
  #waiting: GraphNode[] = []; // joins with arrivals, not placed yet
  readonly #queue: GraphNode[] = [];
  #head = 0;

  constructor(
    readonly graph: WorkflowGraph,
    readonly scopes: Scopes,
  ) {
    for (const node of graph.nodes) {
      if (node.type !== NodeType.Parallel) continue;
      for (const edge of flowOut(scopes, node)) this.#branchTargets.add(edge.target);
    }
  }

  // Breadth-first, with two waits that make the first arrival the telling one:
  //  - a join is only placed once no other node can move (as it waits for its
  //    branches at run time), then it closes the parallel most of its branches come from;
  //  - a node that starts a branch is entered through its parallel when the parallel
  //    can be reached at all, so an edge from elsewhere into it is the one reported.
  run(): void {
    const { scopes } = this;
    const topSeeds = scopes.starts.length > 0 ? scopes.starts : scopes.topLevel.filter((node) => flowIn(scopes, node).length === 0);
    for (const seed of topSeeds) this.#visit(seed, undefined);
    for (;;) {
      while (this.#head < this.#queue.length) this.#step(this.#queue[this.#head++] as GraphNode);
      if (this.#waiting.length > 0) {
        const ready = this.#waiting.sort((a, b) => a.index - b.index);
        this.#waiting = [];
        for (const join of ready) this.#placeJoin(join, this.#joins.get(join.id) as JoinState);
        continue;
      }
      if (this.#deferred.length > 0) {
        for (const { edge, target, stack } of this.#deferred.splice(0)) this.#arrive(edge, target, stack);
        continue;
      }
      break;
    }
  }

  #step(node: GraphNode): void {
    const { graph, scopes } = this;
    const stack = this.stacks.get(node.id);
    if (node.type === NodeType.Map) {
      const body = scopes.bodies.get(node.id) ?? [];
      const entries = scopes.entries.get(node.id) ?? [];
      for (const entry of entries.length > 0 ? entries : body) this.#visit(entry, undefined);
    }
    flowOut(scopes, node).forEach((edge, branch) => {
      const target = graph.nodeById.get(edge.target) as GraphNode;
      const isBranch = node.type === NodeType.Parallel;
      const incoming: Stack = isBranch ? { parallel: node, branch, parent: stack, depth: (stack?.depth ?? 0) + 1 } : stack;
      if (target.type === NodeType.Join) {
        this.#arriveAtJoin(edge, target, incoming);
      } else if (!isBranch && this.#branchTargets.has(target.id) && !this.stacks.has(target.id)) {
        this.#deferred.push({ edge, target, stack: incoming });
      } else {
        this.#arrive(edge, target, incoming);
      }
    });
  }

  #visit(node: GraphNode, stack: Stack): boolean {
    if (this.stacks.has(node.id)) return false;
    this.stacks.set(node.id, stack);
    this.#queue.push(node);
    return true;
  }

  #arrive(edge: GraphEdge, target: GraphNode, stack: Stack): void {
    if (!this.#visit(target, stack) && this.stacks.get(target.id) !== stack) {
      this.problems.push(crossingProblem(this.graph, edge, this.stacks.get(target.id), stack));
    }
  }

  #arriveAtJoin(edge: GraphEdge, join: GraphNode, incoming: Stack): void {
    let state = this.#joins.get(join.id);
    if (state === undefined) {
      state = { closes: null, arrivals: new Map(), outside: undefined, reported: new Set() };
      this.#joins.set(join.id, state);
      this.#waiting.push(join);
    }
    if (state.closes !== null) {
      this.#reportJoinArrival(join, state, edge, incoming);
      return;
    }
    if (incoming === undefined) {
      state.outside ??= edge;
      return;
    }
    const arrival = state.arrivals.get(incoming.parallel.id);
    if (arrival === undefined) {
      state.arrivals.set(incoming.parallel.id, { frame: incoming, edge, branches: new Set([incoming.branch]) });
    } else {
      arrival.branches.add(incoming.branch);
    }
  }

  // Decides which parallel a join closes: the one most of its branches come from (the
  // innermost on a tie), and reports every arrival from elsewhere.
  #placeJoin(join: GraphNode, state: JoinState): void {
    let best: JoinArrival | undefined;
    for (const arrival of state.arrivals.values()) {
      if (
        best === undefined ||
        arrival.branches.size > best.branches.size ||
        (arrival.branches.size === best.branches.size && arrival.frame.depth > best.frame.depth)
      ) {
        best = arrival;
      }
    }
    state.closes = best?.frame.parallel;
    if (best !== undefined) {
      const list = this.#joinsOfParallel.get(best.frame.parallel.id) ?? [];
      list.push(join);
      this.#joinsOfParallel.set(best.frame.parallel.id, list);
    }
    const arrivals = [...state.arrivals.values()];
    state.arrivals = new Map(best !== undefined ? [[best.frame.parallel.id, best]] : []);
    if (state.outside !== undefined) this.#reportJoinArrival(join, state, state.outside, undefined);
    for (const arrival of arrivals) {
      if (arrival !== best) this.#reportJoinArrival(join, state, arrival.edge, arrival.frame);
    }
    this.#visit(join, best?.frame.parent);
  }

  #reportJoinArrival(join: GraphNode, state: JoinState, edge: GraphEdge, incoming: Stack): void {
    const { graph } = this;
    const closes = state.closes ?? undefined;
    if (incoming !== undefined && closes === incoming.parallel) {
      state.arrivals.get(closes.id)?.branches.add(incoming.branch);
      return;
    }
    const key = incoming?.parallel.id ?? "";
    if (state.reported.has(key)) return;
    state.reported.add(key);
    if (incoming === undefined) {
      this.problems.push(
        errorProblem(
          ProblemCode.UnmatchedJoin,
          closes === undefined
            ? `${nodeTitle(join)} is reached by ${edgeRef(graph, edge)}, which is not inside any parallel branch; a join closes the branches of one parallel — put it where the branches of a parallel meet, or delete it`
            : `${nodeTitle(join)} closes ${nodeRef(closes)} but is also reached by ${edgeRef(graph, edge)}, which does not come from one of its branches; a join only takes the branches of its parallel — remove that edge`,
          { nodeId: join.id },
        ),
      );
      return;
    }
    this.problems.push(
      errorProblem(
        ProblemCode.UnmatchedJoin,
        closes === undefined
          ? `${nodeTitle(join)} is reached from outside any parallel branch and also by ${edgeRef(graph, edge)} from a branch of ${nodeRef(incoming.parallel)}; a join takes the branches of exactly one parallel and nothing else`
          : `${nodeTitle(join)} receives a branch that did not start at ${nodeRef(closes)}: ${edgeRef(graph, edge)} comes from a branch of ${nodeRef(incoming.parallel)}; a join takes the branches of exactly one parallel — give each parallel its own join`,
        { nodeId: join.id },
      ),
    );
  }

  /** After the walk: every reached parallel must close at exactly one join that all its branches reach. */
  checkParallels(): void {
    const { graph, scopes, problems } = this;
    for (const parallel of graph.nodes) {
      if (parallel.type !== NodeType.Parallel || !this.stacks.has(parallel.id)) continue;
      const branches = flowOut(scopes, parallel);
      if (branches.length < 2) continue; // reported with the edge rules
      const closing = this.#joinsOfParallel.get(parallel.id) ?? [];
      if (closing.length === 0) {
        problems.push(
          errorProblem(
            ProblemCode.UnmatchedParallel,
            `The branches of ${nodeRef(parallel)} never meet at a join; add a join where they come together`,
            { nodeId: parallel.id },
          ),
        );
      } else if (closing.length > 1) {
        problems.push(
          errorProblem(
            ProblemCode.UnmatchedParallel,
            `The branches of ${nodeRef(parallel)} end at ${closing.length} different joins (${listNames(closing)}); all branches of a parallel must meet at one join`,
            { nodeId: parallel.id },
          ),
        );
      } else {
        const join = closing[0] as GraphNode;
        if (join.raw.mode === JoinMode.Any) continue; // the first branch to arrive is enough
        const arrived = this.#joins.get(join.id)?.arrivals.get(parallel.id)?.branches ?? new Set<number>();
        branches.forEach((edge, branch) => {
          if (arrived.has(branch)) return;
          const first = graph.nodeById.get(edge.target) as GraphNode;
          problems.push(
            errorProblem(
              ProblemCode.UnmatchedParallel,
              `The ${ordinal(branch + 1)} branch of ${nodeRef(parallel)} (starting at ${displayName(first)}) never reaches ${nodeRef(join)}, so the join would wait forever; connect the branch to the join, or set the join's mode to "any"`,
              { nodeId: parallel.id },
            ),
          );
        });
      }
    }
  }
}

function unreachableWarnings(graph: WorkflowGraph, reached: ReadonlySet<string>): Problem[] {
  const warnings: Problem[] = [];
  for (const node of graph.nodes) {
    if (reached.has(node.id)) continue;
    // Inside a map that is itself unreached, the map's own warning says it all.
    if (node.scope !== undefined && !reached.has(node.scope)) continue;
    const map = node.scope !== undefined ? graph.nodeById.get(node.scope) : undefined;
    const from = map !== undefined ? `the first step of ${nodeRef(map)}` : "the start";
    warnings.push(
      warningProblem(
        ProblemCode.Unreachable,
        `${nodeTitle(node)} can never run: no path leads to it from ${from}; connect it or delete it`,
        { nodeId: node.id },
      ),
    );
  }
  return warnings;
}

function crossingProblem(graph: WorkflowGraph, edge: GraphEdge, existing: Stack, incoming: Stack): Problem {
  const title = edgeTitle(graph, edge);
  const target = graph.nodeById.get(edge.target) as GraphNode;
  // The frames just below the innermost branch both stacks share.
  let a = existing;
  let b = incoming;
  let belowA: Frame | undefined;
  let belowB: Frame | undefined;
  while ((a?.depth ?? 0) > (b?.depth ?? 0)) {
    belowA = a;
    a = a?.parent;
  }
  while ((b?.depth ?? 0) > (a?.depth ?? 0)) {
    belowB = b;
    b = b?.parent;
  }
  while (a !== b) {
    belowA = a;
    belowB = b;
    a = a?.parent;
    b = b?.parent;
  }
  const branchName = (frame: Frame): string => `the ${ordinal(frame.branch + 1)} branch of ${nodeRef(frame.parallel)}`;
  let message: string;
  if (belowA !== undefined && belowB !== undefined && belowA.parallel === belowB.parallel) {
    message = `${title} leads from ${branchName(belowB)} into its ${ordinal(belowA.branch + 1)} branch (at ${displayName(target)}); branches of a parallel run side by side and meet only at its join`;
  } else if (belowB !== undefined && belowA === undefined) {
    message = `${title} leaves ${branchName(belowB)} for ${nodeRef(target)}, outside the branch; a branch ends at its parallel's join (or ends the instance) — a loop must go around the whole parallel`;
  } else if (belowA !== undefined && belowB === undefined) {
    message = `${title} enters ${branchName(belowA)} (at ${displayName(target)}) from outside it; a branch can only be entered from its parallel`;
  } else {
    message = `${title} connects ${branchName(belowB as Frame)} with ${branchName(belowA as Frame)} (at ${displayName(target)}); branches of different parallels cannot meet`;
  }
  return errorProblem(ProblemCode.CrossesBorder, message, { edgeId: edge.id });
}

function flowOut(scopes: Scopes, node: GraphNode): readonly GraphEdge[] {
  return scopes.flowOut.get(node.id) ?? [];
}

function flowIn(scopes: Scopes, node: GraphNode): readonly GraphEdge[] {
  return scopes.flowIn.get(node.id) ?? [];
}
