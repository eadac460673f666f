import type { NewOutboxEntry } from "@weft/workflow-store";
import { describe, expect, it } from "vitest";
import { createStoreOutbox } from "./outbox.js";
import { builtIns, testContext } from "./test-helpers.js";

describe("activities that write to the outbox", () => {
  it("notify.send appends the message with the instance and task, and says it was sent", async () => {
    const { functions, outbox } = builtIns();
    const context = { instanceId: "video-7", taskId: 12 };
    const result = await functions["notify.send"]?.(
      { to: "video-team@example.com", subject: "Video processed", body: "Ready in 3 resolutions." },
      testContext(context),
    );
    expect(result).toEqual({ sent: true, to: "video-team@example.com" });
    expect(outbox.entries).toEqual([
      {
        channel: "notify",
        to: "video-team@example.com",
        subject: "Video processed",
        body: "Ready in 3 resolutions.",
        instanceId: "video-7",
        taskId: 12,
      },
    ]);
  });

  it("notify.send refuses a message without a recipient and writes nothing", async () => {
    const { call, outbox } = builtIns();
    await expect(call("notify.send", { subject: "s", body: "b" })).rejects.toThrow("input.to is required");
    expect(outbox.entries).toEqual([]);
  });

  it("order.sendEmail emails the customer the PDF and video links", async () => {
    const { call, outbox } = builtIns();
    const result = await call(
      "order.sendEmail",
      {
        orderId: "A-1001",
        to: "ada@example.com",
        pdf: { url: "https://files.example.com/orders/A-1001.pdf" },
        video: { url: "https://files.example.com/orders/A-1001.mp4", durationSeconds: 30 },
      },
      { instanceId: "order-1", taskId: 9 },
    );
    expect(result).toEqual({ sent: true, to: "ada@example.com", subject: "Your order A-1001 is confirmed" });
    expect(outbox.entries).toHaveLength(1);
    const [email] = outbox.entries;
    expect(email).toMatchObject({ channel: "email", to: "ada@example.com", instanceId: "order-1", taskId: 9 });
    expect(email?.subject).toMatch(/^Your order A-1001/);
    expect(email?.body).toContain("https://files.example.com/orders/A-1001.pdf");
    expect(email?.body).toContain("https://files.example.com/orders/A-1001.mp4");
  });

  it("order.sendEmail falls back to the saved order's email address", async () => {
    const { call, outbox } = builtIns();
    await call("order.sendEmail", { orderId: "A-2", order: { orderId: "A-2", email: "bo@example.com", customer: "Bo" } });
    expect(outbox.entries[0]).toMatchObject({ channel: "email", to: "bo@example.com" });
    expect(outbox.entries[0]?.body).toContain("Hello Bo");
  });

  it("order.notApproved tells the customer, with the reason", async () => {
    const { call, outbox } = builtIns();
    await expect(call("order.notApproved", { orderId: "A-3", reason: "No decision within 30 minutes" })).resolves.toMatchObject({
      sent: true,
      to: "customer@example.com",
    });
    expect(outbox.entries).toEqual([expect.objectContaining({ channel: "email", subject: "Your order A-3 was not approved" })]);
    expect(outbox.entries[0]?.body).toContain("Reason: No decision within 30 minutes");
  });

  it("a simulated failure happens before the email is written", async () => {
    const { call, outbox } = builtIns({ random: () => 0 });
    await expect(call("order.sendEmail", { orderId: "A-4", failRate: 0.5 })).rejects.toThrow("simulated failure");
    expect(outbox.entries).toEqual([]);
  });

  it("createStoreOutbox appends to the store's outbox with the clock's time", async () => {
    const calls: [NewOutboxEntry, number][] = [];
    const outbox = createStoreOutbox(
      {
        appendOutbox: async (entry, now) => {
          calls.push([entry, now]);
          return { ...entry, id: 1, createdAt: new Date(now).toISOString() };
        },
      },
      () => 1_700_000_000_000,
    );
    await outbox.append({ channel: "notify", to: "x" });
    expect(calls).toEqual([[{ channel: "notify", to: "x" }, 1_700_000_000_000]]);
  });
});
