import { existsSync } from "node:fs";
import Module, { createRequire, register } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ActivityDefinition } from "@weft/activities";
import type { AnyOrchestrator } from "@weft/engine";
import { ConfigError } from "./config.js";

/** The file names `weft` looks for in the working directory, in this order. */
export const CONFIG_FILES = ["weft.config.ts", "weft.config.mts", "weft.config.js", "weft.config.mjs"] as const;

/** A config that does not load: the message names the file and the error (no stack from deep inside). */
export class ProjectConfigError extends ConfigError {
  override name = "ProjectConfigError";
}

/** An activity from the project, with where it came from (for clash messages). */
export interface ProjectActivity {
  definition: ActivityDefinition;
  /** e.g. `activities/greet.ts` or `weft.config.ts (activities[0])`, relative to the project. */
  from: string;
}

/** A loaded `weft.config.*`. */
export interface ProjectConfig {
  /** Absolute path of the config file. */
  file: string;
  dir: string;
  activities: ProjectActivity[];
  orchestrators: Map<string, AnyOrchestrator>;
  /** Every project file that was imported (what `weft dev` watches). */
  files: string[];
  /** Loaded with `once` (see {@link loadProjectConfig}); an isolated activity process loads it the same way. */
  once: boolean;
}

const WORKFLOW_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The config file in `dir`, if there is one. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = resolve(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Loads a project config (TypeScript through tsx, JavaScript as is) and every activity
 * module it names. Each call imports fresh copies of the project's modules, so
 * `weft dev` reloads by calling it again. Throws {@link ProjectConfigError}.
 *
 * `once`: the config is loaded once and never reloaded (`weft start`, `weft worker`):
 * plain JavaScript modules are then imported by Node itself, without tsx's loader thread,
 * which makes a worker start (and restart after a crash) about twice as fast. `files`
 * then lists only the modules named in the config.
 */
export async function loadProjectConfig(file: string, options: { once?: boolean } = {}): Promise<ProjectConfig> {
  const path = resolve(file);
  const dir = dirname(path);
  if (!existsSync(path)) throw new ProjectConfigError(`${file}: no such file.`);
  const files = new Set<string>([path]);
  const once = options.once === true;
  const exported = await importProjectModule(path, dir, files, once);
  let config = (exported as { default?: unknown }).default;
  // A config loaded as CommonJS (no "type": "module") arrives as { default: { default: config } }.
  if (typeof config === "object" && config !== null && "default" in config && !("activities" in config) && !("orchestrators" in config)) {
    config = (config as { default: unknown }).default;
  }
  const shown = display(path);
  if (typeof config !== "object" || config === null) {
    throw new ProjectConfigError(`${shown}: the default export must be defineConfig({ activities: [...] }), not ${describe(config)}.`);
  }
  const { activities = [], orchestrators = {}, ...rest } = config as { activities?: unknown; orchestrators?: unknown };
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    throw new ProjectConfigError(
      `${shown}: unknown setting(s) ${unknownKeys.map((k) => `'${k}'`).join(", ")}; a config has 'activities' and 'orchestrators'.`,
    );
  }
  if (!Array.isArray(activities)) throw new ProjectConfigError(`${shown}: 'activities' must be a list, not ${describe(activities)}.`);

  const collected: ProjectActivity[] = [];
  const configName = relative(dir, path);
  for (const [index, entry] of activities.entries()) {
    await collect(entry, `${configName} (activities[${index}])`, { dir, shown, files, into: collected, once });
  }
  assertNoDuplicates(collected);

  if (typeof orchestrators !== "object" || orchestrators === null || Array.isArray(orchestrators)) {
    throw new ProjectConfigError(`${shown}: 'orchestrators' must be an object of generator functions by workflow id.`);
  }
  const byId = new Map<string, AnyOrchestrator>();
  for (const [id, fn] of Object.entries(orchestrators as Record<string, unknown>)) {
    if (!WORKFLOW_ID.test(id)) {
      throw new ProjectConfigError(
        `${shown}: orchestrator '${id}' needs a workflow id as its key: 1 to 63 lower-case letters, digits or dashes (e.g. "process-order").`,
      );
    }
    if (typeof fn !== "function")
      throw new ProjectConfigError(`${shown}: orchestrator '${id}' must be a generator function, not ${describe(fn)}.`);
    byId.set(id, fn as AnyOrchestrator);
  }
  return { file: path, dir, activities: collected, orchestrators: byId, files: [...files], once };
}

async function collect(
  entry: unknown,
  from: string,
  ctx: { dir: string; shown: string; files: Set<string>; into: ProjectActivity[]; once: boolean },
): Promise<void> {
  if (isActivityDefinition(entry)) {
    ctx.into.push({ definition: entry, from });
    return;
  }
  if (typeof entry === "string") {
    const path = resolve(ctx.dir, entry);
    if (!existsSync(path)) throw new ProjectConfigError(`${ctx.shown}: activity module '${entry}' (${from}) does not exist.`);
    ctx.files.add(path);
    const module = await importProjectModule(path, ctx.dir, ctx.files, ctx.once);
    const found = definitionsIn(module);
    if (found.length === 0) {
      throw new ProjectConfigError(`${relative(ctx.dir, path)}: exports no activity; export the result of defineActivity({...}).`);
    }
    for (const definition of found) ctx.into.push({ definition, from: relative(ctx.dir, path) });
    return;
  }
  if (Array.isArray(entry)) {
    for (const [i, item] of entry.entries()) await collect(item, `${from}[${i}]`, ctx);
    return;
  }
  if (typeof entry === "object" && entry !== null) {
    const found = definitionsIn(entry);
    if (found.length > 0) {
      for (const definition of found) ctx.into.push({ definition, from });
      return;
    }
  }
  throw new ProjectConfigError(
    `${ctx.shown}: ${from} is ${describe(entry)}; list activities made by defineActivity, modules that export them, or paths to such modules.`,
  );
}

function definitionsIn(module: unknown): ActivityDefinition[] {
  if (typeof module !== "object" || module === null) return [];
  const found: ActivityDefinition[] = [];
  for (const value of Object.values(module)) {
    if (isActivityDefinition(value) && !found.includes(value)) found.push(value);
    else if (Array.isArray(value)) for (const item of value) if (isActivityDefinition(item) && !found.includes(item)) found.push(item);
  }
  return found;
}

/** Recognised by shape, not `instanceof`: the project may hold its own copy of the SDK. */
export function isActivityDefinition(value: unknown): value is ActivityDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === "string" &&
    typeof v.title === "string" &&
    typeof v.run === "function" &&
    typeof v.input === "object" &&
    v.input !== null &&
    typeof (v.input as { safeParseAsync?: unknown }).safeParseAsync === "function"
  );
}

function assertNoDuplicates(activities: readonly ProjectActivity[]): void {
  const seen = new Map<string, ProjectActivity>();
  for (const activity of activities) {
    const earlier = seen.get(activity.definition.name);
    if (earlier && earlier.definition !== activity.definition) {
      throw new ProjectConfigError(
        `Two activities are named '${activity.definition.name}': one in ${earlier.from}, one in ${activity.from}. Rename one of them; a workflow calls an activity by its name.`,
      );
    }
    seen.set(activity.definition.name, activity);
  }
}

/** Refuses project activities whose names are taken by the built-in catalog. */
export function assertNoClashWithBuiltIns(project: ProjectConfig, builtIns: readonly { name: string; title: string }[]): void {
  const taken = new Map(builtIns.map((b) => [b.name, b]));
  for (const activity of project.activities) {
    const builtIn = taken.get(activity.definition.name);
    if (builtIn) {
      throw new ProjectConfigError(
        `Activity '${activity.definition.name}' in ${activity.from} clashes with the built-in activity '${builtIn.name}' ("${builtIn.title}"). Rename yours, e.g. 'myapp.${activity.definition.name.split(".").pop()}'.`,
      );
    }
  }
}

/** Distinct activities (a module listed twice counts once). */
export function uniqueActivities(project: ProjectConfig): ProjectActivity[] {
  const seen = new Set<ActivityDefinition>();
  return project.activities.filter((a) => (seen.has(a.definition) ? false : (seen.add(a.definition), true)));
}

// ---- importing ------------------------------------------------------------------------

let hooksRegistered = false;

/**
 * Makes `@weft/sdk` in a project resolve to the server's own copy, so a project needs
 * no install of its own, and the project and the server share one SDK and one zod.
 */
function registerSdkResolution(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const sdk = pathToFileURL(createRequire(import.meta.url).resolve("@weft/sdk")).href;
  const hooks = `
    let sdk;
    export function initialize(data) { sdk = data.sdk; }
    export async function resolve(specifier, context, next) {
      if (specifier === "@weft/sdk") return { url: sdk, shortCircuit: true };
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { sdk } });
  // A project without "type": "module" has its .ts files loaded as CommonJS, through require.
  const sdkPath = fileURLToPath(sdk);
  const internals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === "@weft/sdk" ? sdkPath : original.call(this, request, ...rest);
  };
}

type TsImport = (specifier: string, options: { parentURL: string; onImport?: (url: string) => void }) => Promise<unknown>;
let tsImport: TsImport | undefined;

/** Whether the project finds the server's own `@weft/sdk` by itself (no resolution hook needed). */
function sharesServerSdk(dir: string): boolean {
  try {
    return createRequire(resolve(dir, "weft.config.js")).resolve("@weft/sdk") === createRequire(import.meta.url).resolve("@weft/sdk");
  } catch {
    return false;
  }
}

async function importProjectModule(path: string, dir: string, files: Set<string>, once: boolean): Promise<unknown> {
  if (once && /\.(?:mjs|cjs|js)$/.test(path) && sharesServerSdk(dir)) {
    try {
      return await import(pathToFileURL(path).href);
    } catch (error) {
      throw new ProjectConfigError(loadFailure(path, dir, error));
    }
  }
  registerSdkResolution();
  tsImport ??= ((await import("tsx/esm/api")) as { tsImport: TsImport }).tsImport;
  try {
    // tsImport loads into a fresh namespace on every call: a reload sees edited files.
    return await tsImport(pathToFileURL(path).href, {
      parentURL: import.meta.url,
      onImport: (url) => {
        if (!url.startsWith("file:")) return;
        const file = fileURLToPath(url.replace(/\?.*$/, ""));
        if (!file.includes(`${"/"}node_modules${"/"}`) && file.startsWith(dir)) files.add(file);
      },
    });
  } catch (error) {
    throw new ProjectConfigError(loadFailure(path, dir, error));
  }
}

/** "weft.config.ts: cannot load activities/bad.ts:3: boom" — the file, the line, the message. */
function loadFailure(path: string, dir: string, error: unknown): string {
  const shown = display(path);
  const message = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
  const where = error instanceof Error ? projectFrame(error, dir) : undefined;
  const at = where && where !== relative(dir, path) ? ` (at ${where})` : where ? ` (line ${where.split(":")[1] ?? "?"})` : "";
  // esbuild's syntax errors put the file, line and reason on the lines after the first.
  const text = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(" ");
  return `${shown} failed to load${at}: ${text}`;
}

/** The first stack frame inside the project (not node_modules), as `file:line`. */
function projectFrame(error: Error, dir: string): string | undefined {
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    const match = /(file:\/\/[^\s)]+?|\/[^\s()]+?):(\d+):\d+\)?\s*$/.exec(line);
    if (!match?.[1]) continue;
    let file = match[1].replace(/\?[^:]*$/, "");
    if (file.startsWith("file:")) file = fileURLToPath(file.replace(/\?.*$/, ""));
    if (file.startsWith(dir) && !file.includes("/node_modules/")) return `${relative(dir, file)}:${match[2]}`;
  }
  // A syntax error has no frame in the file: esbuild names it in the message.
  return undefined;
}

/** Relative to the working directory when inside it, else absolute. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "function") return "a function";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
