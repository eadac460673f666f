import { secretBody, secretName, secretNamesSchema } from "@weft/protocol";
import type { RouteContext } from "../deps.js";
import { check, parseBody } from "../validation.js";

export function secretRoutes({ deps, route }: RouteContext): void {
  route({
    method: "get",
    path: "/api/secrets",
    tag: "Secrets",
    summary: "The names of the secrets (never their values)",
    responses: { 200: { description: "Names", schema: secretNamesSchema } },
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
