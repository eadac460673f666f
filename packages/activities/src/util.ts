import { z } from "zod";
import { defineActivity } from "./define-activity.js";
import type { ActivityDefinition } from "./define-activity.js";
import { delay } from "./delay.js";

const CATEGORY = "Utilities";

export const utilEcho = defineActivity({
  name: "util.echo",
  title: "Echo",
  description: "Returns its input unchanged. Handy for shaping data or as a placeholder step.",
  category: CATEGORY,
  input: z.unknown().describe("Any JSON value; it comes back as the step's output."),
  output: z.unknown().describe("The input, unchanged."),
  run: (input) => input,
});

export const utilSleep = defineActivity({
  name: "util.sleep",
  title: "Sleep",
  description:
    "Waits the given number of milliseconds inside a worker (a durable wait belongs in a timer node; this one holds an activity slot).",
  category: CATEGORY,
  input: z.object({
    ms: z.number().min(0).describe("How long to wait, in milliseconds."),
  }),
  output: z.object({ sleptMs: z.number().describe("The milliseconds waited.") }),
  run: async ({ ms }, context) => {
    await delay(ms, context.signal);
    return { sleptMs: ms };
  },
});

export const utilFlaky = defineActivity({
  name: "util.flaky",
  title: "Flaky step",
  description:
    "Fails on its first attempts and then succeeds: set failAttempts to 2 and a retry policy of 3 attempts to watch two retries.",
  category: CATEGORY,
  input: z.object({
    failAttempts: z.number().int().min(0).describe("How many attempts fail before one succeeds (attempts are numbered from 1)."),
  }),
  output: z.object({ attempt: z.number().int().describe("The attempt that succeeded.") }),
  run: ({ failAttempts }, context) => {
    if (context.attempt <= failAttempts) {
      throw new Error(`Flaky step failed on attempt ${context.attempt} of the first ${failAttempts} (on purpose).`);
    }
    return { attempt: context.attempt };
  },
});

export const utilFail = defineActivity({
  name: "util.fail",
  title: "Fail",
  description: "Always fails with the given message, to try error paths and retries.",
  category: CATEGORY,
  input: z.object({
    message: z.string().default("util.fail always fails").describe("The error message to fail with."),
  }),
  output: z.never().describe("Never returns."),
  run: ({ message }): never => {
    throw new Error(message);
  },
});

export function createUtilActivities(): ActivityDefinition[] {
  return [utilEcho, utilSleep, utilFlaky, utilFail];
}
