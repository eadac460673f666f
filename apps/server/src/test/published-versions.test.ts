import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

/**
 * Users upgrade with instances in flight. A version published by an earlier release was
 * validated by that release's rules; rules added since — a sub-workflow that calls its
 * own workflow, a regular expression the linear-time engine cannot run — refuse new
 * publishes, but must not make a stored version unrunnable.
 */
const at = (x: number) => ({ x, y: 0 });

/** Counts down through itself: valid in 0.1.0, refused at publish now (sub-workflow-cycle). */
const countdown = {
  id: "countdown",
  name: "Countdown",
  nodes: [
    { id: "start", type: "start", position: at(0) },
    { id: "more", type: "choice", position: at(100) },
    { id: "again", type: "subWorkflow", workflow: "countdown", version: 1, input: '{ "n": input.n - 1 }', position: at(200) },
    { id: "done", type: "end", output: '{ "n": input.n }', position: at(300) },
  ],
  edges: [
    { id: "e1", source: "start", target: "more" },
    { id: "e2", source: "more", target: "again", condition: "input.n > 0" },
    { id: "e3", source: "more", target: "done", default: true },
    { id: "e4", source: "again", target: "done" },
  ],
};

/** A lookahead on one branch only: valid in 0.1.0, refused at publish now (RE2 has no lookahead). */
const lookahead = {
  id: "lookahead",
  name: "Lookahead",
  nodes: [
    { id: "start", type: "start", position: at(0) },
    { id: "which", type: "choice", position: at(100) },
    { id: "check", type: "transform", assign: { ok: "$contains(input.text, /a(?=b)/)" }, position: at(200) },
    { id: "end", type: "end", position: at(300) },
  ],
  edges: [
    { id: "e1", source: "start", target: "which" },
    { id: "e2", source: "which", target: "check", condition: "input.useRegex" },
    { id: "e3", source: "which", target: "end", default: true },
    { id: "e4", source: "check", target: "end" },
  ],
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const store = server.runtime.store;
  // As a database written by 0.1.0 holds them: saved and published without today's rules.
  for (const definition of [countdown, lookahead]) {
    await store.saveWorkflowDraft({ workflowId: definition.id, name: definition.name, draft: definition }, Date.now());
    await store.publishWorkflowVersion(definition.id, definition, Date.now());
  }
});
afterAll(async () => {
  await server?.close();
});

async function run(workflow: string, input: unknown) {
  const started = await server.api(`/api/workflows/${workflow}/instances`, { method: "POST", json: { input } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return until(server, started.body.instanceId, isTerminal);
}

describe("versions published by an earlier release keep running", () => {
  it("runs a self-calling version, which publishing refuses today", async () => {
    const done = await run("countdown", { n: 3 });
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(done.output).toEqual({ n: 3 });
    const republished = await server.api("/api/workflows/countdown/publish", { method: "POST" });
    expect(republished.status).toBe(422);
    expect(JSON.stringify(republished.body.problems)).toMatch(/sub-workflow-cycle/);
  });

  it("runs a version with a lookahead on the branches that do not use it, and fails clearly where it is used", async () => {
    expect((await run("lookahead", { useRegex: false })).status).toBe("completed");
    const failed = await run("lookahead", { useRegex: true, text: "ab" });
    expect(failed.status).toBe("failed");
    expect(failed.error.message).toMatch(/lookahead/i);
  });
});
