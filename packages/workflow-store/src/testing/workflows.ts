import { describe, expect, it } from "vitest";
import { toIso } from "@weft/engine";
import { SECOND, T0, awkward, freshId, type ContractContext } from "@weft/engine/testing";
import type { WorkflowDraft, WorkflowRecord, WorkflowStore } from "../workflow-store.js";
import type { WorkflowStoreUnderTest } from "./contract.js";

function newDraft(overrides: Partial<WorkflowDraft> = {}): WorkflowDraft {
  return {
    workflowId: freshId("wf"),
    name: "Contract workflow",
    draft: { nodes: [{ id: "start", type: "start" }], edges: [] },
    trigger: { kind: "manual" },
    ...overrides,
  };
}

/** Saves a fresh draft and returns what it was saved with. */
async function saveDraft(store: WorkflowStore, overrides: Partial<WorkflowDraft> = {}, now = T0): Promise<WorkflowDraft> {
  const draft = newDraft(overrides);
  await store.saveWorkflowDraft(draft, now);
  return draft;
}

export function describeWorkflows(ctx: ContractContext<WorkflowStoreUnderTest>): void {
  describe("workflow drafts", () => {
    it("saves a draft and returns it as a record with nothing published", async () => {
      const store = await ctx.open();
      const draft = newDraft();
      const expected = { ...draft, createdAt: toIso(T0), updatedAt: toIso(T0), latestVersion: 0, versions: [] };
      expect(await store.saveWorkflowDraft(draft, T0)).toEqual(expected);
      expect(await store.getWorkflow(draft.workflowId)).toEqual(expected);
    });

    it("replaces a draft on save, keeping createdAt and moving updatedAt", async () => {
      const store = await ctx.open();
      const first = await saveDraft(store);
      const { trigger: _trigger, ...second } = newDraft({ workflowId: first.workflowId, name: "Renamed", draft: { nodes: [], edges: [] } });
      const saved = await store.saveWorkflowDraft(second, T0 + 5 * SECOND);
      const expected = { ...second, createdAt: toIso(T0), updatedAt: toIso(T0 + 5 * SECOND), latestVersion: 0, versions: [] };
      expect(saved).toEqual(expected);
      expect(saved).not.toHaveProperty("trigger");
      expect(await store.getWorkflow(first.workflowId)).toEqual(expected);
    });

    it("keeps only the draft's own fields when handed a larger object", async () => {
      const store = await ctx.open();
      const draft = newDraft();
      const larger = { ...draft, latestVersion: 7, versions: [{ version: 7, publishedAt: toIso(T0) }], extra: true };
      await store.saveWorkflowDraft(larger, T0);
      expect(await store.getWorkflow(draft.workflowId)).toEqual({
        ...draft,
        createdAt: toIso(T0),
        updatedAt: toIso(T0),
        latestVersion: 0,
        versions: [],
      });
    });

    it("keeps published versions when the draft is replaced", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      await store.publishWorkflowVersion(draft.workflowId, { v: 1 }, T0 + SECOND);
      const saved = await store.saveWorkflowDraft({ ...draft, draft: { edited: true } }, T0 + 2 * SECOND);
      expect(saved).toMatchObject({
        draft: { edited: true },
        latestVersion: 1,
        versions: [{ version: 1, publishedAt: toIso(T0 + SECOND) }],
      });
      expect(await store.getWorkflowVersion(draft.workflowId, 1)).toMatchObject({ definition: { v: 1 } });
    });

    it("returns undefined for an unknown workflow", async () => {
      const store = await ctx.open();
      expect(await store.getWorkflow(freshId("wf-unknown"))).toBeUndefined();
    });

    it("lists no workflows in an empty store", async () => {
      const store = await ctx.open();
      expect(await store.listWorkflows()).toEqual([]);
    });

    it("lists every workflow sorted by id, with its versions and without its draft", async () => {
      const store = await ctx.open();
      const c = await saveDraft(store, { workflowId: freshId("wf-c") });
      const a = await saveDraft(store, { workflowId: freshId("wf-a") }, T0 + SECOND);
      const b = await saveDraft(store, { workflowId: freshId("wf-b") }, T0 + 2 * SECOND);
      await store.publishWorkflowVersion(b.workflowId, { b: 1 }, T0 + 3 * SECOND);
      const listed = await store.listWorkflows();
      expect(listed.map((w) => w.workflowId)).toEqual([a.workflowId, b.workflowId, c.workflowId]);
      const { draft: _draft, ...summary } = b;
      expect(listed[1]).toEqual({
        ...summary,
        createdAt: toIso(T0 + 2 * SECOND),
        updatedAt: toIso(T0 + 2 * SECOND),
        latestVersion: 1,
        versions: [{ version: 1, publishedAt: toIso(T0 + 3 * SECOND) }],
      });
      const { draft: _aDraft, ...aSummary } = (await store.getWorkflow(a.workflowId)) as WorkflowRecord;
      expect(listed[0]).toEqual(aSummary);
      expect(listed.every((w) => !("draft" in w))).toBe(true);
    });
  });

  describe("published workflow versions", () => {
    it("numbers versions 1, 2, 3 and lists them with their publishedAt", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      const numbers: number[] = [];
      for (let i = 1; i <= 3; i += 1) numbers.push(await store.publishWorkflowVersion(draft.workflowId, { v: i }, T0 + i * SECOND));
      expect(numbers).toEqual([1, 2, 3]);
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({
        latestVersion: 3,
        versions: [1, 2, 3].map((version) => ({ version, publishedAt: toIso(T0 + version * SECOND) })),
      });
    });

    it("gives concurrent publishes distinct consecutive numbers", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      const numbers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.publishWorkflowVersion(draft.workflowId, { publish: i }, T0 + SECOND)),
      );
      expect([...numbers].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Each number froze the definition of the call that got it.
      for (const [i, version] of numbers.entries()) {
        expect((await store.getWorkflowVersion(draft.workflowId, version))?.definition).toEqual({ publish: i });
      }
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({ latestVersion: 10 });
    });

    it("refuses to publish an unknown workflow with WorkflowNotFoundError and writes nothing", async () => {
      const store = await ctx.open();
      const workflowId = freshId("wf-unknown");
      await expect(store.publishWorkflowVersion(workflowId, { v: 1 }, T0)).rejects.toMatchObject({
        name: "WorkflowNotFoundError",
        code: "workflow-not-found",
        workflowId,
      });
      expect(await store.getWorkflow(workflowId)).toBeUndefined();
      expect(await store.getWorkflowVersion(workflowId, 1)).toBeUndefined();
      expect(await store.listWorkflows()).toEqual([]);
    });

    it("never reuses a version number: a workflow deleted and made again under its id goes on from its last version", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      for (let i = 1; i <= 3; i++) await store.publishWorkflowVersion(draft.workflowId, { first: i }, T0);
      expect(await store.deleteWorkflow(draft.workflowId)).toBe(true);
      expect(await store.getWorkflowVersion(draft.workflowId, 3)).toBeUndefined();
      const saved = await store.saveWorkflowDraft({ ...draft, draft: { again: true } }, T0 + 60 * SECOND);
      expect(saved).toMatchObject({ createdAt: toIso(T0 + 60 * SECOND), latestVersion: 0, versions: [], draft: { again: true } });
      // Deleted again before anything was published: the numbers still go on from 3.
      expect(await store.deleteWorkflow(draft.workflowId)).toBe(true);
      await saveDraft(store, { workflowId: draft.workflowId });
      expect(await store.publishWorkflowVersion(draft.workflowId, { second: 1 }, T0)).toBe(4);
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({ latestVersion: 4, versions: [{ version: 4 }] });
      expect((await store.getWorkflowVersion(draft.workflowId, 4))?.definition).toEqual({ second: 1 });
      // Other workflows number on their own.
      const other = await saveDraft(store);
      expect(await store.publishWorkflowVersion(other.workflowId, {}, T0)).toBe(1);
    });

    it("returns a version's frozen definition even after the draft changes", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store, { draft: { step: "one" } });
      const version = await store.publishWorkflowVersion(draft.workflowId, { step: "one" }, T0 + SECOND);
      await store.saveWorkflowDraft({ ...draft, draft: { step: "two" } }, T0 + 2 * SECOND);
      await store.publishWorkflowVersion(draft.workflowId, { step: "two" }, T0 + 3 * SECOND);
      expect(await store.getWorkflowVersion(draft.workflowId, version)).toEqual({
        workflowId: draft.workflowId,
        version: 1,
        definition: { step: "one" },
        publishedAt: toIso(T0 + SECOND),
      });
      expect((await store.getWorkflowVersion(draft.workflowId, 2))?.definition).toEqual({ step: "two" });
    });

    it("leaves the draft and its updatedAt alone when publishing", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      await store.publishWorkflowVersion(draft.workflowId, { published: true }, T0 + 10 * SECOND);
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({ draft: draft.draft, updatedAt: toIso(T0) });
    });

    it("returns undefined for a version that was never published", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      expect(await store.getWorkflowVersion(draft.workflowId, 1)).toBeUndefined();
      await store.publishWorkflowVersion(draft.workflowId, { v: 1 }, T0);
      expect(await store.getWorkflowVersion(draft.workflowId, 2)).toBeUndefined();
      expect(await store.getWorkflowVersion(draft.workflowId, 0)).toBeUndefined();
      expect(await store.getWorkflowVersion(freshId("wf-unknown"), 1)).toBeUndefined();
    });

    it("keeps each workflow's version numbers to itself", async () => {
      const store = await ctx.open();
      const one = await saveDraft(store);
      const two = await saveDraft(store);
      expect(await store.publishWorkflowVersion(one.workflowId, { w: 1 }, T0)).toBe(1);
      expect(await store.publishWorkflowVersion(one.workflowId, { w: 1 }, T0)).toBe(2);
      expect(await store.publishWorkflowVersion(two.workflowId, { w: 2 }, T0)).toBe(1);
      expect((await store.getWorkflowVersion(two.workflowId, 1))?.definition).toEqual({ w: 2 });
    });
  });

  describe("deleting workflows", () => {
    it("deletes a workflow with its draft and versions", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store);
      const kept = await saveDraft(store);
      await store.publishWorkflowVersion(draft.workflowId, { v: 1 }, T0);
      await store.publishWorkflowVersion(draft.workflowId, { v: 2 }, T0);
      await store.publishWorkflowVersion(kept.workflowId, { kept: true }, T0);
      expect(await store.deleteWorkflow(draft.workflowId)).toBe(true);
      expect(await store.getWorkflow(draft.workflowId)).toBeUndefined();
      expect(await store.getWorkflowVersion(draft.workflowId, 1)).toBeUndefined();
      expect(await store.getWorkflowVersion(draft.workflowId, 2)).toBeUndefined();
      expect((await store.listWorkflows()).map((w) => w.workflowId)).toEqual([kept.workflowId]);
      expect((await store.getWorkflowVersion(kept.workflowId, 1))?.definition).toEqual({ kept: true });
      await expect(store.publishWorkflowVersion(draft.workflowId, { v: 3 }, T0)).rejects.toMatchObject({ name: "WorkflowNotFoundError" });
    });

    it("returns false when deleting an unknown or already deleted workflow", async () => {
      const store = await ctx.open();
      expect(await store.deleteWorkflow(freshId("wf-unknown"))).toBe(false);
      const draft = await saveDraft(store);
      expect(await store.deleteWorkflow(draft.workflowId)).toBe(true);
      expect(await store.deleteWorkflow(draft.workflowId)).toBe(false);
    });
  });

  describe("workflow JSON values", () => {
    it("round-trips JSON drafts, triggers and definitions", async () => {
      const store = await ctx.open();
      const trigger = { kind: "webhook", secret: "s3cr3t ✓", filters: [awkward.nested, null] };
      const draft = await saveDraft(store, { name: 'ünïcode «name» 😀 "quoted"', draft: awkward, trigger });
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({ name: draft.name, draft: awkward, trigger });
      const version = await store.publishWorkflowVersion(draft.workflowId, awkward, T0);
      expect((await store.getWorkflowVersion(draft.workflowId, version))?.definition).toEqual(awkward);
      expect((await store.listWorkflows())[0]).toMatchObject({ name: draft.name, trigger });
    });

    it("keeps scalar drafts and definitions exactly", async () => {
      const store = await ctx.open();
      for (const value of [null, 0, -7.5, false, true, "", "text", [], {}]) {
        const draft = await saveDraft(store, { draft: value, trigger: value });
        const version = await store.publishWorkflowVersion(draft.workflowId, value, T0);
        const record = await store.getWorkflow(draft.workflowId);
        expect(record?.draft).toEqual(value);
        expect(record?.trigger).toEqual(value);
        expect((await store.getWorkflowVersion(draft.workflowId, version))?.definition).toEqual(value);
      }
    });

    it("returns copies that the caller can change without changing the store", async () => {
      const store = await ctx.open();
      const draft = await saveDraft(store, { draft: { nodes: ["a"] } });
      await store.publishWorkflowVersion(draft.workflowId, { nodes: ["a"] }, T0);
      const record = await store.getWorkflow(draft.workflowId);
      (record?.draft as { nodes: string[] }).nodes.push("mutated");
      record?.versions.push({ version: 99, publishedAt: toIso(T0) });
      const version = await store.getWorkflowVersion(draft.workflowId, 1);
      (version?.definition as { nodes: string[] }).nodes.push("mutated");
      expect(await store.getWorkflow(draft.workflowId)).toMatchObject({ draft: { nodes: ["a"] }, versions: [{ version: 1 }] });
      expect((await store.getWorkflowVersion(draft.workflowId, 1))?.definition).toEqual({ nodes: ["a"] });
    });
  });
}
