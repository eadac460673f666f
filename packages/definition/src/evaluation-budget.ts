import { nextTurn, turnIsSpent } from './event-loop-turns.js';
import { signatureProblem } from './expression-checks.js';
import { createLinearRegexEngine, type RegexEngineConstructor } from './linear-regex.js';
import { checkValueSize, noteMutation } from './value-limits.js';

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
  /** Running time before the last pause. */
  ranMs: number;
  /** When the evaluation last started or resumed (performance.now()). */
  resumedAt: number;
  /** When the evaluator last entered a sub-expression (or resumed there). */
  steppedAt: number;
}

export const BUDGET_BINDING = '__weftBudget';
export const STEP_LIMIT_CODE = 'WEFT-STEPS';
export const TIMEOUT_CODE = 'WEFT-TIMEOUT';
export const SIGNATURE_CODE = 'WEFT-SIGNATURE';
export const MATCHING_TIME_CODE = 'WEFT-MATCHING';

/**
 * Regex matching inside one function call (`$match` walking every match of a long
 * text, say) happens between two entries of the hook, so the pauses cannot break it
 * up. Each match checks how long the call has run since the evaluator last entered a
 * sub-expression (JSONata's own work between the matches included); past this, the
 * evaluation stops: the event loop is never held much longer than this.
 */
export const MAX_MATCHING_MS_PER_CALL = 20;

export function createBudget(timeoutMs: number, maxSteps: number | undefined, maxSequence: number): EvaluationBudget {
  const now = performance.now();
  return { timeoutMs, maxSteps, maxSequence, steps: 0, mutationPending: false, ranMs: 0, resumedAt: now, steppedAt: now };
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
    // The regexes of this evaluation charge their matching time to it.
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
  if (typeof expr === 'object' && expr !== null && transformUpdates.has(expr)) {
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
  if (budget.maxSteps !== undefined && ++budget.steps > budget.maxSteps) {
    throw { code: STEP_LIMIT_CODE, message: `More than ${budget.maxSteps} evaluation steps` };
  }
  const node = expr as { type?: unknown; signature?: unknown; update?: unknown };
  if (node.type === 'transform' && typeof node.update === 'object' && node.update !== null) transformUpdates.add(node.update);
  if (node.type === 'lambda') {
    // A function defined in text given to $eval was not seen when the expression was compiled.
    const problem = signatureProblem(node.signature);
    if (problem !== undefined) throw { code: SIGNATURE_CODE, message: problem };
  }
  const now = performance.now();
  checkTimeBox(budget, now);
  budget.steppedAt = now;
  return turnIsSpent(now) ? pause(budget, now) : undefined;
}

async function pause(budget: EvaluationBudget, now: number): Promise<void> {
  budget.ranMs += now - budget.resumedAt;
  await nextTurn();
  budget.resumedAt = performance.now();
  budget.steppedAt = budget.resumedAt;
}

function checkTimeBox(budget: EvaluationBudget, now: number): void {
  if (budget.ranMs + (now - budget.resumedAt) > budget.timeoutMs) {
    throw { code: TIMEOUT_CODE, message: `Ran longer than ${budget.timeoutMs}ms` };
  }
}

function chargeMatching(budget: EvaluationBudget): () => void {
  return () => {
    const now = performance.now();
    if (now - budget.steppedAt > MAX_MATCHING_MS_PER_CALL) {
      throw {
        code: MATCHING_TIME_CODE,
        message: `Spent more than ${MAX_MATCHING_MS_PER_CALL}ms matching regular expressions in one function call`,
      };
    }
    checkTimeBox(budget, now);
  };
}
