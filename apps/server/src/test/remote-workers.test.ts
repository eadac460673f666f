import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isTerminal, startTestServer, type TestServer, until } from "./harness.js";

const upperType = {
  name: "text.upper",
  title: "Upper-case",
  description: "Upper-cases a text (remote).",
  category: "Text",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  outputSchema: { type: "string" },
};

function oneStep(id: string, activity: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      { id: "step", type: "activity", activity, input: "input", position: { x: 200, y: 0 }, ...extra },
    ],
    edges: [{ id: "e1", source: "start", target: "step" }],
  };
}

async function publish(server: TestServer, definition: { id: string }) {
  expect((await server.api(`/api/workflows/${definition.id}`, { method: "PUT", json: definition })).status).toBe(200);
  const published = await server.api(`/api/workflows/${definition.id}/publish`, { method: "POST" });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
}

async function start(server: TestServer, workflow: string, input: unknown): Promise<string> {
  const started = await server.api(`/api/workflows/${workflow}/instances`, { method: "POST", json: { input } });
  expect(started.status).toBe(202);
  return started.body.instanceId;
}

const poll = (server: TestServer, workerId: string, waitMs = 2000, activities = ["text.upper"]) =>
  server.api("/api/workers/poll", { method: "POST", json: { workerId, activities, waitMs } });

describe("the remote worker protocol", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ remoteLeaseMs: 400 });
    const registered = await server.api("/api/workers/activities", { method: "POST", json: { activities: [upperType] } });
    expect(registered.body).toEqual({ registered: ["text.upper"] });
    await publish(server, oneStep("upper", "text.upper", { retry: { maxAttempts: 3, firstIntervalMs: 10 } }));
  });
  afterAll(() => server?.close());

  it("puts registered types in the catalog with their schemas", async () => {
    const { body } = await server.api("/api/activities");
    expect(body.find((a: { name: string }) => a.name === "text.upper")).toMatchObject({
      source: "remote",
      inputSchema: upperType.inputSchema,
      title: "Upper-case",
    });
    const doc = (await server.api("/api/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/workers/poll", "/api/workers/tasks/complete", "/api/workers/tasks/heartbeat"]),
    );
  });

  it("leaves their tasks to remote workers, hands them out by long poll, and takes the result by token", async () => {
    const id = await start(server, "upper", { text: "quiet" });
    await until(server, id, (d) => d.pending?.activities?.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.api(`/api/instances/${id}`)).body.status).toBe("running");
    const { body } = await poll(server, "w1");
    const [task] = body.tasks;
    expect(task).toMatchObject({ activity: "text.upper", input: { text: "quiet" }, attempt: 1, instanceId: id, leaseMs: 400 });
    expect(
      (await server.api("/api/workers/tasks/heartbeat", { method: "POST", json: { taskToken: task.taskToken, details: { percent: 50 } } }))
        .status,
    ).toBe(200);
    expect(
      (await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: task.taskToken, result: "QUIET" } })).status,
    ).toBe(200);
    expect(await until(server, id, isTerminal)).toMatchObject({ status: "completed", output: "QUIET" });
  });

  it("wakes a waiting poll when a task is queued", async () => {
    const waiting = poll(server, "w-wait", 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const at = Date.now();
    const id = await start(server, "upper", { text: "soon" });
    const { body } = await waiting;
    expect(Date.now() - at).toBeLessThan(2000);
    expect(body.tasks[0]).toMatchObject({ instanceId: id });
    await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: body.tasks[0].taskToken, result: "SOON" } });
    await until(server, id, isTerminal);
  });

  it("answers an empty poll after waitMs", async () => {
    const { status, body } = await poll(server, "w-empty", 100);
    expect(status).toBe(200);
    expect(body).toEqual({ tasks: [] });
  });

  it("refuses a bad token with 401 and an expired lease with 409, and the task is not lost", async () => {
    const id = await start(server, "upper", { text: "again" });
    const first = (await poll(server, "w-slow")).body.tasks[0];
    const forged = `${first.taskToken.split(".")[0]}.AAAA`;
    expect((await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: forged, result: "X" } })).status).toBe(
      401,
    );
    expect((await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: "garbage", result: "X" } })).status).toBe(
      401,
    );
    // w-slow stops heartbeating: after its lease (400 ms) the task goes back to the queue.
    const second = (await poll(server, "w-fast", 5000)).body.tasks[0];
    expect(second).toMatchObject({ instanceId: id, taskId: first.taskId, attempt: 1 });
    const late = await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: first.taskToken, result: "LATE" } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ reason: "lease-lost" });
    expect((await server.api("/api/workers/tasks/heartbeat", { method: "POST", json: { taskToken: first.taskToken } })).status).toBe(409);
    expect(
      (await server.api("/api/workers/tasks/complete", { method: "POST", json: { taskToken: second.taskToken, result: "AGAIN" } })).status,
    ).toBe(200);
    expect(await until(server, id, isTerminal)).toMatchObject({ status: "completed", output: "AGAIN" });
  });

  it("retries a retryable failure and stops on a non-retryable one", async () => {
    const id = await start(server, "upper", { text: "x" });
    const first = (await poll(server, "w1")).body.tasks[0];
    await server.api("/api/workers/tasks/fail", {
      method: "POST",
      json: { taskToken: first.taskToken, error: { message: "flaky network" } },
    });
    const second = (await poll(server, "w1", 5000)).body.tasks[0];
    expect(second).toMatchObject({ instanceId: id, attempt: 2 });
    await server.api("/api/workers/tasks/fail", {
      method: "POST",
      json: { taskToken: second.taskToken, error: { name: "BadInput", message: "text must not be x", nonRetryable: true } },
    });
    const done = await until(server, id, isTerminal);
    expect(done.status).toBe("failed");
    const events = (await server.api(`/api/instances/${id}/history`)).body.events;
    expect(events.filter((e: { type: string }) => e.type === "TaskScheduled")).toHaveLength(2);
    expect(events.filter((e: { type: string }) => e.type === "TaskFailed").at(-1).error).toMatchObject({
      name: "BadInput",
      nonRetryable: true,
    });
  });

  it("tells a worker to stop (409) when the instance is terminated", async () => {
    const id = await start(server, "upper", { text: "stop" });
    const task = (await poll(server, "w1")).body.tasks[0];
    await server.api(`/api/instances/${id}/terminate`, { method: "POST", json: {} });
    await until(server, id, (d) => d.status === "terminated");
    const beat = await server.api("/api/workers/tasks/heartbeat", { method: "POST", json: { taskToken: task.taskToken } });
    expect(beat.status).toBe(409);
    expect(beat.body).toMatchObject({ reason: "instance-ended" });
  });

  it("refuses to poll unregistered names and to register names the server runs itself", async () => {
    expect((await poll(server, "w1", 0, ["not.registered"])).status).toBe(409);
    const clash = await server.api("/api/workers/activities", {
      method: "POST",
      json: { activities: [{ ...upperType, name: "util.echo" }] },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toMatch(/already served in-process \(a built-in activity\)/);
  });
});

const workerScript = fileURLToPath(new URL("../../../../examples/worker-python/worker.py", import.meta.url));

describe("the stdlib-only Python worker (examples/worker-python)", () => {
  let server: TestServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startTestServer({ remoteLeaseMs: 1000 });
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });
  afterAll(() => server?.close());

  function python(extraEnv: Record<string, string> = {}) {
    const child = spawn("python3", [workerScript], {
      env: { ...process.env, WEFT_URL: server.url, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    const waiters: { pattern: RegExp; resolve: () => void }[] = [];
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const w of waiters.splice(0))
        if (w.pattern.test(output)) w.resolve();
        else waiters.push(w);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        const timer = setTimeout(() => reject(new Error(`worker never printed ${pattern}; output: ${output}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      });
    return { child, waitFor, output: () => output };
  }

  it("registers text.reverse and completes its tasks", async () => {
    const worker = python({ WEFT_WORKER_ID: "py-1" });
    await worker.waitFor(/registered text\.reverse/);
    const { body } = await server.api("/api/activities");
    expect(body.find((a: { name: string }) => a.name === "text.reverse")).toMatchObject({ source: "remote", category: "Text" });
    await publish(server, oneStep("reverse", "text.reverse"));
    const ids = await Promise.all(["stressed", "drawer", "Weft"].map((text) => start(server, "reverse", { text })));
    const done = await Promise.all(ids.map((id) => until(server, id, isTerminal)));
    expect(done.map((d) => d.output)).toEqual([{ reversed: "desserts" }, { reversed: "reward" }, { reversed: "tfeW" }]);
    const bad = await until(server, await start(server, "reverse", { text: 7 }), isTerminal);
    expect(bad.status).toBe("failed");
    expect(JSON.stringify(bad.error)).toMatch(/needs/);
  });

  it("re-runs the task of a worker killed mid-task on another worker", async () => {
    const doomed = python({ WEFT_WORKER_ID: "py-doomed", REVERSE_DELAY_S: "60" });
    await doomed.waitFor(/registered/);
    const id = await start(server, "reverse", { text: "crash" });
    await doomed.waitFor(/working on task/);
    doomed.child.kill("SIGKILL");
    const rescuer = python({ WEFT_WORKER_ID: "py-rescuer" });
    const done = await until(server, id, isTerminal, 20_000);
    expect(done).toMatchObject({ status: "completed", output: { reversed: "hsarc" } });
    expect(rescuer.output()).toMatch(/working on task \d+ of .* attempt 1/);
    const events = (await server.api(`/api/instances/${id}/history`)).body.events;
    expect(events.filter((e: { type: string }) => e.type === "TaskScheduled")).toHaveLength(1);
  });
});
