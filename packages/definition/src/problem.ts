/**
 * What `validate` and `parseDefinition` report: one entry per thing the person at the
 * canvas has to fix, naming the node or edge so the designer can highlight it.
 */
export const ProblemCode = {
  NoStart: "no-start",
  MultipleStart: "multiple-start",
  DuplicateId: "duplicate-id",
  DanglingEdge: "dangling-edge",
  SelfEdge: "self-edge",
  Unreachable: "unreachable",
  UnmatchedParallel: "unmatched-parallel",
  UnmatchedJoin: "unmatched-join",
  CrossesBorder: "crosses-border",
  CycleWithoutChoice: "cycle-without-choice",
  TooManyEdges: "too-many-edges",
  EdgeKindNotAllowed: "edge-kind-not-allowed",
  UnknownActivity: "unknown-activity",
  BadExpression: "bad-expression",
  BadSetting: "bad-setting",
  UnknownWorkflow: "unknown-workflow",
  /** A sub-workflow node calls its own workflow, directly or through others. */
  SubWorkflowCycle: "sub-workflow-cycle",
  /** The document's own shape is wrong (not an object, `nodes` missing, bad workflow id …). */
  Schema: "schema",
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

export const Severity = {
  Error: "error",
  Warning: "warning",
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface Problem {
  severity: Severity;
  code: ProblemCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
}

export const PROBLEM_CODES: readonly ProblemCode[] = Object.values(ProblemCode);

/** True when at least one problem blocks publishing and starting. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === Severity.Error);
}

export interface ProblemTarget {
  nodeId?: string | undefined;
  edgeId?: string | undefined;
}

export function errorProblem(code: ProblemCode, message: string, target: ProblemTarget = {}): Problem {
  return withTarget({ severity: Severity.Error, code, message }, target);
}

export function warningProblem(code: ProblemCode, message: string, target: ProblemTarget = {}): Problem {
  return withTarget({ severity: Severity.Warning, code, message }, target);
}

// Only set the keys that have a value, so problems compare equal in tests and
// serialise without `"nodeId": undefined` noise.
function withTarget(problem: Problem, target: ProblemTarget): Problem {
  if (target.nodeId !== undefined) problem.nodeId = target.nodeId;
  if (target.edgeId !== undefined) problem.edgeId = target.edgeId;
  return problem;
}
