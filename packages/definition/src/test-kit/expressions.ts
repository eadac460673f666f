// Test helpers (not built into dist) for the expression tests.
import { expect } from "vitest";
import { ExpressionError } from "../expression-error.js";
import type { EvaluateExpressionOptions } from "../expressions.js";

/** Deterministic `$now` (epoch 0) and `$random` (0.5), with any other option. */
export const options = (overrides: Partial<EvaluateExpressionOptions> = {}): EvaluateExpressionOptions => ({
  now: () => 0,
  random: () => 0.5,
  ...overrides,
});

/** The ExpressionError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<ExpressionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error("expected the evaluation to reject");
}
