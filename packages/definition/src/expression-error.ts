export const ExpressionErrorCode = {
  /** The expression does not parse. */
  Syntax: "syntax",
  /** The evaluation ran past its time box. */
  Timeout: "timeout",
  /** The evaluation took more steps than its `maxSteps` budget. */
  StepLimit: "step-limit",
  /** The evaluation nested deeper than allowed (usually runaway recursion). */
  DepthExceeded: "depth-exceeded",
  /** The evaluation built a sequence longer than allowed (e.g. a huge range). */
  TooLarge: "too-large",
  /** The result is not JSON (a function), so it cannot be stored in the history. */
  NotJson: "not-json",
  /** Any other error raised while evaluating (type errors, failed $assert, …). */
  Evaluation: "evaluation",
} as const;
export type ExpressionErrorCode = (typeof ExpressionErrorCode)[keyof typeof ExpressionErrorCode];

export interface ExpressionErrorDetails {
  /** The expression's source text. */
  expression: string;
  /** Character position in the source reported by JSONata, when it gave one. */
  position?: number | undefined;
  /** JSONata's own error code (e.g. "T2001", "D1012"), when there is one. */
  jsonataCode?: string | undefined;
  cause?: unknown;
}

/**
 * Raised by `evaluateExpression`. Recognise it by `name` ("ExpressionError") and `code`,
 * not by `instanceof`, once it has crossed a serialisation boundary.
 */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  readonly code: ExpressionErrorCode;
  readonly expression: string;
  readonly position: number | undefined;
  readonly jsonataCode: string | undefined;

  constructor(code: ExpressionErrorCode, message: string, details: ExpressionErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.expression = details.expression;
    this.position = details.position;
    this.jsonataCode = details.jsonataCode;
  }
}

/** The expression as it appears in messages: on one line, shortened when long. */
export function expressionPreview(source: string): string {
  const oneLine = source.replace(/\s+/g, " ").trim();
  return `"${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}"`;
}
