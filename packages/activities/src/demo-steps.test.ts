import { describe, expect, it } from "vitest";
import { SimulatedFailureError } from "./errors.js";
import { builtIns } from "./test-helpers.js";

const VIDEO_STEPS: [string, Record<string, unknown>][] = [
  ["video.virusScan", { url: "https://uploads.example.com/clip.mp4" }],
  ["video.copyFile", { url: "https://uploads.example.com/clip.mp4" }],
  ["video.extractMetadata", { url: "https://uploads.example.com/clip.mp4", file: { path: "/media/clip.mp4" } }],
  ["video.transcode", { file: { path: "/media/clip.mp4", bytes: 1 }, resolution: 720 }],
  ["video.thumbnail", { file: "/media/clip.mp4" }],
  ["video.analytics", { url: "https://uploads.example.com/clip.mp4", metadata: { durationSeconds: 120 } }],
  ["video.detectVoice", { url: "https://uploads.example.com/clip.mp4" }],
];
const ORDER_STEPS: [string, Record<string, unknown>][] = [
  ["order.save", { orderId: "A-1", customer: "Ada", email: "ada@example.com" }],
  ["order.createPdf", { orderId: "A-1" }],
  ["order.createVideo", { orderId: "A-1" }],
  ["order.sendEmail", { orderId: "A-1", to: "ada@example.com" }],
  ["order.notApproved", { orderId: "A-1", reason: "Out of stock" }],
];
const ALL_STEPS = [...VIDEO_STEPS, ...ORDER_STEPS];

describe("demo steps", () => {
  it("return plausible data that repeats for the same input", async () => {
    const { call } = builtIns();
    const copy = await call("video.copyFile", { url: "https://uploads.example.com/My%20Clip.mp4?sig=1" });
    expect(copy).toEqual({ path: "/media/My-Clip.mp4", bytes: expect.any(Number) });
    expect(await call("video.copyFile", { url: "https://uploads.example.com/My%20Clip.mp4?sig=1" })).toEqual(copy);

    const transcoded = await call("video.transcode", { file: copy, resolution: "480p" });
    expect(transcoded).toEqual({ resolution: 480, path: "/media/My-Clip-480p.mp4", bytes: expect.any(Number) });

    await expect(call("order.createPdf", { orderId: "A-1001" })).resolves.toEqual({
      url: "https://files.example.com/orders/A-1001.pdf",
      pages: expect.any(Number),
    });
    await expect(call("order.createVideo", { order: { orderId: "A-1001" } })).resolves.toMatchObject({
      url: "https://files.example.com/orders/A-1001.mp4",
    });
    await expect(call("order.save", { orderId: "A-1001", customer: "Ada", items: [1, 2] })).resolves.toEqual({
      orderId: "A-1001",
      status: "saved",
      customer: "Ada",
      itemCount: 2,
    });
  });

  it("accept extra fields from a workflow's expression and an absent input", async () => {
    const { call } = builtIns();
    await expect(call("video.virusScan", { url: "https://x.example/a.mp4", uploadedBy: "sam", n: [1] })).resolves.toMatchObject({
      clean: true,
    });
    await expect(call("video.thumbnail", undefined)).resolves.toMatchObject({ path: "/media/video.jpg" });
    await expect(call("video.transcode", {})).rejects.toThrow("input.resolution is required");
  });

  it("never fail with failRate 0 and always fail, retryably, with failRate 1", async () => {
    const { call } = builtIns({ random: () => 0.999_999 });
    for (const [name, input] of ALL_STEPS) {
      await expect(call(name, { ...input, failRate: 0 }), name).resolves.toBeDefined();
      const failure = call(name, { ...input, failRate: 1 });
      await expect(failure, name).rejects.toBeInstanceOf(SimulatedFailureError);
      await expect(failure, name).rejects.toThrow("(simulated failure, failRate 1)");
    }
  });

  it("fail with the probability failRate, decided by the random option", async () => {
    const failing = builtIns({ random: () => 0.29 });
    await expect(failing.call("video.transcode", { resolution: 1080, failRate: 0.3 })).rejects.toThrow(
      "Transcoder busy (simulated failure, failRate 0.3)",
    );
    const passing = builtIns({ random: () => 0.3 });
    await expect(passing.call("video.transcode", { resolution: 1080, failRate: 0.3 })).resolves.toMatchObject({ resolution: 1080 });
  });

  it("fail the first failAttempts attempts, whatever the random option says, then succeed", async () => {
    const { call } = builtIns({ random: () => 0.999_999 });
    const input = { resolution: 720, failAttempts: 2 };
    await expect(call("video.transcode", input, { attempt: 1 })).rejects.toThrow(
      "Transcoder busy (simulated failure, attempt 1 of the first 2 set to fail)",
    );
    await expect(call("video.transcode", input, { attempt: 2 })).rejects.toBeInstanceOf(SimulatedFailureError);
    await expect(call("video.transcode", input, { attempt: 3 })).resolves.toMatchObject({ resolution: 720 });
    await expect(call("order.save", { failAttempts: -1 })).rejects.toThrow("input.failAttempts");
  });

  it("refuse a failRate outside 0..1", async () => {
    const { call } = builtIns();
    await expect(call("order.save", { failRate: 1.5 })).rejects.toThrow("input.failRate must be a number from 0 to 1");
  });

  it("are immediate with demoTimeScale 0, even with a durationMs", async () => {
    const { call } = builtIns({ demoTimeScale: 0 });
    const started = performance.now();
    for (const [name, input] of ALL_STEPS) await call(name, { ...input, durationMs: 60_000 });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("take their realistic time multiplied by demoTimeScale", async () => {
    const { call } = builtIns({ demoTimeScale: 0.05 });
    let started = performance.now();
    await call("video.transcode", { resolution: 1000 }); // (1500 + 1000) × 0.05 = 125 ms
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    started = performance.now();
    await call("video.virusScan", {}); // 800 × 0.05 = 40 ms
    const scan = performance.now() - started;
    expect(scan).toBeGreaterThanOrEqual(35);
    expect(scan).toBeLessThan(115);
  });

  it("take durationMs instead of the realistic time when given", async () => {
    const { call } = builtIns({ demoTimeScale: 1 });
    const started = performance.now();
    await call("order.createVideo", { orderId: "A-1", durationMs: 30 });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(25);
    expect(took).toBeLessThan(1_000);
  });

  it("stop as soon as the attempt's signal aborts", async () => {
    const { call } = builtIns({ demoTimeScale: 1 });
    const controller = new AbortController();
    const started = performance.now();
    const running = call("order.createVideo", { orderId: "A-1", durationMs: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("attempt timed out")), 20);
    await expect(running).rejects.toThrow("attempt timed out");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuse a negative demoTimeScale when the catalog is made", () => {
    expect(() => builtIns({ demoTimeScale: -1 })).toThrow(/demoTimeScale must be a number ≥ 0/);
  });
});
