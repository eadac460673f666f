import { nextTurn, TURN_SLICE_MS, turnIsSpent } from "@weft/engine";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLoopShare } from "../event-loop-share.js";
import { startTestServer, type TestServer } from "./harness.js";

/** An app whose one route records that it ran: the handler stands for a request's work. */
function recordingApp(): { app: Hono; ran: () => boolean } {
  let ran = false;
  const app = new Hono();
  app.use("*", eventLoopShare());
  app.get("/work", (c) => {
    ran = true;
    return c.json({ ok: true });
  });
  return { app, ran: () => ran };
}

/** Lets every queued microtask (and those they queue) run, but no macrotask. */
async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** Holds the thread for longer than a slice, as a batch of turns or a SQLite commit does. */
function spendTheTurn(): void {
  turnIsSpent(performance.now());
  const until = performance.now() + TURN_SLICE_MS + 1;
  while (performance.now() < until) {
    // busy: this turn of the event loop has now run a whole slice of work
  }
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("requests share the event loop's turns with the engine", () => {
  it("a request that arrives in a fresh turn runs at once", async () => {
    await macrotask();
    const { app, ran } = recordingApp();
    const response = app.request("/work");
    await drainMicrotasks();
    expect(ran()).toBe(true);
    expect((await response).status).toBe(200);
  });

  it("a request that arrives once the turn has run its slice waits for a later turn, then runs", async () => {
    await macrotask();
    const { app, ran } = recordingApp();
    spendTheTurn();
    const response = app.request("/work");
    await drainMicrotasks();
    // Without the share the handler would have run by now, lengthening this turn (and so
    // delaying the next accept of a new connection: Node accepts one per turn).
    expect(ran()).toBe(false);
    expect((await response).status).toBe(200);
    expect(ran()).toBe(true);
  });

  it("waits one turn, not one per piece of paused work", async () => {
    await macrotask();
    const { app, ran } = recordingApp();
    spendTheTurn();
    // Twenty pieces of paused work (evaluations, batches of turns): one goes on per turn.
    let resumed = 0;
    const paused = Array.from({ length: 20 }, () => nextTurn().then(() => (resumed += 1)));
    const response = app.request("/work");
    await response;
    expect(ran()).toBe(true);
    expect(resumed).toBeLessThanOrEqual(1);
    await Promise.all(paused);
  });
});

describe("the server's app", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("holds a request that arrives in a spent turn until the next one", async () => {
    await macrotask();
    spendTheTurn();
    let answered = false;
    const response = Promise.resolve(server.runtime.web.app.request("/api/health")).then((r) => {
      answered = true;
      return r;
    });
    await drainMicrotasks();
    expect(answered).toBe(false);
    expect((await response).status).toBe(200);
  });
});
