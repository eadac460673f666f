#!/usr/bin/env node
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { hasErrors, validate } from "@weft/definition";
import { DEFAULT_ACTIVITY_CONCURRENCY } from "@weft/engine";
import { assertSafeBinding, ConfigError, loadConfig, type ServerConfig } from "./config.js";
import { watchProject } from "./dev-watch.js";
import { limitHeapGrowth } from "./heap-policy.js";
import { initProject } from "./init-project.js";
import { findConfigFile, loadProjectConfig, type ProjectConfig } from "./project-config.js";
import { createRuntime } from "./runtime.js";
import { serve } from "./serve.js";
import { stopOnSignals } from "./shutdown.js";

const program = new Command().name("weft").description("Durable workflows, drawn and run.").version("0.1.0");

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number 0–65535");
  return n;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number ≥ 1");
  return n;
};

const nonNegative = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return n;
};

interface ServeFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  worker: boolean;
  webDir?: string;
  config?: string;
}

async function serveProject(options: ServeFlags, dev: boolean): Promise<void> {
  limitHeapGrowth();
  const config = loadConfig(process.env, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.webDir ? { webDir: options.webDir } : {}),
    worker: options.worker,
  });
  assertSafeBinding(config);
  const project = await loadProject(options.config, { once: !dev });
  const runtime = await serve(config, project ? { project } : {});
  if (project)
    process.stdout.write(`Loaded ${project.file}: ${project.activities.map((a) => a.definition.name).join(", ") || "no activities"}\n`);
  if (dev) {
    if (!project) throw new ConfigError("weft dev needs a weft.config.ts (or .js) in the working directory; weft init makes one.");
    watchProject(project, runtime.extensions, runtime.logger, (message) => process.stdout.write(`${message}\n`));
    process.stdout.write("Watching the project for changes.\n");
  }
}

const serveOptions = (command: Command) =>
  command
    .option("-p, --port <port>", "port (PORT, default 8787; 0 picks a free one)", port)
    .option("-H, --host <host>", "address to listen on (HOST, default 127.0.0.1)")
    .option("-d, --data-dir <dir>", "where the SQLite database lives (WEFT_DATA_DIR, default ./.weft)")
    .option("--no-worker", "serve only the API and the web app; run workers elsewhere")
    .option("--web-dir <dir>", "the built web app to serve (WEFT_WEB_DIR)")
    .option("-c, --config <file>", "the project config (default: weft.config.ts, .mts, .js or .mjs in the working directory)");

serveOptions(
  program
    .command("start")
    .description(
      "Serve the API and the web app, and run the workers (SQLite in ./.weft by default); loads ./weft.config.ts if there is one",
    ),
).action((options: ServeFlags) => serveProject(options, false));

serveOptions(
  program.command("dev").description("weft start, and reload the project's activities and orchestrators when their files change"),
).action((options: ServeFlags) => serveProject(options, true));

program
  .command("init [dir]")
  .description("Scaffold a project: package.json, weft.config.ts, one activity and one workflow that calls it")
  .action((dir: string | undefined) => {
    const target = dir ?? ".";
    const files = initProject(target);
    process.stdout.write(`Created ${files.map((f) => join(target, f)).join(", ")}\n\n`);
    process.stdout.write(
      `Next:\n${target === "." ? "" : `  cd ${target}\n`}  weft dev                    # the API and the designer on http://127.0.0.1:8787\n`,
    );
    process.stdout.write(`  weft run workflows/hello.json --input '{"name":"Ada"}'\n`);
  });

program
  .command("worker")
  .description("Run only the workers against the configured database")
  .option("-c, --concurrency <n>", `activities at once (default ${DEFAULT_ACTIVITY_CONCURRENCY})`, positive)
  .option(
    "--affinity-ms <ms>",
    "how long a task this worker scheduled without a free slot stays reserved for it (default 2000; 0 = off)",
    nonNegative,
  )
  .option("-d, --data-dir <dir>", "where the SQLite database lives")
  .option("--config <file>", "the project config (default: ./weft.config.*)")
  .action(async (options: { concurrency?: number; affinityMs?: number; dataDir?: string; config?: string }) => {
    limitHeapGrowth();
    const config = loadConfig(process.env, {
      ...(options.concurrency ? { activityConcurrency: options.concurrency } : {}),
      ...(options.affinityMs !== undefined ? { affinityMs: options.affinityMs } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    const project = await loadProject(options.config, { once: true });
    const runtime = await createRuntime(config, { serve: false, ...(project ? { project } : {}) });
    runtime.logger.info({ store: runtime.store.kind }, "worker started");
    stopOnSignals({ logger: runtime.logger, timeoutMs: config.shutdownTimeoutMs, stop: () => runtime.close() });
  });

program
  .command("run <file>")
  .description("Run a workflow definition to completion in a scratch database and print its result")
  .option("-i, --input <json>", "the instance input as JSON", "null")
  .option("--timeout <ms>", "give up after this long", positive, 600_000)
  .option("--config <file>", "the project config (default: ./weft.config.*), for the project's activities")
  .action(async (file: string, options: { input: string; timeout: number; config?: string }) => {
    const definition = readDefinition(file);
    let input: unknown;
    try {
      input = JSON.parse(options.input);
    } catch (error) {
      throw new ConfigError(`--input is not valid JSON: ${(error as Error).message}`);
    }
    const dir = mkdtempSync(join(tmpdir(), "weft-run-"));
    // A scratch database holds no secrets worth keeping: a throwaway key, and no key file notice.
    const config: ServerConfig = {
      ...loadConfig(process.env),
      dataDir: dir,
      databaseUrl: undefined,
      logLevel: "warn",
      secretsKey: randomBytes(32).toString("base64"),
      secretsOldKeys: [],
    };
    const project = await loadProject(options.config);
    const runtime = await createRuntime(config, { serve: false, ...(project ? { project } : {}) });
    try {
      const id = (definition as { id?: unknown }).id;
      if (typeof id !== "string") throw new ConfigError(`${file} has no "id".`);
      await runtime.workflows.saveDraft(id, definition);
      await runtime.workflows.publish(id);
      const started = await runtime.workflows.start(id, { input });
      const done = await runtime.client.waitForCompletion(started.instanceId, { timeoutMs: options.timeout });
      process.stdout.write(`${JSON.stringify({ status: done.status, output: done.output ?? null, error: done.error ?? null }, null, 2)}\n`);
      process.exitCode = done.status === "completed" ? 0 : 1;
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

program
  .command("validate <file>")
  .description("Check a workflow definition and list its problems")
  .action((file: string) => {
    const problems = validate(readDefinition(file));
    if (problems.length === 0) {
      process.stdout.write(`${file}: valid\n`);
      return;
    }
    for (const p of problems) {
      const where = p.nodeId ? ` (node ${p.nodeId})` : p.edgeId ? ` (edge ${p.edgeId})` : "";
      process.stdout.write(`${file}: ${p.severity} ${p.code}${where}: ${p.message}\n`);
    }
    if (hasErrors(problems)) process.exitCode = 1;
  });

function readDefinition(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The given config, or ./weft.config.* if present; undefined when there is none. */
async function loadProject(file: string | undefined, options: { once?: boolean } = {}): Promise<ProjectConfig | undefined> {
  const path = file ?? findConfigFile(process.cwd());
  return path ? loadProjectConfig(path, options) : undefined;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`weft: ${error.message}\n`);
  else process.stderr.write(`weft: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
