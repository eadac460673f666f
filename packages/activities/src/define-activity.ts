import type { ActivityContext, ActivityFunction } from "@weft/engine";
import { z } from "zod";
import { ActivityError, ActivityErrorCode, nonRetryable } from "./errors.js";
import { plainIssues } from "./plain-issues.js";
import type { JsonSchema, PlainIssue } from "./plain-issues.js";

/**
 * An activity with its schemas and the words a designer shows for it. Made by
 * {@link defineActivity}; turned into worker functions by {@link toActivityFunctions}.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default input is any so that registries hold activities of every input type
export interface ActivityDefinition<TInput = any, TOutput = unknown> {
  /** The name a workflow calls, e.g. `video.transcode`. */
  readonly name: string;
  /** Short label for the palette, e.g. "Transcode video". */
  readonly title: string;
  readonly description: string;
  /** Palette group, e.g. "Video demo". */
  readonly category: string;
  /** Validated (defaults applied) before `run` sees the input. */
  readonly input: z.ZodType<TInput>;
  /** Checked after `run`; also published as the output's JSON Schema. */
  readonly output?: z.ZodType<TOutput> | undefined;
  run(input: TInput, context: ActivityContext): TOutput | Promise<TOutput>;
}

export interface ActivitySpec<TSchema extends z.ZodType, TOutput> {
  name: string;
  title: string;
  description: string;
  category: string;
  input: TSchema;
  output?: z.ZodType<TOutput> | undefined;
  run(input: z.output<TSchema>, context: ActivityContext): TOutput | Promise<TOutput>;
}

/** What a designer needs to draw the palette and an activity's input form. */
export interface ActivityDescription {
  name: string;
  title: string;
  description: string;
  category: string;
  /** JSON Schema of what the activity accepts; each property has the `.describe()` text as `description`. */
  inputSchema: JsonSchema;
  /** JSON Schema of what it returns; `{}` (anything) when the definition declares no output. */
  outputSchema: JsonSchema;
}

const NAME = /^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/;

/**
 * Defines an activity whose input is typed by its zod schema.
 *
 * @example
 * const greet = defineActivity({
 *   name: "demo.greet",
 *   title: "Greet",
 *   description: "Says hello.",
 *   category: "Demo",
 *   input: z.object({ who: z.string().describe("Whom to greet") }),
 *   run: ({ who }) => ({ greeting: `Hello, ${who}` }),
 * });
 */
export function defineActivity<TSchema extends z.ZodType, TOutput = unknown>(
  spec: ActivitySpec<TSchema, TOutput>,
): ActivityDefinition<z.output<TSchema>, TOutput> {
  if (!NAME.test(spec.name)) {
    throw new ActivityError(
      ActivityErrorCode.InvalidDefinition,
      `Activity name '${spec.name}' is not valid: use dotted words such as 'video.transcode' (letters, digits, '_' and '-').`,
      { details: { name: spec.name } },
    );
  }
  return Object.freeze({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    category: spec.category,
    // TSchema's output type is z.output<TSchema> by definition; TS cannot see it through the generic.
    input: spec.input as z.ZodType<z.output<TSchema>>,
    output: spec.output,
    run: spec.run,
  });
}

/**
 * The functions to register with the engine's worker, by activity name. Each one
 * validates its input with the activity's schema before `run`: invalid input is a
 * `NonRetryableError` that names the activity and every bad field
 * ("Activity 'util.sleep': input.ms must be a number ≥ 0").
 *
 * @example
 * const worker = createWorker({ store, activities: toActivityFunctions(createBuiltInActivities({ outbox })) });
 */
export function toActivityFunctions(definitions: readonly ActivityDefinition[]): Record<string, ActivityFunction> {
  assertUniqueNames(definitions);
  const functions: Record<string, ActivityFunction> = {};
  for (const definition of definitions) functions[definition.name] = toActivityFunction(definition);
  return functions;
}

function toActivityFunction(definition: ActivityDefinition): ActivityFunction {
  return async (rawInput: unknown, context: ActivityContext) => {
    const parsed = await definition.input.safeParseAsync(rawInput, { reportInput: true });
    if (!parsed.success) {
      const issues = plainIssues(parsed.error.issues, inputJsonSchema(definition));
      throw nonRetryable(`Activity '${definition.name}': ${issues.map((i) => i.message).join("; ")}.`, {
        code: "invalid-input",
        activity: definition.name,
        issues,
      });
    }
    const result: unknown = await definition.run(parsed.data, context);
    if (definition.output !== undefined) {
      const checked = await definition.output.safeParseAsync(result, { reportInput: true });
      if (!checked.success) {
        const issues: PlainIssue[] = plainIssues(checked.error.issues, outputJsonSchema(definition), "output");
        throw nonRetryable(
          `Activity '${definition.name}' returned output that breaks its own output schema: ${issues
            .map((i) => i.message)
            .join("; ")}. This is a bug in the activity.`,
          { code: "invalid-output", activity: definition.name, issues },
        );
      }
    }
    return result;
  };
}

/**
 * Name, words and JSON Schemas (`z.toJSONSchema`, io "input") of each activity, for
 * the designer's palette and its generated input forms.
 *
 * @example
 * describeActivities(createBuiltInActivities({ outbox })).map((a) => a.name);
 */
export function describeActivities(definitions: readonly ActivityDefinition[]): ActivityDescription[] {
  assertUniqueNames(definitions);
  return definitions.map((definition) => ({
    name: definition.name,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    inputSchema: inputJsonSchema(definition),
    outputSchema: outputJsonSchema(definition) ?? {},
  }));
}

function assertUniqueNames(definitions: readonly ActivityDefinition[]): void {
  const seen = new Map<string, ActivityDefinition>();
  for (const definition of definitions) {
    const earlier = seen.get(definition.name);
    if (earlier !== undefined) {
      throw new ActivityError(
        ActivityErrorCode.DuplicateActivity,
        `Two activities are named '${definition.name}': "${earlier.title}" and "${definition.title}". ` +
          "Rename one of them; a workflow calls an activity by its name.",
        { details: { name: definition.name, titles: [earlier.title, definition.title] } },
      );
    }
    seen.set(definition.name, definition);
  }
}

// Schemas are immutable, so each one is converted once.
const inputSchemas = new WeakMap<z.ZodType, JsonSchema>();
const outputSchemas = new WeakMap<z.ZodType, JsonSchema>();

function inputJsonSchema(definition: ActivityDefinition): JsonSchema {
  return cachedJsonSchema(inputSchemas, definition.input, "input");
}

function outputJsonSchema(definition: ActivityDefinition): JsonSchema | undefined {
  return definition.output === undefined ? undefined : cachedJsonSchema(outputSchemas, definition.output, "output");
}

function cachedJsonSchema(cache: WeakMap<z.ZodType, JsonSchema>, schema: z.ZodType, io: "input" | "output"): JsonSchema {
  let json = cache.get(schema);
  if (json === undefined) {
    // "any" keeps a schema with a transform or a custom check describable: the form
    // just shows a free field for it, and the parse still enforces it.
    json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
    cache.set(schema, json);
  }
  return json;
}
