import { describe, expect, it } from "vitest";
import { GUARANTEED_ACTIVITY_NAMES } from "./catalog.js";
import { hasErrors, type Problem } from "./problem.js";
import { chainOf, definitionOf, type EdgeSpec, type NodeSpec } from "./testing.js";
import { validate } from "./validate.js";

const catalog = { activities: GUARANTEED_ACTIVITY_NAMES };

const start: NodeSpec = { id: "start", type: "start" };
const end = (id = "end"): NodeSpec => ({ id, type: "end" });
const echo = (id: string, settings: Record<string, unknown> = {}): NodeSpec => ({
  id,
  type: "activity",
  activity: "util.echo",
  ...settings,
});
const parallel = (id: string): NodeSpec => ({ id, type: "parallel" });
const join = (id: string, settings: Record<string, unknown> = {}): NodeSpec => ({ id, type: "join", ...settings });
const choice = (id: string): NodeSpec => ({ id, type: "choice" });
const when = (source: string, target: string, condition = "input.ok"): EdgeSpec => ({ source, target, condition });
const otherwise = (source: string, target: string): EdgeSpec => ({ source, target, default: true });

function check(nodes: NodeSpec[], edges: Array<EdgeSpec | [string, string]>): Problem[] {
  return validate(definitionOf({ nodes, edges }), catalog);
}

function codes(problems: Problem[]): string[] {
  return problems.map((problem) => problem.code);
}

function only(problems: Problem[], code: string): Problem[] {
  return problems.filter((problem) => problem.code === code);
}

// start → split → (a, b) → merge → end
const splitAndJoin = {
  nodes: [start, parallel("split"), echo("a"), echo("b"), join("merge"), end()],
  edges: [
    ["start", "split"],
    ["split", "a"],
    ["split", "b"],
    ["a", "merge"],
    ["b", "merge"],
    ["merge", "end"],
  ] as Array<[string, string]>,
};

describe("validate: start, ids and edge ends", () => {
  it("accepts a simple chain", () => {
    expect(validate(chainOf("a", "b"), catalog)).toEqual([]);
  });

  it("reports a workflow without a start", () => {
    const problems = check([echo("a"), end()], [["a", "end"]]);
    expect(problems).toEqual([expect.objectContaining({ severity: "error", code: "no-start" })]);
    expect(problems[0]?.message).toContain("has no start node");
  });

  it("reports every start after the first", () => {
    const problems = check(
      [start, { id: "again", type: "start" }, end()],
      [
        ["start", "end"],
        ["again", "end"],
      ],
    );
    expect(only(problems, "multiple-start")).toEqual([expect.objectContaining({ nodeId: "again" })]);
  });

  it("refuses a start inside a map", () => {
    const problems = check(
      [start, { id: "each", type: "map", items: "input.list" }, { id: "inner", type: "start", parentId: "each" }, end()],
      [
        ["start", "each"],
        ["each", "end"],
      ],
    );
    expect(only(problems, "bad-setting")).toEqual([
      expect.objectContaining({ nodeId: "inner", message: expect.stringContaining("the start belongs at the top level") }),
    ]);
  });

  it("reports duplicate node ids and duplicate edge ids", () => {
    const problems = check(
      [start, echo("a"), { id: "a", type: "delay", durationMs: 5 }, end()],
      [
        { id: "x", source: "start", target: "a" },
        { id: "x", source: "a", target: "end" },
      ],
    );
    expect(only(problems, "duplicate-id")).toEqual([
      expect.objectContaining({ nodeId: "a", message: expect.stringContaining("Delay 'a' (node #3) has the id 'a'") }),
      expect.objectContaining({ edgeId: "x" }),
    ]);
  });

  it("reports an edge whose end is not a node", () => {
    const problems = check([start, echo("a")], [["start", "a"], { id: "loose", source: "a", target: "ghost" }]);
    expect(problems).toEqual([
      {
        severity: "error",
        code: "dangling-edge",
        edgeId: "loose",
        message: "Edge 'loose' goes to 'ghost', which is not a node; connect it to a node or delete it",
      },
    ]);
  });

  it("reports an edge from a node to itself", () => {
    const problems = check([start, echo("a")], [["start", "a"], { id: "self", source: "a", target: "a" }]);
    expect(problems).toEqual([expect.objectContaining({ code: "self-edge", edgeId: "self" })]);
  });
});

describe("validate: reachability", () => {
  it("warns about a node no path reaches", () => {
    const problems = check(
      [start, echo("a"), echo("lost", { label: "Lost step" }), end()],
      [
        ["start", "a"],
        ["a", "end"],
      ],
    );
    expect(problems).toEqual([
      {
        severity: "warning",
        code: "unreachable",
        nodeId: "lost",
        message: "Activity 'Lost step' can never run: no path leads to it from the start; connect it or delete it",
      },
    ]);
    expect(hasErrors(problems)).toBe(false);
  });

  it("counts a map body as reached through its map", () => {
    const problems = check(
      [
        start,
        { id: "each", type: "map", items: "input.list" },
        echo("first", { parentId: "each" }),
        echo("second", { parentId: "each" }),
        end(),
      ],
      [
        ["start", "each"],
        ["first", "second"],
        ["each", "end"],
      ],
    );
    expect(problems).toEqual([]);
  });

  it("warns about a body node that the body entry does not reach", () => {
    const problems = check(
      [
        start,
        { id: "each", type: "map", items: "input.list" },
        echo("first", { parentId: "each" }),
        echo("ringA", { parentId: "each" }),
        choice("ringB"),
        end(),
      ].map((node) => (node.id === "ringB" ? { ...node, parentId: "each" } : node)),
      [["start", "each"], ["each", "end"], ["ringA", "ringB"], when("ringB", "ringA")],
    );
    expect(only(problems, "unreachable").map((problem) => problem.nodeId)).toEqual(["ringA", "ringB"]);
    expect(only(problems, "unreachable")[0]?.message).toContain("from the first step of map 'each'");
  });
});

describe("validate: parallel and join blocks", () => {
  it("accepts a parallel whose branches meet at one join", () => {
    expect(check(splitAndJoin.nodes, splitAndJoin.edges)).toEqual([]);
  });

  it("accepts nested parallels, each closed by its own join", () => {
    const problems = check(
      [start, parallel("outer"), parallel("inner"), echo("a"), echo("b"), join("innerJoin"), echo("c"), join("outerJoin"), end()],
      [
        ["start", "outer"],
        ["outer", "inner"],
        ["inner", "a"],
        ["inner", "b"],
        ["a", "innerJoin"],
        ["b", "innerJoin"],
        ["innerJoin", "outerJoin"],
        ["outer", "c"],
        ["c", "outerJoin"],
        ["outerJoin", "end"],
      ],
    );
    expect(problems).toEqual([]);
  });

  it("accepts a choice inside a branch whose paths both reach the join", () => {
    const problems = check(
      [start, parallel("split"), choice("pick"), echo("yes"), echo("no"), echo("b"), join("merge"), end()],
      [
        ["start", "split"],
        ["split", "pick"],
        ["split", "b"],
        when("pick", "yes"),
        otherwise("pick", "no"),
        ["yes", "merge"],
        ["no", "merge"],
        ["b", "merge"],
        ["merge", "end"],
      ],
    );
    expect(problems).toEqual([]);
  });

  it("accepts an error edge inside a branch when its handler ends the instance or rejoins the branch", () => {
    const problems = check(
      [
        start,
        parallel("split"),
        echo("a"),
        echo("recover"),
        echo("b"),
        { id: "giveUp", type: "fail", error: "Broken" },
        join("merge"),
        end(),
      ],
      [
        ["start", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "merge"],
        { source: "a", target: "recover", kind: "error" },
        ["recover", "merge"],
        ["b", "merge"],
        { source: "b", target: "giveUp", kind: "error" },
        ["merge", "end"],
      ],
    );
    expect(problems).toEqual([]);
  });

  it("reports a parallel whose branches never meet at a join", () => {
    const problems = check(
      [start, parallel("split"), echo("a"), echo("b"), end("endA"), end("endB")],
      [
        ["start", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "endA"],
        ["b", "endB"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: "unmatched-parallel",
        nodeId: "split",
        message: "The branches of parallel 'split' never meet at a join; add a join where they come together",
      }),
    ]);
  });

  it("reports a parallel whose branches end at two joins", () => {
    const problems = check(
      [start, parallel("split"), echo("a"), echo("b"), join("j1"), join("j2"), end("e1"), end("e2")],
      [
        ["start", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "j1"],
        ["b", "j2"],
        ["j1", "e1"],
        ["j2", "e2"],
      ],
    );
    expect(only(problems, "unmatched-parallel")).toEqual([
      expect.objectContaining({ nodeId: "split", message: expect.stringContaining("2 different joins ('j1', 'j2')") }),
    ]);
  });

  it("reports a branch that never reaches the join its siblings wait at", () => {
    const problems = check(
      [start, parallel("split"), echo("a"), echo("b"), join("merge"), end(), end("early")],
      [
        ["start", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "merge"],
        ["b", "early"],
        ["merge", "end"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: "unmatched-parallel",
        nodeId: "split",
        message: expect.stringContaining("The 2nd branch of parallel 'split' (starting at 'b') never reaches join 'merge'"),
      }),
    ]);
  });

  it('lets a join in "any" mode go on with the branches that reach it', () => {
    const problems = check(
      [
        start,
        parallel("race"),
        echo("work"),
        { id: "cancel", type: "waitForEvent", event: "Cancel" },
        join("first", { mode: "any" }),
        end(),
        end("cancelled"),
      ],
      [
        ["start", "race"],
        ["race", "work"],
        ["race", "cancel"],
        ["work", "first"],
        ["cancel", "cancelled"],
        ["first", "end"],
      ],
    );
    expect(problems).toEqual([]);
  });

  it("reports a parallel with fewer than two branches", () => {
    const problems = check(
      [start, parallel("split"), echo("a"), end()],
      [
        ["start", "split"],
        ["split", "a"],
        ["a", "end"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: "unmatched-parallel", nodeId: "split", message: expect.stringContaining("only one branch") }),
    ]);
  });

  it("reports a join that no parallel opens", () => {
    const problems = check(
      [start, echo("a"), join("merge"), end()],
      [
        ["start", "a"],
        ["a", "merge"],
        ["merge", "end"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: "unmatched-join",
        nodeId: "merge",
        message: expect.stringContaining("not inside any parallel branch"),
      }),
    ]);
  });

  it("reports a join that receives branches of two parallels", () => {
    const problems = check(
      [start, parallel("outer"), parallel("inner"), echo("a"), echo("b"), echo("c"), join("merge"), end()],
      [
        ["start", "outer"],
        ["outer", "inner"],
        ["outer", "c"],
        ["inner", "a"],
        ["inner", "b"],
        ["a", "merge"],
        ["b", "merge"],
        ["c", "merge"],
        ["merge", "end"],
      ],
    );
    expect(only(problems, "unmatched-join")).toEqual([
      expect.objectContaining({
        nodeId: "merge",
        message: expect.stringContaining("Join 'merge' receives a branch that did not start at parallel 'inner'"),
      }),
    ]);
  });
  it("reports a join that also takes an edge from outside the branches of its parallel", () => {
    const problems = check(
      [start, echo("before"), parallel("split"), echo("a"), echo("b"), join("merge"), end()],
      [
        ["start", "before"],
        ["before", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "merge"],
        ["b", "merge"],
        { id: "shortcut", source: "before", target: "merge" },
        ["merge", "end"],
      ],
    );
    expect(only(problems, "unmatched-join")).toEqual([
      expect.objectContaining({
        nodeId: "merge",
        message: expect.stringContaining("Join 'merge' closes parallel 'split' but is also reached by edge 'shortcut'"),
      }),
    ]);
  });
});

describe("validate: borders of branches and maps", () => {
  it("reports an edge from one branch into another", () => {
    const problems = check(splitAndJoin.nodes, [
      ...splitAndJoin.edges.filter(([s]) => s !== "a"),
      { id: "sideways", source: "a", target: "b" },
    ]);
    expect(only(problems, "crosses-border")).toEqual([
      expect.objectContaining({
        edgeId: "sideways",
        message: expect.stringContaining("leads from the 1st branch of parallel 'split' into its 2nd branch"),
      }),
    ]);
  });

  it("reports an edge that leaves a branch for a node before the parallel", () => {
    const problems = check(
      [start, echo("before"), parallel("split"), echo("a"), choice("again"), echo("b"), join("merge"), end()],
      [
        ["start", "before"],
        ["before", "split"],
        ["split", "a"],
        ["split", "b"],
        ["a", "again"],
        { id: "back", ...when("again", "before") },
        otherwise("again", "merge"),
        ["b", "merge"],
        ["merge", "end"],
      ],
    );
    expect(codes(problems)).toEqual(["crosses-border"]);
    expect(problems[0]).toMatchObject({ edgeId: "back" });
    expect(problems[0]?.message).toContain("leaves the 1st branch of parallel 'split'");
  });

  it("reports an edge that enters a branch from outside", () => {
    const problems = check(
      [start, choice("pick"), parallel("split"), echo("a"), echo("b"), join("merge"), end()],
      [
        ["start", "pick"],
        when("pick", "split"),
        { id: "sneak", ...otherwise("pick", "b") },
        ["split", "a"],
        ["split", "b"],
        ["a", "merge"],
        ["b", "merge"],
        ["merge", "end"],
      ],
    );
    expect(only(problems, "crosses-border")).toEqual([
      expect.objectContaining({ edgeId: "sneak", message: expect.stringContaining("from outside it") }),
    ]);
  });

  it("accepts a loop inside one branch and a loop around a whole parallel", () => {
    const problems = check(
      [start, parallel("split"), echo("poll"), choice("done"), echo("b"), join("merge"), choice("more"), end()],
      [
        ["start", "split"],
        ["split", "poll"],
        ["split", "b"],
        ["poll", "done"],
        when("done", "merge"),
        otherwise("done", "poll"),
        ["b", "merge"],
        ["merge", "more"],
        when("more", "split", "vars.again"),
        otherwise("more", "end"),
      ],
    );
    expect(problems).toEqual([]);
  });

  it("reports edges across a map border, in and out", () => {
    const problems = check(
      [start, { id: "each", type: "map", items: "input.list" }, echo("body", { parentId: "each" }), echo("after"), end()],
      [
        ["start", "each"],
        ["each", "after"],
        ["after", "end"],
        { id: "out", source: "body", target: "end" },
        { id: "in", source: "start", target: "body" },
        { id: "own", source: "each", target: "body" },
      ],
    );
    const crossing = only(problems, "crosses-border");
    expect(crossing.map((problem) => problem.edgeId)).toEqual(["out", "in", "own"]);
    expect(crossing[0]?.message).toContain("leaves map 'each' from activity 'body' inside it");
    expect(crossing[1]?.message).toContain("enters map 'each' from start 'start' outside it");
    expect(crossing[2]?.message).toContain("inside its own body");
  });
});

describe("validate: loops", () => {
  it("reports a loop that no choice can leave", () => {
    const problems = check(
      [start, echo("a"), echo("b"), end()],
      [
        ["start", "a"],
        ["a", "b"],
        ["b", "a"],
      ],
    );
    expect(only(problems, "cycle-without-choice")).toEqual([
      expect.objectContaining({ nodeId: "a", message: expect.stringContaining("Nodes 'a', 'b' form a loop without a choice") }),
    ]);
  });

  it("accepts a loop through a choice", () => {
    const problems = check(
      [start, echo("a"), choice("again"), end()],
      [["start", "a"], ["a", "again"], when("again", "a", "steps.a.more"), otherwise("again", "end")],
    );
    expect(problems).toEqual([]);
  });

  it("reports an inner loop that avoids the choice of an outer one", () => {
    const problems = check(
      [start, echo("a"), { id: "w", type: "waitForEvent", event: "Tick", timeoutMs: 1000 }, choice("again"), end()],
      [
        ["start", "a"],
        ["a", "w"],
        { source: "w", target: "a", kind: "timeout" },
        ["w", "again"],
        when("again", "a"),
        otherwise("again", "end"),
      ],
    );
    expect(codes(problems)).toEqual(["cycle-without-choice"]);
  });
});

describe("validate: outgoing edges by node type", () => {
  it("accepts an activity with a next and an error edge, and a wait with a next and a timeout edge", () => {
    const problems = check(
      [start, echo("a"), echo("handle"), { id: "w", type: "waitForEvent", event: "Go", timeoutMs: 60_000 }, end(), end("late")],
      [
        ["start", "a"],
        ["a", "w"],
        { source: "a", target: "handle", kind: "error" },
        ["handle", "w"],
        ["w", "end"],
        { source: "w", target: "late", kind: "timeout" },
      ],
    );
    expect(problems).toEqual([]);
  });

  it("reports two next edges from a node that cannot branch", () => {
    const problems = check(
      [start, echo("a"), end("x"), end("y")],
      [
        ["start", "a"],
        ["a", "x"],
        ["a", "y"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: "too-many-edges", nodeId: "a", message: expect.stringContaining("has 2 outgoing edges") }),
    ]);
  });

  it("reports two error edges and two timeout edges", () => {
    const problems = check(
      [start, echo("a"), { id: "w", type: "waitForEvent", event: "Go", timeoutMs: 5 }, end("x"), end("y"), end("z")],
      [
        ["start", "a"],
        ["a", "w"],
        { source: "a", target: "x", kind: "error" },
        { source: "a", target: "y", kind: "error" },
        ["w", "z"],
        { source: "w", target: "x", kind: "timeout" },
        { source: "w", target: "y", kind: "timeout" },
      ],
    );
    expect(only(problems, "too-many-edges").map((problem) => problem.message)).toEqual([
      "Activity 'a' has 2 error edges; keep one (put a choice after it to tell errors apart)",
      "Wait 'w' has 2 timeout edges; keep one",
    ]);
  });

  it("reports an edge leaving an end or a fail", () => {
    const problems = check(
      [start, end("stop"), echo("after"), { id: "boom", type: "fail" }, echo("later")],
      [
        ["start", "stop"],
        ["stop", "after"],
        ["boom", "later"],
      ],
    );
    expect(only(problems, "too-many-edges").map((problem) => problem.nodeId)).toEqual(["stop", "boom"]);
  });

  it("allows error edges only from activities, sub-workflows and maps", () => {
    const problems = check(
      [start, { id: "d", type: "delay", durationMs: 10 }, end(), end("oops")],
      [["start", "d"], ["d", "end"], { id: "err", source: "d", target: "oops", kind: "error" }],
    );
    expect(problems).toEqual([expect.objectContaining({ code: "edge-kind-not-allowed", edgeId: "err" })]);
  });

  it("allows timeout edges only from a wait that has a timeout", () => {
    const problems = check(
      [start, echo("a"), { id: "w", type: "waitForEvent", event: "Go" }, end(), end("late")],
      [
        ["start", "a"],
        ["a", "w"],
        { id: "fromActivity", source: "a", target: "late", kind: "timeout" },
        ["w", "end"],
        { id: "noTimeout", source: "w", target: "late", kind: "timeout" },
      ],
    );
    expect(only(problems, "edge-kind-not-allowed")).toEqual([
      expect.objectContaining({ edgeId: "fromActivity", message: expect.stringContaining("only a wait for an event can time out") }),
      expect.objectContaining({ edgeId: "noTimeout", message: expect.stringContaining("has no timeoutMs") }),
    ]);
  });
});

describe("validate: choices", () => {
  it("reports a choice edge without a condition, a second default, and an edge with both", () => {
    const problems = check(
      [start, choice("pick"), end("a"), end("b"), end("c"), end("d")],
      [
        ["start", "pick"],
        { id: "bare", source: "pick", target: "a" },
        { id: "both", source: "pick", target: "b", condition: "input.x", default: true },
        otherwise("pick", "c"),
        when("pick", "d"),
      ],
    );
    expect(problems.map((problem) => [problem.code, problem.edgeId ?? problem.nodeId])).toEqual([
      ["bad-setting", "bare"],
      ["bad-setting", "both"],
      ["bad-setting", "pick"],
    ]);
    expect(problems[2]?.message).toBe("Choice 'pick' has 2 default edges; keep one default");
  });

  it("reports a choice without outgoing edges", () => {
    const problems = check([start, choice("pick")], [["start", "pick"]]);
    expect(problems).toEqual([expect.objectContaining({ code: "bad-setting", nodeId: "pick" })]);
  });

  it("warns about a condition on an edge that does not leave a choice", () => {
    const problems = check([start, echo("a"), end()], [["start", "a"], { id: "c", source: "a", target: "end", condition: "true" }]);
    expect(problems).toEqual([expect.objectContaining({ severity: "warning", code: "bad-setting", edgeId: "c" })]);
  });
});

describe("validate: settings", () => {
  it("reports non-positive and fractional durations", () => {
    const problems = check(
      [
        start,
        echo("a", { timeoutMs: 0 }),
        { id: "w", type: "waitForEvent", event: "Go", timeoutMs: 1.5 },
        { id: "d", type: "delay", durationMs: -10 },
        end(),
      ],
      [
        ["start", "a"],
        ["a", "w"],
        ["w", "d"],
        ["d", "end"],
      ],
    );
    expect(problems.map((problem) => [problem.code, problem.nodeId])).toEqual([
      ["bad-setting", "a"],
      ["bad-setting", "w"],
      ["bad-setting", "d"],
    ]);
    expect(problems[0]?.message).toBe("Activity 'a': timeoutMs must be a whole number of milliseconds greater than 0 (it is 0)");
  });

  it("reports retry policies that make no sense", () => {
    const problems = check(
      [
        start,
        echo("zero", { retry: { maxAttempts: 0 } }),
        echo("fraction", { retry: { maxAttempts: 2.5 } }),
        echo("shrinking", { retry: { maxAttempts: 3, backoffCoefficient: 0.5 } }),
        echo("capped", { retry: { maxAttempts: 3, firstIntervalMs: 5000, maxIntervalMs: 1000 } }),
        echo("cappedDefault", { retry: { maxAttempts: 3, maxIntervalMs: 500 } }),
        end(),
      ],
      [
        ["start", "zero"],
        ["zero", "fraction"],
        ["fraction", "shrinking"],
        ["shrinking", "capped"],
        ["capped", "cappedDefault"],
        ["cappedDefault", "end"],
      ],
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      "Activity 'zero': retry.maxAttempts must be a whole number ≥ 1 (it is 0)",
      "Activity 'fraction': retry.maxAttempts must be a whole number ≥ 1 (it is 2.5)",
      "Activity 'shrinking': retry.backoffCoefficient must be a number ≥ 1 (it is 0.5)",
      "Activity 'capped': retry.maxIntervalMs (1000) is shorter than the first interval (5000 ms); raise maxIntervalMs or lower firstIntervalMs",
      "Activity 'cappedDefault': retry.maxIntervalMs (500) is shorter than the first interval (1000 ms, the default); raise maxIntervalMs or lower firstIntervalMs",
    ]);
  });

  it("accepts a full retry policy", () => {
    const retry = { maxAttempts: 5, firstIntervalMs: 500, backoffCoefficient: 1.5, maxIntervalMs: 10_000, totalTimeoutMs: 60_000 };
    expect(validate(chainOf(echo("a", { retry })), catalog)).toEqual([]);
  });

  it("reports an approval with fewer than two choices or a repeated choice", () => {
    const problems = check(
      [
        start,
        { id: "one", type: "waitForEvent", event: "E", approval: { title: "OK?", choices: ["Yes"] } },
        { id: "twice", type: "waitForEvent", event: "E", approval: { title: "OK?", choices: ["Yes", "Yes"] } },
        end(),
      ],
      [
        ["start", "one"],
        ["one", "twice"],
        ["twice", "end"],
      ],
    );
    expect(problems.map((problem) => problem.nodeId)).toEqual(["one", "twice"]);
    expect(problems[1]?.message).toContain("lists 'Yes' more than once");
  });

  it("reports a delay with neither or both of durationMs and until", () => {
    const problems = check(
      [
        start,
        { id: "neither", type: "delay" },
        { id: "both", type: "delay", durationMs: 10, until: "input.at" },
        { id: "fine", type: "delay", until: "input.at" },
        end(),
      ],
      [
        ["start", "neither"],
        ["neither", "both"],
        ["both", "fine"],
        ["fine", "end"],
      ],
    );
    expect(problems.map((problem) => [problem.code, problem.nodeId])).toEqual([
      ["bad-setting", "neither"],
      ["bad-setting", "both"],
    ]);
  });

  it("reports a map without items", () => {
    const problems = check(
      [start, { id: "each", type: "map" }, echo("body", { parentId: "each" }), end()],
      [
        ["start", "each"],
        ["each", "end"],
      ],
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: "bad-setting", nodeId: "each", message: expect.stringContaining("items is missing") }),
    ]);
  });

  it("reports a map body with no nodes, several entries, or no entry", () => {
    const emptyBody = check(
      [start, { id: "each", type: "map", items: "input.l" }, end()],
      [
        ["start", "each"],
        ["each", "end"],
      ],
    );
    expect(emptyBody).toEqual([
      expect.objectContaining({ code: "bad-setting", nodeId: "each", message: expect.stringContaining("has no nodes inside it") }),
    ]);

    const twoEntries = check(
      [start, { id: "each", type: "map", items: "input.l" }, echo("a", { parentId: "each" }), echo("b", { parentId: "each" }), end()],
      [
        ["start", "each"],
        ["each", "end"],
      ],
    );
    expect(twoEntries).toEqual([
      expect.objectContaining({ code: "bad-setting", nodeId: "each", message: expect.stringContaining("has 2 first steps ('a', 'b')") }),
    ]);

    const ring = check(
      [
        start,
        { id: "each", type: "map", items: "input.l" },
        echo("a", { parentId: "each" }),
        { id: "c", type: "choice", parentId: "each" },
        end(),
      ],
      [["start", "each"], ["each", "end"], ["a", "c"], when("c", "a")],
    );
    expect(only(ring, "bad-setting")).toEqual([
      expect.objectContaining({ nodeId: "each", message: expect.stringContaining("has no first step") }),
    ]);
  });

  it("reports a parentId that is not a map, does not exist, or loops", () => {
    const problems = check(
      [
        start,
        echo("a"),
        echo("inActivity", { parentId: "a" }),
        echo("inNothing", { parentId: "ghost" }),
        { id: "m1", type: "map", items: "x", parentId: "m2" },
        { id: "m2", type: "map", items: "x", parentId: "m1" },
        end(),
      ],
      [
        ["start", "a"],
        ["a", "end"],
      ],
    );
    const settings = only(problems, "bad-setting").map((problem) => problem.message);
    expect(settings).toContain("Activity 'inActivity' is placed inside activity 'a' (its parentId), but only a map can contain nodes");
    expect(settings).toContain(
      "Activity 'inNothing': parentId 'ghost' is not a node of this workflow; move the node into a map or clear its parentId",
    );
    expect(settings.some((message) => message.startsWith("Maps 'm1', 'm2' are inside each other"))).toBe(true);
  });

  it("reports expressions that do not parse, with the JSONata error and its position", () => {
    const problems = check(
      [
        start,
        echo("a", { input: '{ "order": }' }),
        { id: "t", type: "transform", assign: { total: "$sum(input.items.price", ok: "input.x" } },
        { id: "pick", type: "choice" },
        { id: "s", type: "setStatus", status: "   " },
        end(),
      ],
      [
        ["start", "a"],
        ["a", "t"],
        ["t", "pick"],
        { id: "cond", ...when("pick", "s", "steps.a = ") },
        otherwise("pick", "end"),
        ["s", "end"],
      ],
    );
    expect(problems.map((problem) => [problem.code, problem.nodeId ?? problem.edgeId])).toEqual([
      ["bad-expression", "a"],
      ["bad-expression", "t"],
      ["bad-expression", "s"],
      ["bad-expression", "cond"],
    ]);
    expect(problems[0]?.message).toBe(
      `Activity 'a': input is not a valid expression: The symbol "}" cannot be used as a unary operator (at position 12, near '}')`,
    );
    expect(problems[1]?.message).toContain("assign.total is not a valid expression");
    expect(problems[2]?.message).toBe("Set-status 's': status is empty; write an expression or clear the field");
    expect(problems[3]?.message).toContain(
      "Edge 'cond': condition is not a valid expression: Unexpected end of expression (at position 10",
    );
  });
});

describe("validate: catalog names", () => {
  it("reports an unknown activity and suggests the closest name", () => {
    const problems = check(
      [start, { id: "video", type: "activity", activity: "order.createVideoo" }, end()],
      [
        ["start", "video"],
        ["video", "end"],
      ],
    );
    expect(problems).toEqual([
      {
        severity: "error",
        code: "unknown-activity",
        nodeId: "video",
        message: "Activity 'video' calls 'order.createVideoo', which is not in the catalog. Did you mean 'order.createVideo'?",
      },
    ]);
  });

  it("checks activity names only when a catalog is given, as a list or a set", () => {
    const json = chainOf({ id: "x", type: "activity", activity: "custom.thing" });
    expect(validate(json)).toEqual([]);
    expect(codes(validate(json, { activities: new Set(["util.echo"]) }))).toEqual(["unknown-activity"]);
    expect(validate(json, { activities: new Set(["custom.thing"]) })).toEqual([]);
  });

  it("reports an unknown sub-workflow only when the workflows are given", () => {
    const json = chainOf({ id: "child", type: "subWorkflow", workflow: "video-pipline", version: "latest" });
    expect(validate(json, catalog)).toEqual([]);
    const problems = validate(json, { ...catalog, workflows: ["video-pipeline", "order-processing"] });
    expect(problems).toEqual([
      expect.objectContaining({
        code: "unknown-workflow",
        nodeId: "child",
        message: expect.stringContaining("Did you mean 'video-pipeline'?"),
      }),
    ]);
  });
});

describe("validate: robustness", () => {
  it("reports every kind of problem in one pass", () => {
    const problems = check(
      [
        echo("a", { retry: { maxAttempts: 0 } }),
        echo("a"),
        { id: "typo", type: "activity", activity: "util.ecko" },
        { id: "loose", type: "join" },
        { id: "bad", type: "activity", activity: "util.echo", input: "1 +" },
      ],
      [["a", "typo"], ["typo", "a"], { source: "typo", target: "missing" }],
    );
    expect(new Set(codes(problems))).toEqual(
      new Set(["bad-setting", "duplicate-id", "dangling-edge", "no-start", "cycle-without-choice", "unknown-activity", "bad-expression"]),
    );
  });

  it("never throws, whatever it is given", () => {
    const hostile = {
      id: "x",
      name: "x",
      get nodes(): never {
        throw new Error("no nodes for you");
      },
      edges: [],
    };
    const cyclic: Record<string, unknown> = { id: "x", name: "x", nodes: [], edges: [] };
    cyclic.self = cyclic;
    const inputs: unknown[] = [null, undefined, 0, "x", true, [], [1, 2], {}, { nodes: "x", edges: {} }, hostile, cyclic, Symbol("s"), 10n];
    for (const input of inputs) {
      const problems = validate(input);
      expect(Array.isArray(problems)).toBe(true);
      expect(problems.length).toBeGreaterThan(0);
    }
    expect(validate(hostile)[0]?.message).toContain("no nodes for you");
  });

  it("validates 10,000 nodes in a chain quickly", () => {
    const steps = Array.from({ length: 10_000 }, (_, index) => `step${index}`);
    const started = performance.now();
    const problems = validate(chainOf(...steps), catalog);
    expect(problems).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("validates 5,000 nested parallels without overflowing", () => {
    const nodes: NodeSpec[] = [start];
    const edges: Array<[string, string]> = [];
    let previous = "start";
    for (let level = 0; level < 5000; level++) {
      nodes.push(parallel(`p${level}`), echo(`side${level}`));
      edges.push([previous, `p${level}`], [`p${level}`, `side${level}`]);
      previous = `p${level}`;
    }
    nodes.push(echo("core"));
    edges.push([previous, "core"]);
    let inner = "core";
    for (let level = 4999; level >= 0; level--) {
      nodes.push(join(`j${level}`));
      edges.push([inner, `j${level}`], [`side${level}`, `j${level}`]);
      inner = `j${level}`;
    }
    const problems = check(nodes, edges);
    expect(problems).toEqual([]);
  });

  it("tells whether problems block publishing", () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ severity: "warning", code: "unreachable", message: "x" }])).toBe(false);
    expect(hasErrors([{ severity: "error", code: "no-start", message: "x" }])).toBe(true);
  });
});
