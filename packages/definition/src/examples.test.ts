import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GUARANTEED_ACTIVITY_NAMES } from "./catalog.js";
import { evaluateExpression } from "./expressions.js";
import { parseDefinition } from "./parse-definition.js";
import type { WorkflowDefinition } from "./schema.js";
import { nodeExpressionFields } from "./settings-rules.js";
import { validate } from "./validate.js";

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../examples/${name}.json`, import.meta.url), "utf8"));
}

function parsed(name: string): WorkflowDefinition {
  const result = parseDefinition(load(name));
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join("\n"));
  return result.definition;
}

const catalog = { activities: GUARANTEED_ACTIVITY_NAMES };

// A plausible moment in each run, so every expression can be evaluated for real.
const sampleContext = {
  input: { orderId: "o-1", email: "ada@example.com", url: "s3://uploads/cat.mp4", resolutions: [1080, 720] },
  steps: {
    save: { orderId: "o-1" },
    pdf: { url: "s3://docs/o-1.pdf" },
    video: { url: "s3://docs/o-1.mp4" },
    approve: { decision: "Approved", comment: "fine" },
    copy: { url: "s3://videos/cat.mp4" },
    metadata: { durationMs: 1000 },
    transcodeAll: [{ resolution: 1080 }, { resolution: 720 }],
    thumbnail: { url: "s3://thumbs/cat.png" },
    analytics: {},
    voice: {},
  },
  vars: {},
  item: 1080,
  index: 0,
  instance: { id: "i-1", workflowId: "x", version: 1 },
};

describe.each(["order-processing", "video-pipeline"])("the %s example", (name) => {
  it("validates with no problems against the guaranteed catalog", () => {
    expect(validate(load(name), catalog)).toEqual([]);
  });

  it("has the id of its file name", () => {
    expect(parsed(name).id).toBe(name);
  });

  it("is laid out left to right, every node labelled", () => {
    const definition = parsed(name);
    const byId = new Map(definition.nodes.map((node) => [node.id, node]));
    for (const node of definition.nodes) expect(node.label).toBeTruthy();
    for (const edge of definition.edges) {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      if (source?.parentId !== target?.parentId) continue; // body positions are relative to their map
      expect(target?.position.x, `${edge.id} should point right`).toBeGreaterThan(source?.position.x ?? 0);
    }
  });

  it("has expressions that evaluate on a sample run", async () => {
    const definition = parsed(name);
    const options = { now: () => Date.UTC(2024, 0, 1), random: () => 0.5 };
    const sources = [
      ...definition.nodes.flatMap((node) => nodeExpressionFields(node).map((field) => field.source)),
      ...definition.edges.map((edge) => edge.condition),
    ].filter((source): source is string => typeof source === "string");
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      await evaluateExpression(source, sampleContext, options); // rejects on any error
    }
  });
});

describe("the order-processing example", () => {
  it("waits for an approval with a timeout edge and decides on the decision", () => {
    const definition = parsed("order-processing");
    const wait = definition.nodes.find((node) => node.type === "waitForEvent");
    expect(wait).toMatchObject({
      event: "OrderApprovalResult",
      timeoutMs: 1_800_000,
      approval: { title: "Approve order", choices: ["Approved", "Rejected"] },
    });
    expect(definition.edges.filter((edge) => edge.source === wait?.id).map((edge) => edge.kind ?? "next")).toEqual(["next", "timeout"]);
    const video = definition.nodes.find((node) => node.type === "activity" && node.activity === "order.createVideo");
    expect(video).toMatchObject({ retry: { maxAttempts: 3 } });
  });
});
