import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GUARANTEED_ACTIVITY_NAMES } from "./catalog.js";
import { NODE_TYPES } from "./node-types.js";
import { parseDefinition } from "./parse-definition.js";
import { hasErrors, PROBLEM_CODES, type Problem } from "./problem.js";
import { compile, DefinitionError } from "./compile.js";
import { validate } from "./validate.js";

// validate must never throw and must always answer with well-formed problems, whatever
// the canvas, an API client or a hand-edited file sends. These properties feed it over
// ten thousand documents: the shipped examples mutated in every way we could think of,
// random graphs of every node type, and arbitrary JSON.

type Json = unknown;
type Doc = Record<string, unknown> & { nodes: unknown[]; edges: unknown[] };

const EXAMPLES: Doc[] = ["order-processing", "video-pipeline"].map(
  (name) => JSON.parse(readFileSync(new URL(`../../../examples/${name}.json`, import.meta.url), "utf8")) as Doc,
);
const catalog = { activities: GUARANTEED_ACTIVITY_NAMES, workflows: ["order-processing", "video-pipeline"] };
const PROBLEM_KEYS = new Set(["severity", "code", "message", "nodeId", "edgeId"]);
const CODES = new Set<string>(PROBLEM_CODES);
const NODE_KEYS = [
  "id",
  "type",
  "position",
  "label",
  "parentId",
  "activity",
  "input",
  "retry",
  "timeoutMs",
  "mode",
  "items",
  "maxConcurrency",
  "event",
  "approval",
  "durationMs",
  "until",
  "workflow",
  "version",
  "assign",
  "status",
  "output",
  "error",
  "message",
  "data",
];
const EDGE_KEYS = ["id", "source", "target", "kind", "condition", "default", "label"];
const DOC_KEYS = ["id", "name", "description", "inputSchema", "trigger", "nodes", "edges"];
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();

function expectWellFormed(problems: unknown, document: unknown): void {
  expect(Array.isArray(problems)).toBe(true);
  const nodeIds = idsOf(document, "nodes");
  const edgeIds = idsOf(document, "edges");
  for (const problem of problems as Problem[]) {
    expect(Object.keys(problem).every((key) => PROBLEM_KEYS.has(key))).toBe(true);
    expect(["error", "warning"]).toContain(problem.severity);
    expect(CODES.has(problem.code)).toBe(true);
    expect(typeof problem.message).toBe("string");
    expect(problem.message.length).toBeGreaterThan(10);
    expect(problem.message).not.toContain("could not be checked");
    // A value the user wrote is quoted in the message and may itself read "NaN"; only what Weft wrote is checked.
    const ownWords = problem.message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    expect(ownWords).not.toMatch(/undefined|\[object Object\]|NaN/);
    if ("nodeId" in problem) expect(nodeIds.has(problem.nodeId as string)).toBe(true);
    if ("edgeId" in problem) expect(edgeIds.has(problem.edgeId as string)).toBe(true);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(prototypeBefore);
}

function idsOf(document: unknown, list: "nodes" | "edges"): Set<string> {
  const ids = new Set<string>();
  if (typeof document !== "object" || document === null) return ids;
  const items = (document as Record<string, unknown>)[list];
  if (!Array.isArray(items)) return ids;
  for (const item of items) {
    if (typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string") {
      ids.add((item as { id: string }).id);
    }
  }
  return ids;
}

function checkOne(document: unknown): void {
  const started = performance.now();
  const problems = validate(document, catalog);
  expect(performance.now() - started).toBeLessThan(2000);
  expectWellFormed(problems, document);
  // What validate passes, the parser accepts and the compiler turns into a plan: the server relies on it.
  if (!hasErrors(problems)) {
    expect(parseDefinition(document).ok).toBe(true);
    const plan = compile(document, { catalog });
    expect(plan.nodes[plan.start]).toBeDefined();
  } else {
    expect(() => compile(document, { catalog })).toThrow(DefinitionError);
  }
}

// --- Mutations of the examples ------------------------------------------------------

type Mutation = (doc: Doc) => void;

// A mutation may have replaced `nodes` or `edges` by something else; later ones then
// work on a fresh list so they still do something.
function listOf(doc: Doc, key: "nodes" | "edges"): unknown[] {
  if (!Array.isArray(doc[key])) doc[key] = [];
  return doc[key];
}

const index = fc.nat({ max: 40 });
const pick = <T>(items: readonly T[], at: number): T | undefined =>
  !Array.isArray(items) || items.length === 0 ? undefined : items[at % items.length];
const recordAt = (items: unknown[], at: number): Record<string, unknown> | undefined => {
  const item = pick(items, at);
  return typeof item === "object" && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
};
const idAt = (items: unknown[], at: number): unknown => recordAt(items, at)?.id;

const weirdString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "start", "split", "merge", "video", "transcodeAll"),
);
const expressionText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("input.x", "1 +", '{ "a": }', "$f(", "(((", 'steps.approve.decision = "Approved"', '"', "$"),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: weirdString, weight: 2 },
  { arbitrary: expressionText, weight: 2 },
  { arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, true, null), weight: 1 },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  index.map(
    (at): Mutation =>
      (doc) =>
        void listOf(doc, "nodes").splice(at % Math.max(1, listOf(doc, "nodes").length), 1),
  ),
  index.map(
    (at): Mutation =>
      (doc) =>
        void listOf(doc, "edges").splice(at % Math.max(1, listOf(doc, "edges").length), 1),
  ),
  index.map((at): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) listOf(doc, "nodes").push({ ...node });
  }),
  index.map((at): Mutation => (doc) => {
    const edge = recordAt(doc.edges, at);
    if (edge !== undefined) listOf(doc, "edges").push({ ...edge });
  }),
  fc.tuple(index, fc.boolean(), index, fc.option(weirdString)).map(([at, source, other, text]): Mutation => (doc) => {
    const edge = recordAt(doc.edges, at);
    if (edge !== undefined) edge[source ? "source" : "target"] = text ?? idAt(doc.nodes, other);
  }),
  fc
    .tuple(
      index,
      index,
      index,
      fc.constantFrom(undefined, "next", "error", "timeout", "bogus"),
      fc.option(expressionText),
      fc.option(fc.boolean()),
    )
    .map(([id, from, to, kind, condition, isDefault]): Mutation => (doc) => {
      listOf(doc, "edges").push({
        id: `x${id}`,
        source: idAt(doc.nodes, from),
        target: idAt(doc.nodes, to),
        kind,
        condition,
        default: isDefault,
      });
    }),
  fc.tuple(index, fc.constantFrom(...NODE_KEYS), anyValue).map(([at, key, value]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) node[key] = value;
  }),
  fc.tuple(index, fc.constantFrom(...NODE_KEYS)).map(([at, key]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) delete node[key];
  }),
  fc.tuple(index, fc.constantFrom(...EDGE_KEYS), anyValue).map(([at, key, value]): Mutation => (doc) => {
    const edge = recordAt(doc.edges, at);
    if (edge !== undefined) edge[key] = value;
  }),
  fc.tuple(index, fc.constantFrom(...NODE_TYPES, "bogus", "")).map(([at, type]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) node.type = type;
  }),
  fc.tuple(index, index).map(([at, parent]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) node.parentId = idAt(doc.nodes, parent);
  }),
  fc
    .tuple(index, fc.constantFrom("__proto__", "constructor", "prototype"), fc.constantFrom("node", "edge", "doc", "retry", "assign"))
    .map(([at, key, where]): Mutation => (doc) => {
      const payload = JSON.parse(`{"${key}": {"polluted": true, "prototype": {"polluted": true}}}`) as Record<string, unknown>;
      const target =
        where === "doc"
          ? doc
          : where === "edge"
            ? recordAt(doc.edges, at)
            : where === "node"
              ? recordAt(doc.nodes, at)
              : (recordAt(doc.nodes, at)?.[where] as Record<string, unknown> | undefined);
      if (typeof target === "object" && target !== null) Object.assign(target, payload);
    }),
  fc.tuple(index, anyValue).map(([at, value]): Mutation => (doc) => {
    const nodes = listOf(doc, "nodes");
    if (nodes.length > 0) nodes[at % nodes.length] = value;
  }),
  fc.tuple(fc.constantFrom(...DOC_KEYS), anyValue).map(([key, value]): Mutation => (doc) => {
    doc[key] = value;
  }),
  fc.tuple(weirdString, fc.constantFrom(...NODE_TYPES), index).map(([id, type, x]): Mutation => (doc) => {
    listOf(doc, "nodes").push({ id, type, position: { x, y: 0 } });
  }),
);

const heavyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(index, fc.integer({ min: 100, max: 5000 })).map(([at, depth]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    let nested: Json = "bottom";
    for (let level = 0; level < depth; level++) nested = level % 2 === 0 ? { nested } : [nested];
    if (node !== undefined) node.data = nested;
  }),
  fc.tuple(index, fc.integer({ min: 1000, max: 30_000 })).map(([at, size]): Mutation => (doc) => {
    const node = recordAt(doc.nodes, at);
    if (node !== undefined) node.data = Array.from({ length: size }, (_, i) => ({ i }));
  }),
  fc.integer({ min: 500, max: 3000 }).map((size): Mutation => (doc) => {
    for (let i = 0; i < size; i++)
      listOf(doc, "nodes").push(i % 3 === 0 ? null : { id: `n${i % 97}`, type: NODE_TYPES[i % NODE_TYPES.length] });
    for (let i = 0; i < size; i++) listOf(doc, "edges").push({ id: `m${i}`, source: `n${i % 97}`, target: `n${(i * 7) % 97}` });
  }),
);

function mutated(mutations: fc.Arbitrary<Mutation[]>): fc.Arbitrary<Doc> {
  return fc.tuple(fc.nat({ max: EXAMPLES.length - 1 }), mutations).map(([which, steps]) => {
    const doc = structuredClone(EXAMPLES[which] as Doc);
    for (const step of steps) step(doc);
    return doc;
  });
}

// --- Random graphs ---------------------------------------------------------------------

const randomGraph: fc.Arbitrary<Doc> = fc
  .tuple(
    fc.array(fc.constantFrom(...NODE_TYPES, "parallel", "join", "choice", "map", "activity"), { minLength: 1, maxLength: 14 }),
    fc.array(fc.tuple(index, index, fc.constantFrom("next", "next", "next", "error", "timeout"), fc.boolean()), { maxLength: 30 }),
    fc.array(fc.tuple(index, index), { maxLength: 4 }),
  )
  .map(([types, links, parents]) => {
    const nodes: Array<Record<string, unknown>> = types.map((type, i) => ({
      id: `n${i}`,
      type,
      position: { x: i * 220, y: 0 },
      activity: "util.echo",
      items: "input.list",
      event: "Go",
      timeoutMs: i % 2 === 0 ? 1000 : undefined,
      durationMs: 5,
      workflow: "video-pipeline",
      assign: { total: "input.total" },
      status: '"busy"',
    }));
    const first = nodes[0] as Record<string, unknown>;
    first.type = "start";
    for (const [child, parent] of parents) {
      const node = nodes[child % nodes.length] as Record<string, unknown>;
      const map = nodes[parent % nodes.length] as Record<string, unknown>;
      if (map.type === "map" && node !== first) node.parentId = map.id;
    }
    const edges = links.map(([from, to, kind, conditional], i) => ({
      id: `e${i}`,
      source: `n${from % nodes.length}`,
      target: `n${to % nodes.length}`,
      ...(kind === "next" ? {} : { kind }),
      ...(conditional ? { condition: "input.ok" } : { default: true }),
    }));
    return { id: "random", name: "Random", nodes, edges } as Doc;
  });

describe("validate on generated definitions", () => {
  it("answers 5,500 mutated examples with well-formed problems", () => {
    fc.assert(
      fc.property(mutated(fc.array(mutation, { minLength: 1, maxLength: 8 })), (doc) => checkOne(doc)),
      { numRuns: 5500 },
    );
  }, 60_000);

  it("answers 3,000 random graphs of every node type with well-formed problems", () => {
    fc.assert(
      fc.property(randomGraph, (doc) => checkOne(doc)),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("answers 2,000 arbitrary JSON values, definition-shaped or not", () => {
    const shaped = fc.record({
      id: fc.oneof(fc.constant("x"), fc.jsonValue()),
      name: fc.oneof(fc.constant("X"), fc.jsonValue()),
      nodes: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), fc.jsonValue()),
      edges: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), fc.jsonValue()),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), shaped), (value) => checkOne(value)),
      {
        numRuns: 2000,
        // A user's own "NaN" quoted back is fine; a message of ours that reads NaN is not (CI found this one).
        examples: [[{ id: 0, name: 0, nodes: ["NaN"], edges: [] }]],
      },
    );
  }, 60_000);

  it("answers 30 examples with deep nesting or huge arrays in reasonable time", () => {
    fc.assert(
      fc.property(mutated(fc.array(heavyMutation, { minLength: 1, maxLength: 2 })), (doc) => checkOne(doc)),
      { numRuns: 30 },
    );
  }, 60_000);

  it("gives the same answer twice for the same document", () => {
    fc.assert(
      fc.property(mutated(fc.array(mutation, { minLength: 1, maxLength: 6 })), (doc) => {
        expect(validate(doc, catalog)).toEqual(validate(doc, catalog));
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
