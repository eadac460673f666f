// Records the golden histories: `npm run testdata:record` (after `npm run build`).
// Each case runs on the engine with a memory store, a fake clock and fixed ids, and
// is written to testdata/histories/v<version>/<case>.json with everything needed to
// replay it: the definition, the input, the instance's ids and tags, the history,
// and the expected outcome (status, output or error, node states).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBuiltInActivities, toActivityFunctions } from "@weft/activities";
import { compile, deriveNodeStates, interpret, type Plan, SUB_WORKFLOW_TAG_PREFIX } from "@weft/definition";
import { createClient, createWorker, type IdGenerator, type Orchestrator } from "@weft/engine";
import { createFakeClock, createMemoryStore } from "@weft/engine/testing";
import { createOrderActivities, processOrder } from "../../examples/code-first/order-orchestrator.js";
import { cases, type GoldenCase } from "./cases.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const outDir = join(root, "testdata", "histories", `v${version}`);
const only = process.argv.slice(2);

async function record(c: GoldenCase): Promise<Record<string, unknown>> {
  const store = createMemoryStore();
  const clock = createFakeClock(Date.parse("2026-01-01T00:00:00.000Z"));
  let counter = 0;
  const ids: IdGenerator = { newId: () => `${c.name}-id-${++counter}` } as IdGenerator;
  const plans = new Map<string, Plan>();
  for (const d of [c.definition, ...(c.children ?? [])]) if (d) plans.set(d.id as string, compile(d, { version: 1 }));
  const orchestrators: Record<string, Orchestrator<any, any>> = { processOrder: processOrder as Orchestrator<any, any> };
  const worker = createWorker({
    store,
    clock,
    ids,
    pollIntervalMs: 10,
    orchestrators,
    resolveOrchestrator: async (name) => {
      const plan = plans.get(name);
      return plan ? interpret(plan) : undefined;
    },
    activities: {
      ...toActivityFunctions(createBuiltInActivities({ outbox: { append: async () => undefined }, demoTimeScale: 0, random: () => 0.5 })),
      ...createOrderActivities(),
    },
  });
  const client = createClient({ store, clock, ids });
  worker.start();
  const instanceId = `golden-${c.name}`;
  const name = c.codeFirst ?? (c.definition?.id as string);
  const tags: Record<string, string> = { version: "1" };
  for (const node of (c.definition?.nodes ?? []) as { id: string; type: string }[])
    if (node.type === "subWorkflow") tags[`${SUB_WORKFLOW_TAG_PREFIX}${node.id}`] = "1";
  await client.start(name, c.input, { instanceId, tags });

  const idle = async () => {
    let last = -1;
    for (let stable = 0; stable < 5;) {
      await new Promise((r) => setTimeout(r, 5));
      worker.poke();
      const depth = await store.queueDepth(clock.now());
      const instance = await store.getInstance(instanceId);
      const seq = instance?.lastSeq ?? 0;
      stable = depth.orchestrations === 0 && depth.activities === 0 && seq === last ? stable + 1 : 0;
      last = seq;
    }
  };
  await idle();
  for (const step of c.drive) {
    if ("raise" in step) await client.raiseEvent(instanceId, step.raise.name, step.raise.payload);
    else clock.advance(step.advanceMs);
    worker.poke();
    await idle();
  }
  const instance = await store.getInstance(instanceId);
  const history = await store.getHistory(instanceId);
  await worker.stop();
  if (!instance || !["completed", "failed"].includes(instance.status)) throw new Error(`${c.name} did not finish: ${instance?.status}`);
  const plan = c.definition ? plans.get(c.definition.id as string) : undefined;
  const nodeStates = plan
    ? await deriveNodeStates(plan, history, { tags: instance.tags, instanceId, executionId: instance.executionId })
    : undefined;
  return {
    recordedWith: version,
    name: c.name,
    description: c.description,
    ...(c.definition ? { definition: c.definition } : { codeFirst: c.codeFirst }),
    ...(c.children ? { children: c.children } : {}),
    input: c.input,
    drive: c.drive,
    instance: { instanceId, name, executionId: instance.executionId, tags: instance.tags },
    history,
    expected: {
      status: instance.status,
      ...(instance.status === "completed"
        ? { output: instance.output ?? null }
        : { error: { name: instance.error?.name, message: instance.error?.message } }),
      ...(nodeStates ? { nodeStates } : {}),
    },
  };
}

mkdirSync(outDir, { recursive: true });
for (const c of cases) {
  if (only.length && !only.includes(c.name)) continue;
  const recorded = await record(c);
  const file = join(outDir, `${c.name}.json`);
  writeFileSync(file, `${JSON.stringify(recorded, null, 2)}\n`);
  const expected = recorded.expected as { status: string };
  process.stdout.write(`${file.slice(root.length)}: ${expected.status}, ${(recorded.history as unknown[]).length} events\n`);
}
