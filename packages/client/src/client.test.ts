import { describe, expect, it } from "vitest";
import { ApiError, createWeftClient, isApiError } from "./index.js";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return answer(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("createWeftClient", () => {
  it("sends requests to the routes of HTTP-API.md with the bearer token", async () => {
    const { fetch, calls } = fakeFetch(() => json({}));
    const weft = createWeftClient({ baseUrl: "http://host:1/", token: "t0k", fetch });
    await weft.workflows.list();
    await weft.workflows.get("order-processing");
    await weft.workflows.saveDraft("a", { id: "a", name: "A", nodes: [], edges: [] });
    await weft.workflows.publish("a");
    await weft.workflows.getVersion("a", 2);
    await weft.workflows.start("a", { input: { x: 1 } });
    await weft.instances.get("i/1");
    await weft.instances.raiseEvent("i1", "Go", { decision: "Approved" });
    await weft.instances.terminate("i1", "because");
    await weft.instances.list({ status: ["running", "failed"], limit: 10 });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "GET http://host:1/api/workflows",
      "GET http://host:1/api/workflows/order-processing",
      "PUT http://host:1/api/workflows/a",
      "POST http://host:1/api/workflows/a/publish",
      "GET http://host:1/api/workflows/a/versions/2",
      "POST http://host:1/api/workflows/a/instances",
      "GET http://host:1/api/instances/i%2F1",
      "POST http://host:1/api/instances/i1/events/Go",
      "POST http://host:1/api/instances/i1/terminate",
      "GET http://host:1/api/instances?status=running%2Cfailed&limit=10",
    ]);
    expect(calls[0]?.headers.authorization).toBe("Bearer t0k");
    expect(calls[5]?.body).toEqual({ input: { x: 1 } });
    expect(calls[7]?.body).toEqual({ decision: "Approved" });
    expect(calls[8]?.body).toEqual({ reason: "because" });
  });

  it("sends the batch requests: many starts, one event on many instances by ids or by filter", async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith("/batch")
        ? json({ workflowId: "a", version: 3, results: [{ instanceId: "x", status: "started" }] })
        : json({ event: "Go", results: [{ instanceId: "x", status: "raised" }], nextCursor: null }),
    );
    const weft = createWeftClient({ baseUrl: "http://host:1", fetch });
    const started = await weft.workflows.startMany("a", [{ input: 1, instanceId: "x" }, { input: 2 }], { version: 3 });
    expect(started.results).toEqual([{ instanceId: "x", status: "started" }]);
    await weft.workflows.startMany("a", [{}]);
    const raised = await weft.instances.raiseEventOnMany("Go Now", { instanceIds: ["x", "y"] }, { ok: true });
    expect(raised).toMatchObject({ event: "Go", nextCursor: null });
    await weft.instances.raiseEventOnMany("Go", { filter: { workflow: "a", status: ["running"], cursor: "c1" } });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST http://host:1/api/workflows/a/instances/batch",
      "POST http://host:1/api/workflows/a/instances/batch",
      "POST http://host:1/api/events/Go%20Now",
      "POST http://host:1/api/events/Go",
    ]);
    expect(calls.map((c) => c.body)).toEqual([
      { items: [{ input: 1, instanceId: "x" }, { input: 2 }], version: 3 },
      { items: [{}] },
      { instanceIds: ["x", "y"], payload: { ok: true } },
      { filter: { workflow: "a", status: ["running"], cursor: "c1" } },
    ]);
  });

  it("unwraps the list and problem envelopes", async () => {
    const { fetch } = fakeFetch((call) => {
      if (call.url.endsWith("/history?after=3")) return json({ events: [{ seq: 4, type: "TaskScheduled", at: "x" }] });
      if (call.url.endsWith("/validate")) return json({ problems: [{ severity: "error", code: "no-start", message: "m" }] });
      if (call.url.endsWith("/outbox")) return json({ items: [{ id: 1, channel: "email" }] });
      return new Response(null, { status: 204 });
    });
    const weft = createWeftClient({ fetch });
    expect(await weft.instances.history("i", { after: 3 })).toEqual([{ seq: 4, type: "TaskScheduled", at: "x" }]);
    expect(await weft.workflows.validate({})).toHaveLength(1);
    expect(await weft.outbox()).toEqual([{ id: 1, channel: "email" }]);
    await expect(weft.instances.purge("i")).resolves.toBeUndefined();
  });

  it("asks for retry-now, the restart points and a restart from a step", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.includes("/restart-points")) return json({ version: 2, nodeIds: ["pdf", "video"] });
      if (call.url.endsWith("/restart-from")) return json({ instanceId: "i2", workflowId: "w", version: 2, links: {} }, 202);
      return json({ accepted: true }, 202);
    });
    const weft = createWeftClient({ fetch });
    await weft.instances.retryNow("i1", { nodeId: "video", index: 2 });
    await weft.instances.retryNow("i1");
    expect(await weft.instances.restartPoints("i1", 2)).toEqual({ version: 2, nodeIds: ["pdf", "video"] });
    await weft.instances.restartPoints("i1");
    expect(await weft.instances.restartFrom("i1", "video", 2)).toMatchObject({ instanceId: "i2", version: 2 });
    await weft.instances.restartFrom("i1", "video");
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST /api/instances/i1/retry-now",
      "POST /api/instances/i1/retry-now",
      "GET /api/instances/i1/restart-points?version=2",
      "GET /api/instances/i1/restart-points",
      "POST /api/instances/i1/restart-from",
      "POST /api/instances/i1/restart-from",
    ]);
    expect(calls.map((c) => c.body)).toEqual([
      { nodeId: "video", index: 2 },
      {},
      undefined,
      undefined,
      { nodeId: "video", version: 2 },
      { nodeId: "video" },
    ]);
  });

  it("saves a draft with keepalive when asked (the save on closing a tab)", async () => {
    const inits: RequestInit[] = [];
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      inits.push(init ?? {});
      return json({ id: "a", draft: {}, problems: [] });
    }) as typeof globalThis.fetch;
    const weft = createWeftClient({ fetch });
    await weft.workflows.saveDraft("a", { id: "a" }, { keepalive: true });
    await weft.workflows.saveDraft("a", { id: "a" });
    expect(inits.map((i) => [i.method, i.keepalive])).toEqual([
      ["PUT", true],
      ["PUT", undefined],
    ]);
  });

  it("throws an ApiError built from a problem+json answer", async () => {
    const problems = [{ severity: "error", code: "dangling-edge", message: "Edge e1 goes nowhere", edgeId: "e1" }];
    const { fetch } = fakeFetch(
      () =>
        new Response(
          JSON.stringify({
            type: "https://weft.dev/problems/unprocessable-content",
            title: "Unprocessable content",
            status: 422,
            detail: "Fix them",
            problems,
          }),
          {
            status: 422,
            headers: { "content-type": "application/problem+json" },
          },
        ),
    );
    const error = await createWeftClient({ fetch })
      .workflows.publish("a")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 422, title: "Unprocessable content", detail: "Fix them", problems });
  });

  it("throws an ApiError for an answer that is not problem+json", async () => {
    const { fetch } = fakeFetch(() => new Response("upstream down", { status: 502, statusText: "Bad Gateway" }));
    const error = await createWeftClient({ fetch })
      .health()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, title: "Bad Gateway", detail: "upstream down", problems: [] });
  });
});

class FakeEventSource {
  static last: FakeEventSource | undefined;
  listeners = new Map<string, ((event: unknown) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data) });
  }
}

describe("subscribeInstance", () => {
  const summary = (status: string) => ({
    instanceId: "i1",
    workflowId: "w",
    version: 1,
    status,
    customStatus: null,
    waitingFor: [],
    lastError: null,
    createdAt: "",
    updatedAt: "",
    completedAt: null,
  });

  it("delivers history and status, resumes after lastEventId and closes on the terminal status", () => {
    const weft = createWeftClient({ token: "tk", fetch: fakeFetch(() => json({})).fetch, EventSource: FakeEventSource as never });
    const seen: string[] = [];
    let closedCalls = 0;
    const sub = weft.subscribeInstance("i1", {
      lastEventId: 2,
      onHistory: (e) => seen.push(`h${e.seq}`),
      onStatus: (s) => seen.push(s.status),
      onClose: () => closedCalls++,
    });
    const source = FakeEventSource.last!;
    expect(source.url).toBe("/api/instances/i1/stream?after=2&access_token=tk");
    source.emit("status", summary("running"));
    source.emit("history", { seq: 2, type: "X", at: "" });
    source.emit("history", { seq: 3, type: "X", at: "" });
    source.emit("status", summary("completed"));
    expect(seen).toEqual(["running", "h3", "completed"]);
    expect(sub.lastEventId).toBe(3);
    expect(source.closed).toBe(true);
    expect(sub.closed).toBe(true);
    expect(closedCalls).toBe(1);
  });

  it("follows every instance on /api/stream", () => {
    const weft = createWeftClient({ EventSource: FakeEventSource as never });
    const seen: string[] = [];
    const sub = weft.subscribeInstances((s) => seen.push(s.status));
    FakeEventSource.last!.emit("instance", summary("failed"));
    expect(FakeEventSource.last!.url).toBe("/api/stream");
    sub.close();
    expect(FakeEventSource.last!.closed).toBe(true);
    expect(seen).toEqual(["failed"]);
  });
});
