import type { ActivityContext } from "@weft/engine";
import { z } from "zod";
import { defineActivity } from "./define-activity.js";
import type { ActivityDefinition } from "./define-activity.js";
import { delay } from "./delay.js";
import { ActivityError, ActivityErrorCode, SimulatedFailureError } from "./errors.js";

export interface DemoOptions {
  /** Multiplies every demo step's duration; 0 makes them immediate (tests), 1 is realistic. Default 1. */
  demoTimeScale?: number;
  /** In [0, 1); decides simulated failures. Default `Math.random`. */
  random?: () => number;
}

const demoControls = {
  failRate: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe("Chance that an attempt fails on purpose, from 0 (never) to 1 (always), to try retries."),
  failAttempts: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("How many attempts fail on purpose before one succeeds: retries you can count on (failRate is a chance)."),
  durationMs: z.number().min(0).optional().describe("How long the step takes, in milliseconds, instead of its realistic default."),
};

type DemoControls = { failRate: number; failAttempts: number; durationMs?: number | undefined };

export interface DemoStepSpec<TShape extends z.ZodRawShape, TOutput> {
  name: string;
  title: string;
  description: string;
  category: string;
  /** The step's own fields, all optional: workflows pass what they have. */
  fields: TShape;
  output: z.ZodType<TOutput>;
  /** The realistic duration before scaling. */
  durationMs: number | ((input: z.output<z.ZodObject<TShape>>) => number);
  /** What the simulated failure says, e.g. "Transcoder busy". */
  failure: string;
  result(input: z.output<z.ZodObject<TShape>> & DemoControls, context: ActivityContext): TOutput | Promise<TOutput>;
}

/**
 * A demo step: waits a realistic time (× `demoTimeScale`), honouring the abort
 * signal, fails on purpose (retryably) in its first `failAttempts` attempts and with
 * probability `failRate`, then produces
 * its result. Loose objects, so a workflow's expression may pass extra data; an
 * absent input counts as `{}` when the step has no required field.
 */
export function defineDemoStep<TShape extends z.ZodRawShape, TOutput>(
  spec: DemoStepSpec<TShape, TOutput>,
  options: DemoOptions,
): ActivityDefinition {
  const scale = demoTimeScaleOf(options);
  const random = options.random ?? Math.random;
  // Typed loosely here: `run` recovers the precise input type with one cast below.
  const shape: z.ZodRawShape = { ...spec.fields, ...demoControls };
  // An absent input counts as {} only when {} is valid, so no form is offered an invalid default.
  const optionalOnly = Object.values(spec.fields).every((field) => z.safeParse(field, undefined).success);
  const object = z.looseObject(shape);
  const input = optionalOnly ? object.prefault({}) : object;
  return defineActivity({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    category: spec.category,
    input,
    output: spec.output,
    run: async (value, context) => {
      const stepInput = value as unknown as z.output<z.ZodObject<TShape>> & DemoControls;
      const base = stepInput.durationMs ?? (typeof spec.durationMs === "number" ? spec.durationMs : spec.durationMs(stepInput));
      await delay(base * scale, context.signal);
      if (context.attempt <= stepInput.failAttempts) {
        const failAttempts = { attempt: context.attempt, of: stepInput.failAttempts };
        throw new SimulatedFailureError(spec.name, stepInput.failRate, spec.failure, failAttempts);
      }
      if (stepInput.failRate > 0 && random() < stepInput.failRate) {
        throw new SimulatedFailureError(spec.name, stepInput.failRate, spec.failure);
      }
      return spec.result(stepInput, context);
    },
  });
}

function demoTimeScaleOf(options: DemoOptions): number {
  const scale = options.demoTimeScale ?? 1;
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new ActivityError(
      ActivityErrorCode.InvalidOptions,
      `The built-in activities' option demoTimeScale must be a number ≥ 0 (0 makes demo steps immediate), not ${scale}.`,
      { details: { option: "demoTimeScale", value: scale } },
    );
  }
  return scale;
}

/** A stable number in [0, 2^32) from a string (FNV-1a), so demo results look real but repeat. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `https://cdn.example.com/up/My Clip.mov?x=1` → `My-Clip.mov`; a fallback when there is no usable name. */
export function fileNameOf(source: unknown, fallback: string): string {
  if (typeof source !== "string" || source === "") return fallback;
  let path = source;
  try {
    path = decodeURIComponent(new URL(source).pathname);
  } catch {
    // Not a URL: treat it as a path.
  }
  const last = path
    .split(/[/\\]/)
    .filter((part) => part !== "")
    .pop();
  const safe = last?.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "");
  return safe !== undefined && safe !== "" ? safe : fallback;
}

/** `clip.mp4` → `clip`. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}
