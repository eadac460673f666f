import { describe, expect, it } from "vitest";
import { createBuiltInActivities } from "./catalog.js";
import { describeActivities, toActivityFunctions } from "./define-activity.js";
import type { JsonSchema } from "./plain-issues.js";
import { recordingOutbox } from "./test-helpers.js";

// DEFINITION.md, "The guaranteed catalog": every server has these.
const GUARANTEED = [
  "util.echo",
  "util.sleep",
  "util.flaky",
  "util.fail",
  "http.request",
  "notify.send",
  "video.virusScan",
  "video.copyFile",
  "video.extractMetadata",
  "video.transcode",
  "video.thumbnail",
  "video.analytics",
  "video.detectVoice",
  "order.save",
  "order.createPdf",
  "order.createVideo",
  "order.sendEmail",
  "order.notApproved",
];

const described = describeActivities(createBuiltInActivities({ outbox: recordingOutbox() }));

function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null ? Object.entries(properties as Record<string, JsonSchema>) : [];
}

describe("the built-in catalog", () => {
  it("has every activity of DEFINITION.md's guaranteed catalog, each once", () => {
    const names = described.map((a) => a.name);
    expect([...names].sort()).toEqual([...GUARANTEED].sort());
    expect(Object.keys(toActivityFunctions(createBuiltInActivities({ outbox: recordingOutbox() }))).sort()).toEqual([...GUARANTEED].sort());
  });

  it.each(described.map((a) => [a.name, a] as const))("describes %s with a title, a category and JSON Schemas", (_name, activity) => {
    expect(activity.title).not.toBe("");
    expect(activity.description.length).toBeGreaterThan(10);
    expect(activity.category).not.toBe("");
    expect(activity.inputSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(activity.outputSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    if (activity.name === "util.echo") {
      expect(activity.inputSchema.description).toMatch(/JSON/);
      return;
    }
    expect(activity.inputSchema.type).toBe("object");
    const properties = propertiesOf(activity.inputSchema);
    expect(properties.length).toBeGreaterThan(0);
    for (const [field, schema] of properties) {
      expect(typeof schema.description, `${activity.name} input.${field}`).toBe("string");
      expect(String(schema.description).length, `${activity.name} input.${field}`).toBeGreaterThan(3);
    }
    for (const [field, schema] of propertiesOf(activity.outputSchema)) {
      expect(typeof schema.description, `${activity.name} output.${field}`).toBe("string");
    }
  });

  it("gives each demo step failRate (default 0) and durationMs, and lets extra fields through", () => {
    for (const activity of described.filter((a) => a.category.endsWith("demo"))) {
      const properties = Object.fromEntries(propertiesOf(activity.inputSchema));
      expect(properties.failRate, activity.name).toMatchObject({ type: "number", minimum: 0, maximum: 1, default: 0 });
      expect(properties.durationMs, activity.name).toMatchObject({ type: "number", minimum: 0 });
      expect(activity.inputSchema.additionalProperties, activity.name).toEqual({});
    }
    expect(described.filter((a) => a.category.endsWith("demo"))).toHaveLength(12);
  });

  it("describes http.request's fields as a form needs them", () => {
    const http = described.find((a) => a.name === "http.request");
    expect(http?.inputSchema).toMatchObject({
      properties: {
        url: { type: "string", format: "uri" },
        method: { enum: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], default: "GET" },
        timeoutMs: { type: "integer" },
      },
      required: ["url"],
    });
  });
});
