import { currentTurn, nextTurn, turnIsSpent } from "@weft/engine";
import { signatureProblem } from "./expression-checks.js";
import { createLinearRegexEngine, type RegexEngineConstructor } from "./linear-regex.js";
import { checkValueSize, noteMutation } from "./value-limits.js";

/**
 * One evaluation's limits and what it has spent, kept in a binding of the evaluation
 * (the compiled expression, and so the entry hook, is shared by concurrent
 * evaluations of one cached expression).
 *
 * The time box counts the evaluation's own running time, not the wall clock: since an
 * evaluation now pauses whenever the event loop's turn is spent (event-loop-turns.ts),
 * the time it waits while requests and other instances run is not its own, and under
 * load a wall-clock box would stop expressions that did little work. JSONata's own
 * `timeout` option reads the wall clock from the start, so it is not used.
 */
export interface EvaluationBudget {
  readonly timeoutMs: number;
  readonly maxSteps: number | undefined;
  /** Longest array a step may produce (JSONata's own check covers only its sequences). */
  readonly maxSequence: number;
  steps: number;
  /** A transform is about to write into the objects it matched (see value-limits.ts). */
  mutationPending: boolean;
  /** Own running time so far. */
  ranMs: number;
  /** When a hook of this evaluation last ran (performance.now()), and in which turn. */
  seenAt: number;
  seenTurn: number;
  /** Regex work since the last hook: one function call's matching (see MAX_MATCH_WORK_PER_CALL). */
  matchWork: number;
}

export const BUDGET_BINDING = "__weftBudget";
export const STEP_LIMIT_CODE = "WEFT-STEPS";
export const TIMEOUT_CODE = "WEFT-TIMEOUT";
export const SIGNATURE_CODE = "WEFT-SIGNATURE";
export const MATCH_WORK_CODE = "WEFT-MATCH-WORK";

/**
 * Regex matching inside one function call (`$match` walking every match of a long
 * text, say) happens between two hooks, so the pauses cannot break it up. Each search
 * is charged what it may scan times the program's size, plus a fixed cost per match
 * (linear-regex.ts); past this much in one call the evaluation stops. Work, not time:
 * a replay stops at the same search however loaded the machine is. Measured on a
 * loaded 2-core machine, the costliest searches — `$match` of `(?:a.*c)|a` over a
 * text of a's, each search scanning to the end — cost 4–8 ns a unit (1,500 a's, 9M
 * units: 40–74 ms), so a call holds the loop ~4–8 ms at most (many cheap matches, each
 * also building JSONata's match object, about 12 ms). A request needs a few turns of the
 * event loop, each of which may wait behind one such call: hence 1,000,000 and not more,
 * to keep /api/health far under 100 ms with several such calls in flight. Patterns that cannot
 * scan past their match pay only for what they scanned, so ordinary many-match uses
 * (`$replace(s, /\s+/, " ")` over ~10 KB of words) stay inside the budget.
 */
export const MAX_MATCH_WORK_PER_CALL = 1_000_000;

export function createBudget(timeoutMs: number, maxSteps: number | undefined, maxSequence: number): EvaluationBudget {
  return {
    timeoutMs,
    maxSteps,
    maxSequence,
    steps: 0,
    mutationPending: false,
    ranMs: 0,
    seenAt: performance.now(),
    seenTurn: currentTurn(),
    matchWork: 0,
  };
}

interface Environment {
  base?: { RegexEngine?: RegexEngineConstructor };
  lookup(name: string): unknown;
}

// Each evaluation has its own base environment; its budget is looked up once.
const budgets = new WeakMap<object, EvaluationBudget | null>();

// The `update` parts of the transforms entered so far: the transform writes what its
// update returns into the matched objects right after the update's exit.
const transformUpdates = new WeakSet<object>();

function budgetOf(environment: Environment): EvaluationBudget | null {
  const base = environment.base;
  if (base === undefined) return null;
  let budget = budgets.get(base);
  if (budget === undefined) {
    budget = (environment.lookup(BUDGET_BINDING) as EvaluationBudget | undefined) ?? null;
    budgets.set(base, budget);
    // The regexes of this evaluation charge their matching work to it.
    if (budget !== null) base.RegexEngine = createLinearRegexEngine(chargeMatching(budget));
  }
  return budget;
}

/**
 * The transform's write happens after the update's exit, when other evaluations may
 * already run: weights they compute in between are distrusted at this evaluation's
 * next step, which comes after the write.
 */
function settleMutation(budget: EvaluationBudget): void {
  if (!budget.mutationPending) return;
  budget.mutationPending = false;
  noteMutation();
}

/**
 * The `__evaluate_exit` hook JSONata awaits with every sub-expression's result: a
 * result too large to handle in one native call is refused here, before any call can
 * expand it (value-limits.ts).
 */
export function onEvaluateExit(expr: unknown, _input: unknown, environment: Environment, result: unknown): void {
  const budget = budgetOf(environment);
  if (budget === null) return;
  settleMutation(budget);
  budget.matchWork = 0;
  chargeTime(budget, performance.now());
  if (typeof expr === "object" && expr !== null && transformUpdates.has(expr)) {
    noteMutation();
    budget.mutationPending = true;
  }
  checkValueSize(result, budget.maxSequence);
}

/**
 * The `__evaluate_entry` hook JSONata awaits on entry to every sub-expression,
 * including those of text run by `$eval` (which evaluates in the caller's environment).
 */
export function onEvaluateEntry(expr: unknown, _input: unknown, environment: Environment): Promise<void> | undefined {
  const budget = budgetOf(environment);
  if (budget === null) return undefined;
  settleMutation(budget);
  budget.matchWork = 0;
  if (budget.maxSteps !== undefined && ++budget.steps > budget.maxSteps) {
    throw { code: STEP_LIMIT_CODE, message: `More than ${budget.maxSteps} evaluation steps` };
  }
  const node = expr as { type?: unknown; signature?: unknown; update?: unknown };
  if (node.type === "transform" && typeof node.update === "object" && node.update !== null) transformUpdates.add(node.update);
  if (node.type === "lambda") {
    // A function defined in text given to $eval was not seen when the expression was compiled.
    const problem = signatureProblem(node.signature);
    if (problem !== undefined) throw { code: SIGNATURE_CODE, message: problem };
  }
  const now = performance.now();
  chargeTime(budget, now);
  return turnIsSpent(now) ? nextTurn() : undefined;
}

/**
 * Adds the time since this evaluation's last hook when that was in the same turn of the
 * event loop: time across a pause is other work's. Counting from hook to hook also
 * holds when an evaluation runs several branches at once (an array constructor's
 * items all start together), where a start-to-pause interval would count once per branch.
 */
function chargeTime(budget: EvaluationBudget, now: number): void {
  const turn = currentTurn();
  if (turn === budget.seenTurn) budget.ranMs += now - budget.seenAt;
  budget.seenAt = now;
  budget.seenTurn = turn;
  if (budget.ranMs > budget.timeoutMs) {
    throw { code: TIMEOUT_CODE, message: `Ran longer than ${budget.timeoutMs}ms` };
  }
}

function chargeMatching(budget: EvaluationBudget): (work: number) => void {
  return (work) => {
    budget.matchWork += work;
    if (budget.matchWork > MAX_MATCH_WORK_PER_CALL) {
      throw {
        code: MATCH_WORK_CODE,
        message: `Matching regular expressions in one function call would cost more than ${MAX_MATCH_WORK_PER_CALL} units (each search: the text it may scan × the pattern's instructions, plus a fixed cost per match)`,
      };
    }
  };
}
