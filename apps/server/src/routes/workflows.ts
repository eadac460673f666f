import type { Context } from "hono";
import {
  problemListSchema,
  publishedDefinitionSchema,
  publishedSchema,
  savedDraftSchema,
  startBody,
  startedSchema,
  versionParam,
  workflowDetailSchema,
  workflowDraftSchema,
  workflowIdParam,
  workflowSummarySchema,
  type StartedInstance,
} from "@weft/protocol";
import type { RouteContext } from "../deps.js";
import { conflict } from "../problem.js";
import { check, parseBody, readJson } from "../validation.js";
import { z } from "zod";

export function workflowRoutes({ deps, route }: RouteContext): void {
  const { workflows } = deps;
  const id = (raw: string) => check(workflowIdParam, raw, "path.id");

  route({
    method: "get",
    path: "/api/workflows",
    tag: "Workflows",
    summary:
      'List workflows: drawn ones (kind "drawn") and the code-first orchestrators of weft.config (kind "code", never a version: they start as they are)',
    responses: { 200: { description: "Workflows", schema: z.array(workflowSummarySchema) } },
    handler: async (c) => {
      const list = await deps.store.listWorkflows();
      const code = deps.extensions.codeWorkflows();
      return c.json([
        ...list.map((w) => ({
          id: w.workflowId,
          name: w.name,
          latestVersion: w.latestVersion || null,
          updatedAt: w.updatedAt,
          trigger: w.trigger ?? { type: "manual" },
          kind: "drawn",
        })),
        ...code.map((w) => ({
          id: w.id,
          name: w.name,
          latestVersion: null,
          updatedAt: w.loadedAt,
          trigger: { type: "manual" },
          kind: "code",
        })),
      ]);
    },
  });

  route({
    method: "post",
    path: "/api/workflows/validate",
    tag: "Workflows",
    summary: "Validate a definition",
    body: z.unknown(),
    responses: { 200: { description: "Problems (empty when valid)", schema: problemListSchema } },
    handler: async (c) => {
      const body = await readJson(c);
      if (typeof body === "object" && body !== null && !Array.isArray(body)) delete (body as Record<string, unknown>).version;
      return c.json({ problems: await workflows.validate(body) });
    },
  });

  route({
    method: "put",
    path: "/api/workflows/:id",
    tag: "Workflows",
    summary: "Save the draft",
    params: { id: workflowIdParam },
    body: workflowDraftSchema,
    responses: { 200: { description: "Saved, with the problems publishing would report", schema: savedDraftSchema } },
    handler: async (c) => {
      const workflowId = id(c.req.param("id"));
      if (deps.extensions.isCodeWorkflow(workflowId)) {
        throw conflict(`'${workflowId}' is a code-first orchestrator from weft.config; a drawn workflow needs another id.`);
      }
      const { record, problems } = await workflows.saveDraft(workflowId, await readJson(c));
      return c.json({ id: record.workflowId, draft: record.draft, problems });
    },
  });

  route({
    method: "get",
    path: "/api/workflows/:id",
    tag: "Workflows",
    summary: "Draft and versions",
    params: { id: workflowIdParam },
    responses: { 200: { description: "The workflow", schema: workflowDetailSchema } },
    handler: async (c) => {
      const workflowId = id(c.req.param("id"));
      const code = deps.extensions.codeWorkflows().find((w) => w.id === workflowId);
      if (code) return c.json({ id: code.id, name: code.name, kind: "code", draft: null, latestVersion: null, versions: [] });
      const record = await workflows.get(workflowId);
      return c.json({
        id: record.workflowId,
        kind: "drawn",
        draft: record.draft,
        latestVersion: record.latestVersion || null,
        versions: record.versions,
      });
    },
  });
}

/** A workflow's published versions: read one, publish the draft, delete the workflow, start an instance. */
export function workflowVersionRoutes({ deps, route }: RouteContext): void {
  const { workflows } = deps;
  const id = (raw: string) => check(workflowIdParam, raw, "path.id");

  route({
    method: "get",
    path: "/api/workflows/:id/versions/:v",
    tag: "Workflows",
    summary: "One published version",
    params: { id: workflowIdParam, v: versionParam },
    responses: { 200: { description: "The definition with its version", schema: publishedDefinitionSchema } },
    handler: async (c) => {
      const version = check(versionParam, c.req.param("v"), "path.v");
      return c.json(await workflows.getVersion(id(c.req.param("id")), version));
    },
  });

  route({
    method: "post",
    path: "/api/workflows/:id/publish",
    tag: "Workflows",
    summary: "Validate the draft and freeze it as the next version",
    params: { id: workflowIdParam },
    responses: { 201: { description: "Published", schema: publishedSchema }, 422: { description: "The draft has problems" } },
    handler: async (c) => {
      const workflowId = id(c.req.param("id"));
      const version = await workflows.publish(workflowId);
      deps.logger.info({ workflowId, version }, "workflow published");
      return c.json({ id: workflowId, version }, 201);
    },
  });

  route({
    method: "delete",
    path: "/api/workflows/:id",
    tag: "Workflows",
    summary: "Delete a workflow",
    params: { id: workflowIdParam },
    responses: { 204: { description: "Deleted" }, 409: { description: "Instances still run" } },
    handler: async (c) => {
      await workflows.delete(id(c.req.param("id")));
      return c.body(null, 204);
    },
  });

  route({
    method: "post",
    path: "/api/workflows/:id/instances",
    tag: "Instances",
    summary: "Start an instance",
    params: { id: workflowIdParam },
    body: startBody,
    responses: {
      202: { description: "Started", schema: startedSchema },
      404: { description: "Unknown workflow or version" },
      409: { description: "Id in use, or nothing published" },
      422: { description: "Input fails inputSchema" },
    },
    handler: async (c) => {
      const workflowId = id(c.req.param("id"));
      const request = await parseBody(c, startBody, { optional: true });
      const started = await workflows.start(workflowId, request);
      deps.logger.info({ instanceId: started.instanceId, workflowId, version: started.version }, "instance started");
      return startedResponse(c, started);
    },
  });
}

export function startedResponse(c: Context, started: Omit<StartedInstance, "links">) {
  const self = `/api/instances/${encodeURIComponent(started.instanceId)}`;
  c.header("Location", self);
  const body: StartedInstance = { ...started, links: { self, history: `${self}/history`, stream: `${self}/stream` } };
  return c.json(body, 202);
}
