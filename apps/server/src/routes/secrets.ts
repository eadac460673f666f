import { z } from "zod";
import type { RouteContext } from "../deps.js";
import { MIN_SECRET_LENGTH } from "../secrets.js";
import { check, parseBody } from "../validation.js";

const secretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "must be 1 to 100 letters, digits, '.', '_' or '-'");
const secretBody = z.strictObject({
  value: z
    .string()
    .min(
      MIN_SECRET_LENGTH,
      `must be at least ${MIN_SECRET_LENGTH} characters (shorter values cannot be told apart from ordinary text, so they could not be kept out of results and logs)`,
    )
    .max(65_536),
});

export function secretRoutes({ deps, route }: RouteContext): void {
  route({
    method: "get",
    path: "/api/secrets",
    tag: "Secrets",
    summary: "The names of the secrets (never their values)",
    responses: { 200: { description: "Names" } },
    handler: async (c) => c.json({ names: await deps.secrets.names() }),
  });

  route({
    method: "put",
    path: "/api/secrets/:name",
    tag: "Secrets",
    summary: 'Set a secret (stored encrypted); workflows use it as $secret("name")',
    params: { name: secretName },
    body: secretBody,
    responses: { 204: { description: "Set" }, 503: { description: "No encryption key (PostgreSQL without WEFT_SECRETS_KEY)" } },
    handler: async (c) => {
      const name = check(secretName, c.req.param("name"), "path.name");
      const { value } = await parseBody(c, secretBody);
      await deps.secrets.set(name, value);
      deps.logger.info({ secret: name }, "secret set");
      return c.body(null, 204);
    },
  });

  route({
    method: "delete",
    path: "/api/secrets/:name",
    tag: "Secrets",
    summary: "Delete a secret",
    params: { name: secretName },
    responses: { 204: { description: "Deleted" }, 404: { description: "Unknown" } },
    handler: async (c) => {
      await deps.secrets.delete(check(secretName, c.req.param("name"), "path.name"));
      return c.body(null, 204);
    },
  });
}
