import { copyJson, MAX_JSON_DEPTH, MAX_JSON_VALUES } from "./json-copy.js";
import { errorProblem, ProblemCode, type Problem } from "./problem.js";
import {
  documentFieldsSchema,
  workflowEdgeSchema,
  workflowNodeSchema,
  type WorkflowDefinition,
  type WorkflowEdge,
  type WorkflowNode,
} from "./schema.js";
import { problemAt, problemsFromIssues } from "./schema-problems.js";

export type ParseDefinitionResult = { ok: true; definition: WorkflowDefinition } | { ok: false; problems: Problem[] };

/** The result of checking a document's shape, kept for the graph rules of `validate`. */
export interface ShapeCheck {
  problems: Problem[];
  /** The JSON copy of the input, when it is an object. */
  document: Record<string, unknown> | undefined;
  /** `nodes[i]` parsed, or undefined when that node does not fit the schema. */
  nodes: Array<WorkflowNode | undefined>;
  /** `edges[i]` parsed, or undefined when that edge does not fit the schema. */
  edges: Array<WorkflowEdge | undefined>;
  /** The whole definition, when every part of it fits the schema. */
  definition: WorkflowDefinition | undefined;
}

/**
 * Checks a JSON value against the definition schema and returns a fresh, typed copy.
 * Graph rules are not checked here — a draft with dangling edges still parses — use
 * `validate` for those. Never throws.
 *
 * @example
 * const result = parseDefinition(JSON.parse(body));
 * if (!result.ok) return c.json({ problems: result.problems }, 422);
 */
export function parseDefinition(json: unknown): ParseDefinitionResult {
  const shape = checkShape(json);
  if (shape.definition !== undefined && shape.problems.length === 0) {
    return { ok: true, definition: shape.definition };
  }
  return { ok: false, problems: shape.problems };
}

/** Checks the document and every node and edge on its own. Never throws. */
export function checkShape(json: unknown): ShapeCheck {
  const result: ShapeCheck = { problems: [], document: undefined, nodes: [], edges: [], definition: undefined };
  let copy;
  try {
    copy = copyJson(json);
  } catch (error) {
    // Only a hostile object (a throwing getter or toJSON) gets here; JSON never does.
    const reason = error instanceof Error ? error.message : String(error);
    result.problems.push(errorProblem(ProblemCode.Schema, `The workflow definition could not be read as JSON: ${reason}`));
    return result;
  }
  for (const issue of copy.issues) {
    const phrase =
      issue.kind === "too-deep"
        ? `is nested more than ${MAX_JSON_DEPTH} levels deep; the deeper part was ignored`
        : `has more than ${MAX_JSON_VALUES} values; the rest was ignored`;
    result.problems.push(problemAt(copy.value, issue.path, phrase));
  }
  const document = copy.value;
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    result.problems.push(errorProblem(ProblemCode.Schema, "The workflow definition must be a JSON object with id, name, nodes and edges"));
    return result;
  }
  const record = document as Record<string, unknown>;
  result.document = record;

  const fields = documentFieldsSchema.safeParse(record);
  if (!fields.success) result.problems.push(...problemsFromIssues(fields.error.issues, record));

  const rawNodes = Array.isArray(record.nodes) ? (record.nodes as unknown[]) : [];
  result.nodes = rawNodes.map((raw, index) => {
    const parsed = workflowNodeSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    result.problems.push(...problemsFromIssues(parsed.error.issues, record, ["nodes", index]));
    return undefined;
  });
  const rawEdges = Array.isArray(record.edges) ? (record.edges as unknown[]) : [];
  result.edges = rawEdges.map((raw, index) => {
    const parsed = workflowEdgeSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    result.problems.push(...problemsFromIssues(parsed.error.issues, record, ["edges", index]));
    return undefined;
  });

  if (fields.success && result.problems.length === 0) {
    // documentFieldsSchema keeps key order; swap in the parsed nodes and edges.
    result.definition = {
      ...fields.data,
      nodes: result.nodes as WorkflowNode[],
      edges: result.edges as WorkflowEdge[],
    };
  }
  return result;
}
