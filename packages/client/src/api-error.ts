import type { Problem } from "./types.js";

/**
 * An error answer from the Weft API, built from its `application/problem+json` body
 * (RFC 9457). `problems` lists what to fix in a definition (publish, start).
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code = "api-error";

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly problems: readonly Problem[] = [],
    readonly type: string = "about:blank",
    options?: { cause?: unknown },
  ) {
    super(detail ? `${title}: ${detail}` : title, options);
  }

  /** Builds the error from a failed response, whatever its body is. */
  static async fromResponse(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => "");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (body && typeof body === "object" && !Array.isArray(body)) {
      const problem = body as Record<string, unknown>;
      return new ApiError(
        typeof problem.status === "number" ? problem.status : response.status,
        typeof problem.title === "string" ? problem.title : response.statusText || `HTTP ${response.status}`,
        typeof problem.detail === "string" ? problem.detail : "",
        Array.isArray(problem.problems) ? (problem.problems as Problem[]) : [],
        typeof problem.type === "string" ? problem.type : "about:blank",
      );
    }
    return new ApiError(response.status, response.statusText || `HTTP ${response.status}`, text.slice(0, 500));
  }
}

/** True for an ApiError, also across bundles (recognised by name and code, not instanceof). */
export function isApiError(error: unknown): error is ApiError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "ApiError" &&
    (error as { code?: unknown }).code === "api-error"
  );
}
