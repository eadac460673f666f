import type { Context } from "hono";
import type { z } from "zod";
import { badRequest } from "./problem.js";

/**
 * Request parsing that turns every client mistake into a 400 that says what to
 * fix: malformed JSON (with the position), and schema failures (with the path
 * of each bad field).
 */
export async function readJson(c: Context, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") {
    if (options.optional) return undefined;
    throw badRequest("The request body is empty; send a JSON document.");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`The request body is not valid JSON: ${reason}.`);
  }
}

export async function parseBody<S extends z.ZodType>(c: Context, schema: S, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  const body = await readJson(c, options);
  return check(schema, body ?? (options.optional ? {} : body), "body");
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return check(schema, c.req.query(), "query");
}

export function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join(".");
    return { path, message: issue.message };
  });
  throw badRequest(issues.map((i) => `${i.path}: ${i.message}`).join("; "), { errors: issues });
}
