import { EngineError, InstanceExistsError, InstanceNotFoundError, InstanceStateError, WorkflowNotFoundError } from "@weft/engine";
import { DefinitionError } from "@weft/definition";
import type { Context } from "hono";

/** An HTTP error with a problem+json body (RFC 9457). Thrown by routes; rendered by `onError`. */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) => new HttpProblem(400, "Bad request", detail, extra);
export const notFound = (detail: string) => new HttpProblem(404, "Not found", detail);
export const conflict = (detail: string) => new HttpProblem(409, "Conflict", detail);
export const unprocessable = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(422, "Unprocessable content", detail, extra);

const TYPE_BASE = "https://weft.dev/problems/";

export function problemBody(status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return { type: `${TYPE_BASE}${slug(title)}`, title, status, detail, ...extra };
}

export function problemResponse(c: Context, problem: HttpProblem): Response {
  return c.body(JSON.stringify(problemBody(problem.status, problem.title, problem.detail, problem.extra)), problem.status as 400, {
    "content-type": "application/problem+json",
    // The body limit answers 413 before reading the body; the rest of it is still on the wire,
    // so the connection cannot carry another request. Saying so keeps clients from reusing it
    // (for a payload-limit 413 this costs one reconnect).
    ...(problem.status === 413 ? { connection: "close" } : {}),
  });
}

/**
 * The one place where errors become HTTP statuses: client mistakes are 4xx
 * with a body that says what to fix; anything else is a 500 that is logged.
 */
export function toHttpProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof InstanceNotFoundError || error instanceof WorkflowNotFoundError) return notFound(error.message);
  if (error instanceof InstanceExistsError || error instanceof InstanceStateError) return conflict(error.message);
  if (error instanceof DefinitionError) {
    return unprocessable("The workflow definition is not valid; fix the problems listed and try again.", { problems: error.problems });
  }
  if (error instanceof EngineError && error.code === "bad-instance-id") return badRequest(error.message);
  if (error instanceof EngineError && error.code === "timer-not-pending") return conflict(error.message);
  return undefined;
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
