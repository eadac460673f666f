import type { ActivityFunction, OrchestrationContext } from "@weft/engine";
import { TimeoutError } from "@weft/engine";

/**
 * The order pipeline from the talk Weft grew from, written against the engine
 * API: save the order, make the PDF and the video in parallel (the video with
 * retries), wait up to 30 minutes for a person's approval, then email the
 * customer or record that the order was not approved.
 */
export interface Order {
  id: string;
  customer: string;
  email: string;
  items: { sku: string; quantity: number }[];
}

export interface ApprovalResult {
  decision: "Approved" | "Rejected";
  comment?: string;
}

export const APPROVAL_EVENT = "OrderApprovalResult";
export const APPROVAL_TIMEOUT_MS = 30 * 60 * 1000;

export function* processOrder(ctx: OrchestrationContext, order: Order) {
  yield ctx.callActivity("order.save", order);
  ctx.setCustomStatus("Creating the PDF and the video");
  const [pdf, video]: [string, string] = yield ctx.all([
    ctx.callActivity<string>("order.createPdf", order),
    ctx.callActivity<string>("order.createVideo", order, {
      retry: { maxAttempts: 3, firstIntervalMs: 30_000, backoffCoefficient: 2 },
    }),
  ]);

  ctx.setCustomStatus("Waiting for approval");
  let approval: ApprovalResult | "TimedOut";
  try {
    approval = yield ctx.waitForEvent<ApprovalResult>(APPROVAL_EVENT, {
      timeoutMs: APPROVAL_TIMEOUT_MS,
      tags: { approval: "Approve order" },
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    approval = "TimedOut";
  }

  if (approval === "TimedOut" || approval.decision !== "Approved") {
    const reason = approval === "TimedOut" ? "No approval within 30 minutes" : `Rejected: ${approval.comment ?? ""}`;
    yield ctx.callActivity("order.notApproved", { order, reason });
    ctx.setCustomStatus("Not approved");
    return { orderId: order.id, status: "not approved", reason };
  }
  yield ctx.callActivity("order.sendEmail", { to: order.email, pdf, video });
  ctx.setCustomStatus("Done");
  return { orderId: order.id, status: "processed", pdf, video };
}

/** In-process stand-ins for the order steps; the outbox shows what "email" sent. */
export function createOrderActivities(outbox: unknown[] = []): Record<string, ActivityFunction> {
  return {
    "order.save": (order: Order) => ({ saved: order.id }),
    "order.createPdf": (order: Order) => `pdfs/${order.id}.pdf`,
    "order.createVideo": (order: Order) => `videos/${order.id}.mp4`,
    "order.sendEmail": (message: { to: string; pdf: string; video: string }) => {
      outbox.push({ kind: "email", ...message });
      return { sent: true };
    },
    "order.notApproved": (input: { order: Order; reason: string }) => {
      outbox.push({ kind: "not-approved", orderId: input.order.id, reason: input.reason });
      return { recorded: true };
    },
  };
}
