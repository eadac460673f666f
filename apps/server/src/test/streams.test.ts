import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, until } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.api("/api/workflows/steps", {
    method: "PUT",
    json: {
      id: "steps",
      name: "Steps",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "a", type: "activity", activity: "util.sleep", input: '{ "ms": 30 }', position: { x: 200, y: 0 } },
        { id: "gate", type: "waitForEvent", event: "go", position: { x: 400, y: 0 } },
        { id: "b", type: "activity", activity: "util.sleep", input: '{ "ms": 30 }', position: { x: 600, y: 0 } },
        { id: "c", type: "activity", activity: "util.sleep", input: '{ "ms": 30 }', position: { x: 800, y: 0 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "a" },
        { id: "e2", source: "a", target: "gate" },
        { id: "e3", source: "gate", target: "b" },
        { id: "e4", source: "b", target: "c" },
      ],
    },
  });
  await server.api("/api/workflows/steps/publish", { method: "POST" });
});
afterAll(async () => {
  await server?.close();
});

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** Reads an SSE stream until it closes (or `stopAfter` events), parsing events. */
async function readStream(
  url: string,
  options: { lastEventId?: string; stopAfter?: number } = {},
): Promise<{ events: SseEvent[]; closed: boolean }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: options.lastEventId ? { "Last-Event-ID": options.lastEventId } : {},
    signal: controller.signal,
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { events, closed: true };
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = { event: "message", data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event.event = line.slice(7);
        else if (line.startsWith("id: ")) event.id = line.slice(4);
        else if (line.startsWith("data: ")) event.data += line.slice(6);
      }
      if (!event.data) continue;
      event.data = JSON.parse(event.data);
      events.push(event);
      if (options.stopAfter && events.length >= options.stopAfter) {
        controller.abort();
        return { events, closed: false };
      }
    }
  }
}

describe("instance streams", () => {
  it("a client that reconnects mid-run with Last-Event-ID ends with exactly the events of one that never disconnected", async () => {
    const { body } = await server.api("/api/workflows/steps/instances", { method: "POST", json: {} });
    const url = `${server.url}/api/instances/${body.instanceId}/stream`;
    const steady = readStream(url);
    // The interrupted client reads a few events, drops, and resumes from the last id it saw.
    await until(server, body.instanceId, (d) => d.pending?.events?.length === 1);
    const first = await readStream(url, { stopAfter: 4 });
    const lastId = [...first.events].reverse().find((e) => e.id)?.id;
    expect(lastId).toBeDefined();
    const resumedPromise = readStream(url, { lastEventId: lastId as string });
    await server.api(`/api/instances/${body.instanceId}/events/go`, { method: "POST", json: {} });
    const [all, resumed] = await Promise.all([steady, resumedPromise]);
    expect(all.closed).toBe(true);
    expect(resumed.closed).toBe(true);
    const history = (events: SseEvent[]) => events.filter((e) => e.event === "history").map((e) => e.data);
    const stitched = [...history(first.events), ...history(resumed.events)];
    expect(stitched).toEqual(history(all.events));
    expect(history(all.events).map((e) => e.seq)).toEqual(history(all.events).map((_, i) => i + 1));
    expect(all.events[0]).toMatchObject({ event: "status" });
    expect(all.events.at(-1)).toMatchObject({ event: "status", data: { status: "completed" } });
    expect(resumed.events.at(-1)).toMatchObject({ event: "status", data: { status: "completed" } });
  });

  it("closes at once for an instance that already finished, after its history and its status", async () => {
    const { body } = await server.api("/api/workflows/steps/instances", { method: "POST", json: {} });
    await server.api(`/api/instances/${body.instanceId}/terminate`, { method: "POST" });
    await until(server, body.instanceId, (d) => d.status === "terminated");
    const { events, closed } = await readStream(`${server.url}/api/instances/${body.instanceId}/stream`);
    expect(closed).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: "status", data: { status: "terminated" } });
    expect(events.filter((e) => e.event === "history").at(-1)?.data.type).toBe("ExecutionTerminated");
  });

  it("the global stream reports status changes of every instance", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/stream`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const { body } = await server.api("/api/workflows/steps/instances", { method: "POST", json: {} });
    let text = "";
    const deadline = Date.now() + 5000;
    while (!text.includes(body.instanceId) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain("event: instance");
    expect(text).toContain(body.instanceId);
  });
});
