import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, deriveNodeStates, interpret } from "@weft/definition";
import { type HistoryEvent, type Orchestrator, ReplayExecutor } from "@weft/engine";
import { describe, expect, it } from "vitest";
import { processOrder } from "../../../examples/code-first/order-orchestrator.js";
import { repoRoot } from "./support/paths.js";

// Scenario 5: every recorded history (testdata/histories/v<version>/*.json, written by
// `npm run testdata:record`) is replayed through the current interpreter and executor.
// A change that makes a running instance's history unreplayable, or changes its
// outcome, fails here: that is what protects running instances across upgrades.

interface Golden {
  recordedWith: string;
  name: string;
  definition?: Record<string, unknown>;
  codeFirst?: "processOrder";
  instance: { instanceId: string; name: string; executionId: string; tags: Record<string, string> };
  history: HistoryEvent[];
  expected: { status: "completed" | "failed"; output?: unknown; error?: { name: string; message: string }; nodeStates?: unknown };
}

const dir = join(repoRoot, "testdata", "histories");
const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".json"))
  .sort();
const goldens = files.map((f) => ({ file: f, golden: JSON.parse(readFileSync(join(dir, f), "utf8")) as Golden }));

const codeFirst: Record<string, Orchestrator<any, any>> = { processOrder: processOrder as Orchestrator<any, any> };

describe("golden histories replay through the current interpreter", () => {
  it("has one recorded history per node type and for the code-first order orchestrator", () => {
    const types = new Set<string>();
    for (const { golden } of goldens) for (const node of (golden.definition?.nodes ?? []) as { type: string }[]) types.add(node.type);
    expect([...types].sort()).toEqual([
      "activity",
      "choice",
      "delay",
      "end",
      "fail",
      "join",
      "map",
      "parallel",
      "setStatus",
      "start",
      "subWorkflow",
      "transform",
      "waitForEvent",
    ]);
    expect(goldens.some(({ golden }) => golden.codeFirst === "processOrder")).toBe(true);
  });

  it.each(goldens)("$file", async ({ golden }) => {
    const plan = golden.definition ? compile(golden.definition, { version: Number(golden.instance.tags.version ?? 1) }) : undefined;
    const orchestrator = plan ? interpret(plan) : codeFirst[golden.codeFirst as string];
    expect(orchestrator, `no orchestrator for ${golden.name}`).toBeDefined();
    const executor = new ReplayExecutor({
      instanceId: golden.instance.instanceId,
      executionId: golden.instance.executionId,
      name: golden.instance.name,
      orchestrator: orchestrator as Orchestrator<unknown, unknown>,
      tags: golden.instance.tags,
    });
    await executor.replay(golden.history);
    const completion = executor.completion;
    // A NonDeterminismError shows up as a failed completion naming the event; say so plainly.
    if (completion?.kind === "failed" && completion.error.name === "NonDeterminismError") {
      throw new Error(
        `replaying ${golden.name} (recorded with ${golden.recordedWith}) is no longer deterministic: ${completion.error.message}`,
      );
    }
    // Replaying a finished history asks for no new work. (Fire-and-forget actions of the
    // final turn — SetCustomStatus, SendEvent — stay pending after a replayed completion
    // although recorded; they count when their event with the same taskId is there.)
    const recorded = new Set(golden.history.map((e) => `${e.type}#${e.taskId}`));
    const RECORDED_AS = {
      ScheduleTask: "TaskScheduled",
      CreateTimer: "TimerCreated",
      CreateSubOrchestration: "SubOrchestrationCreated",
      SendEvent: "EventSent",
      SetCustomStatus: "CustomStatusSet",
    } as const;
    expect(executor.takeActions().filter((a) => !recorded.has(`${RECORDED_AS[a.kind]}#${a.id}`))).toEqual([]);
    if (golden.expected.status === "completed") {
      expect(completion).toEqual({ kind: "completed", output: golden.expected.output });
    } else {
      expect(completion?.kind).toBe("failed");
      expect(completion?.kind === "failed" ? { name: completion.error.name, message: completion.error.message } : undefined).toEqual(
        golden.expected.error,
      );
    }
    if (plan && golden.expected.nodeStates) {
      const states = await deriveNodeStates(plan, golden.history, {
        tags: golden.instance.tags,
        instanceId: golden.instance.instanceId,
        executionId: golden.instance.executionId,
      });
      expect(JSON.parse(JSON.stringify(states))).toEqual(golden.expected.nodeStates);
    }
  });
});
