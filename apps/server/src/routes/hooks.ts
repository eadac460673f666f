import { createHmac, timingSafeEqual } from "node:crypto";
import { hookPath, startedSchema } from "@weft/protocol";
import { z } from "zod";
import type { RouteContext } from "../deps.js";
import { HttpProblem, notFound } from "../problem.js";
import type { RequestGuard } from "../request-guard.js";
import { check } from "../validation.js";
import { startedResponse } from "./workflows.js";

/** Signatures are accepted within this many seconds of their timestamp, and only once. */
export const SIGNATURE_WINDOW_S = 300;

export function hookRoutes({ deps, route }: RouteContext, guard: Pick<RequestGuard, "foreignPage">): void {
  route({
    method: "post",
    path: "/api/hooks/:path",
    tag: "Triggers",
    summary: "Start the workflow whose webhook trigger has this path; the body is the input",
    params: { path: hookPath },
    body: z.unknown(),
    auth: false,
    responses: {
      202: { description: "Started", schema: startedSchema },
      401: { description: "Missing, wrong or stale signature" },
      404: { description: "No workflow has this hook" },
      409: { description: "Signature already used" },
    },
    handler: async (c) => {
      const path = check(hookPath, c.req.param("path"), "path.path");
      const target = await findHook(deps, path);
      if (!target) throw notFound(`No published workflow has a webhook trigger with path '${path}'.`);
      // Without a signature anyone may call a hook — but not a web page the user happens to visit,
      // through the user's browser (services that send webhooks send no Origin or Sec-Fetch-Site).
      const page = target.secret ? undefined : guard.foreignPage(c);
      if (page !== undefined) {
        throw new HttpProblem(
          403,
          "Forbidden",
          `The webhook '${path}' has no secret, so web pages (this one: ${page}) may not call it. Give the trigger a secret and sign requests (X-Weft-Signature), or call it from a server.`,
        );
      }
      const raw = await c.req.text();
      if (target.secret) {
        await verifySignature(
          deps,
          target.workflowId,
          target.secret,
          raw,
          c.req.header("X-Weft-Timestamp"),
          c.req.header("X-Weft-Signature"),
        );
      }
      let input: unknown = null;
      if (raw.trim() !== "") {
        try {
          input = JSON.parse(raw);
        } catch (error) {
          throw new HttpProblem(400, "Bad request", `The request body is not valid JSON: ${(error as Error).message}.`);
        }
      }
      const started = await deps.workflows.start(target.workflowId, { input });
      deps.logger.info({ instanceId: started.instanceId, workflowId: target.workflowId, hook: path }, "webhook started an instance");
      return startedResponse(c, started);
    },
  });
}

async function findHook(deps: RouteContext["deps"], path: string): Promise<{ workflowId: string; secret?: string } | undefined> {
  for (const { workflowId, trigger } of await deps.workflows.publishedTriggers()) {
    if (trigger.type === "webhook" && trigger.path === path) {
      return { workflowId, ...(trigger.secret ? { secret: trigger.secret } : {}) };
    }
  }
  return undefined;
}

async function verifySignature(
  deps: RouteContext["deps"],
  workflowId: string,
  secret: string,
  body: string,
  timestamp: string | undefined,
  signature: string | undefined,
): Promise<void> {
  const unauthorized = (detail: string) => new HttpProblem(401, "Unauthorized", detail);
  if (!timestamp || !signature) {
    throw unauthorized(
      'This webhook requires a signature: send X-Weft-Timestamp (unix seconds) and X-Weft-Signature ("sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>").',
    );
  }
  const seconds = Number(timestamp);
  const now = Date.now();
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > SIGNATURE_WINDOW_S) {
    throw unauthorized(`X-Weft-Timestamp must be the current unix time in seconds (within ${SIGNATURE_WINDOW_S / 60} minutes).`);
  }
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized("The X-Weft-Signature does not match the body and timestamp for this webhook's secret.");
  }
  const fresh = await deps.store.claimOnce(`webhook:${workflowId}:${signature}`, (seconds + SIGNATURE_WINDOW_S) * 1000, now);
  if (!fresh) throw new HttpProblem(409, "Conflict", "This signature was already used; sign each request with a new timestamp.");
}
