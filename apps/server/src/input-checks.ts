/**
 * Checking a start's input against the inputSchema of the workflow version it starts:
 * one compiled JSON Schema check per published version, kept for the recently used
 * versions (a version never changes), and forgotten with its workflow.
 */
import { LruCache, type WorkflowDefinition } from "@weft/definition";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { unprocessable } from "./problem.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export class InputChecks {
  readonly #ajv: Ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  /** Compiled checks by `id@version`. */
  readonly #checks: LruCache<string, { schema: object; check: ValidateFunction }>;

  constructor(cachedVersions: number) {
    this.#checks = new LruCache(cachedVersions, {
      // Ajv keeps every schema it compiled; let it forget this one too.
      onEvict: (_, { schema }) => this.#ajv.removeSchema(schema),
    });
  }

  /**
   * Throws a 422 problem that lists every mismatch (`path` names the input in the request,
   * "input" or "items[3].input") when `input` does not match the version's inputSchema.
   */
  check(workflowId: string, version: number, definition: WorkflowDefinition, input: unknown, path: string): void {
    if (!definition.inputSchema) return;
    const key = `${workflowId}@${version}`;
    let check = this.#checks.get(key)?.check;
    if (!check) {
      try {
        check = this.#ajv.compile(definition.inputSchema);
      } catch (error) {
        throw unprocessable(
          `The inputSchema of '${workflowId}' version ${version} is not a usable JSON Schema: ${(error as Error).message}`,
        );
      }
      this.#checks.set(key, { schema: definition.inputSchema, check });
    }
    if (check(input ?? null)) return;
    const errors = (check.errors ?? []).map((e) => ({
      path: `${path}${e.instancePath.replace(/\//g, ".")}`,
      message: e.message ?? "is invalid",
    }));
    throw unprocessable(
      `${inputLabel(path)} does not match the workflow's inputSchema: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}.`,
      { errors },
    );
  }

  /** Forgets the checks of every version of a deleted workflow. */
  forgetWorkflow(workflowId: string): void {
    for (const key of [...this.#checks.keys()].filter((k) => k.startsWith(`${workflowId}@`))) {
      const cached = this.#checks.get(key);
      this.#checks.delete(key);
      if (cached) this.#ajv.removeSchema(cached.schema);
    }
  }
}

/** "input" → "The input"; "items[3].input" → "The input of items[3]". */
export function inputLabel(path: string): string {
  return path === "input" ? "The input" : `The input of ${path.replace(/\.input$/, "")}`;
}
