import { NonRetryableError, toFailureDetails } from "@weft/engine";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineActivity, describeActivities, toActivityFunctions } from "./define-activity.js";
import { ActivityError } from "./errors.js";
import { testContext } from "./test-helpers.js";

function sleepLike(run = vi.fn(async (input: { ms: number }) => ({ sleptMs: input.ms }))) {
  const definition = defineActivity({
    name: "util.sleep",
    title: "Sleep",
    description: "Waits.",
    category: "Utilities",
    input: z.object({ ms: z.number().min(0).describe("How long to wait, in milliseconds.") }),
    output: z.object({ sleptMs: z.number() }),
    run,
  });
  return { definition, run };
}

async function failureOf(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("defineActivity and toActivityFunctions", () => {
  it("validates the input before run and passes the parsed input with defaults", async () => {
    const run = vi.fn((input: { method: string; url: string }) => input);
    const definition = defineActivity({
      name: "demo.call",
      title: "Call",
      description: "",
      category: "Demo",
      input: z.object({ url: z.string(), method: z.enum(["GET", "POST"]).default("GET") }),
      run,
    });
    const fn = toActivityFunctions([definition])["demo.call"];
    await expect(fn?.({ url: "x" }, testContext())).resolves.toEqual({ url: "x", method: "GET" });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("refuses invalid input with a NonRetryableError in plain words, without calling run", async () => {
    const { definition, run } = sleepLike();
    const fn = toActivityFunctions([definition])["util.sleep"];
    for (const bad of [{ ms: -5 }, { ms: "soon" }]) {
      const error = await failureOf(fn?.(bad, testContext()));
      expect(error).toBeInstanceOf(NonRetryableError);
      expect(error.message).toBe("Activity 'util.sleep': input.ms must be a number ≥ 0.");
    }
    expect(run).not.toHaveBeenCalled();
  });

  it("names every bad field, says which are missing, and records the issues as failure details", async () => {
    const definition = defineActivity({
      name: "demo.many",
      title: "Many",
      description: "",
      category: "Demo",
      input: z.object({
        url: z.url(),
        method: z.enum(["GET", "POST"]),
        rate: z.number().min(0).max(1),
        count: z.number().int().min(1),
        tags: z.array(z.string()).min(1),
      }),
      run: () => null,
    });
    const fn = toActivityFunctions([definition])["demo.many"];
    const error = await failureOf(fn?.({ url: "not a url", method: "PUT", rate: 2, count: 1.5, tags: [] }, testContext()));
    expect(error.message).toBe(
      "Activity 'demo.many': input.url must be a URL; input.method must be one of GET, POST; " +
        "input.rate must be a number from 0 to 1; input.count must be a whole number ≥ 1; " +
        "input.tags must be a list of at least 1 item.",
    );
    const missing = await failureOf(fn?.({}, testContext()));
    expect(missing.message).toContain("input.url is required (a URL)");
    expect(missing.message).toContain("input.method is required (one of GET, POST)");

    const notAnObject = await failureOf(fn?.("hello", testContext()));
    expect(notAnObject.message).toBe("Activity 'demo.many': input must be an object.");

    const details = toFailureDetails(error);
    expect(details.nonRetryable).toBe(true);
    expect(details.details).toMatchObject({
      code: "invalid-input",
      activity: "demo.many",
      issues: expect.arrayContaining([{ path: "input.rate", message: "input.rate must be a number from 0 to 1" }]),
    });
  });

  it("fails non-retryably when run returns output that breaks the output schema", async () => {
    const { definition } = sleepLike(vi.fn(async () => ({ sleptMs: "long" }) as unknown as { sleptMs: number }));
    const error = await failureOf(toActivityFunctions([definition])["util.sleep"]?.({ ms: 1 }, testContext()));
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain("output.sleptMs must be a number");
  });

  it("refuses two activities with the same name, naming both titles", () => {
    const { definition } = sleepLike();
    const other = defineActivity({ name: "util.sleep", title: "Nap", description: "", category: "", input: z.object({}), run: () => 1 });
    for (const call of [() => toActivityFunctions([definition, other]), () => describeActivities([definition, other])]) {
      expect(call).toThrow(ActivityError);
      expect(call).toThrow(/'util\.sleep'.*"Sleep".*"Nap"/);
    }
  });

  it("refuses an activity name that a workflow could not call", () => {
    expect(() =>
      defineActivity({ name: "has space", title: "X", description: "", category: "", input: z.object({}), run: () => 1 }),
    ).toThrow(/not valid/);
  });
});

describe("describeActivities", () => {
  it("gives JSON Schemas of the input (io input) and output, with each property's description", () => {
    const definition = defineActivity({
      name: "demo.req",
      title: "Request",
      description: "Calls a URL.",
      category: "Demo",
      input: z.object({
        url: z.url().describe("The address."),
        method: z.enum(["GET", "POST"]).default("GET").describe("The method."),
      }),
      output: z.object({ status: z.number().describe("The status.") }),
      run: () => ({ status: 200 }),
    });
    const [described] = describeActivities([definition]);
    expect(described).toMatchObject({
      name: "demo.req",
      title: "Request",
      description: "Calls a URL.",
      category: "Demo",
      inputSchema: {
        type: "object",
        properties: {
          url: { type: "string", format: "uri", description: "The address." },
          method: { type: "string", enum: ["GET", "POST"], default: "GET", description: "The method." },
        },
        // io "input": a field with a default is not required from the caller.
        required: ["url"],
      },
      outputSchema: { type: "object", properties: { status: { type: "number", description: "The status." } } },
    });
  });

  it("describes an activity without an output schema as returning anything", () => {
    const definition = defineActivity({ name: "a.b", title: "B", description: "", category: "", input: z.object({}), run: () => 1 });
    expect(describeActivities([definition])[0]?.outputSchema).toEqual({});
  });
});
