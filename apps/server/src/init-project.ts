import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { ConfigError } from "./config.js";

/**
 * `weft init [dir]`: a project with a config, one activity and one workflow that calls
 * it. Refuses a directory that already has a weft.config or package.json, so it never
 * overwrites anyone's work. Returns the files written, relative to `dir`.
 */
export function initProject(dir: string): string[] {
  const root = resolve(dir);
  for (const taken of ["weft.config.ts", "weft.config.js", "weft.config.mjs", "package.json"]) {
    if (existsSync(join(root, taken)))
      throw new ConfigError(`${join(dir, taken)} exists already; run weft init in a new or empty directory.`);
  }
  const name =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "weft-project";
  const files: Record<string, string> = {
    "package.json": `${JSON.stringify(
      {
        name,
        private: true,
        type: "module",
        scripts: { dev: "weft dev", start: "weft start", hello: 'weft run workflows/hello.json --input \'{"name":"Ada"}\'' },
        dependencies: { "@weft/sdk": "^0.1.0", "@weft/server": "^0.1.0" },
      },
      null,
      2,
    )}\n`,
    "weft.config.ts": `import { defineConfig } from "@weft/sdk";

export default defineConfig({
  // Modules that export activities (made by defineActivity), relative to this file.
  activities: ["./activities/greet.ts"],
  // Code-first orchestrators by workflow id, e.g. { "greet-twice": greetTwice }.
  orchestrators: {},
});
`,
    "activities/greet.ts": `import { defineActivity, NonRetryableError, z } from "@weft/sdk";

export const greet = defineActivity({
  name: "hello.greet",
  title: "Greet",
  description: "Makes a greeting for a name.",
  category: "Hello",
  // The designer builds the step's form from this schema; input is checked before run.
  input: z.object({
    name: z.string().min(1).describe("Whom to greet"),
    excited: z.boolean().default(false).describe("End with an exclamation mark"),
  }),
  output: z.object({ greeting: z.string() }),
  async run({ name, excited }, ctx) {
    if (name.toLowerCase() === "nobody") throw new NonRetryableError("There is nobody to greet."); // no retries
    ctx.log.info("greeting", { name, attempt: ctx.attempt });
    return { greeting: \`Hello, \${name}\${excited ? "!" : "."}\` };
  },
});
`,
    "workflows/hello.json": `${JSON.stringify(
      {
        id: "hello",
        name: "Hello",
        description: "Calls the project's hello.greet activity.",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 } },
          {
            id: "greet",
            type: "activity",
            label: "Greet",
            activity: "hello.greet",
            input: '{ "name": input.name, "excited": true }',
            position: { x: 240, y: 0 },
          },
        ],
        edges: [{ id: "start-greet", source: "start", target: "greet" }],
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
        },
        include: ["weft.config.ts", "activities", "orchestrators"],
      },
      null,
      2,
    )}\n`,
    ".gitignore": ".weft/\nnode_modules/\n",
  };
  if (existsSync(root) && readdirSync(root).some((f) => f in files || f === "activities" || f === "workflows")) {
    throw new ConfigError(`${dir} already has an activities/ or workflows/ folder; run weft init in a new or empty directory.`);
  }
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
  return Object.keys(files);
}
