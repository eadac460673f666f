import type { Handler, Hono } from "hono";
import type { BlankEnv } from "hono/types";
import { z } from "zod";
import { problemSchema } from "@weft/protocol";

export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  /** Hono style, e.g. /api/instances/:id */
  path: string;
  summary: string;
  tag: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Default: true. Health and hooks are open. */
  auth?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

/** A route declared once: its documentation (the OpenAPI entry) and its handler. */
export interface RouteSpec<P extends string = string> extends RouteDoc {
  path: P;
  /** Typed by the path: `c.req.param("id")` is a string on "/api/workflows/:id". */
  handler: Handler<BlankEnv, P>;
}

/** Documents the route in `table` and mounts its handler on `app`. */
export function mountRoute<P extends string>(app: Hono, table: RouteTable, { handler, ...doc }: RouteSpec<P>): void {
  table.add(doc);
  app.on(doc.method.toUpperCase(), doc.path, handler);
}

/**
 * The route table: every route registers its schemas here as it is mounted, and
 * the OpenAPI document is generated from the same zod schemas that validate
 * requests. Tests walk it too (every route but health and hooks needs a token).
 */
export class RouteTable {
  readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    // Named schemas (`.meta({ id })`, e.g. the recursive Failure) go to components.schemas once.
    const components: Record<string, unknown> = {};
    const jsonSchema = (schema: z.ZodType) => toOpenApiSchema(schema, components);
    for (const route of this.routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
      const parameters = [
        ...Object.entries(route.params ?? {}).map(([name, schema]) => ({ name, in: "path", required: true, schema: jsonSchema(schema) })),
        ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
          name,
          in: "query",
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType),
        })),
      ];
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(route.responses)) {
        responses[status] = {
          description: response.description,
          ...(response.schema
            ? { content: { [response.contentType ?? "application/json"]: { schema: jsonSchema(response.schema) } } }
            : {}),
        };
      }
      responses.default = { description: "An error", content: { "application/problem+json": { schema: jsonSchema(problemSchema) } } };
      (paths[path] ??= {})[route.method] = {
        summary: route.summary,
        tags: [route.tag],
        ...(parameters.length ? { parameters } : {}),
        ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body) } } } } : {}),
        ...(route.auth === false ? { security: [] } : {}),
        responses,
      };
    }
    return {
      openapi: "3.1.0",
      info: {
        title: "Weft API",
        version,
        description: "Durable workflows drawn as JSON: definitions, instances, history, live streams, approvals.",
      },
      servers: [{ url: "/" }],
      components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
      paths,
    };
  }
}

/**
 * A zod schema as an OpenAPI 3.1 schema object. zod puts named schemas in `$defs` and refers
 * to them as `#/$defs/Name`; inside an OpenAPI document `#` is the document, so they move to
 * `components.schemas` and the references follow.
 */
function toOpenApiSchema(schema: z.ZodType, components: Record<string, unknown>): unknown {
  const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  for (const [name, definition] of Object.entries($defs ?? {})) components[name] ??= withComponentRefs(definition);
  return withComponentRefs(rest);
}

function withComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withComponentRefs);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" ? inner.replace(/^#\/\$defs\//, "#/components/schemas/") : withComponentRefs(inner),
    ]),
  );
}
