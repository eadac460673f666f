import type { ActivityContext } from "@weft/engine";
import { z } from "zod";
import type { ActivityDefinition } from "./define-activity.js";
import { defineDemoStep, stableHash } from "./demo-step.js";
import type { DemoOptions } from "./demo-step.js";
import type { ActivityOutbox } from "./outbox.js";

const CATEGORY = "Order demo";
const FILES = "https://files.example.com/orders";
const DEFAULT_RECIPIENT = "customer@example.com";

const orderId = z
  .union([z.string().min(1), z.number()])
  .optional()
  .describe('The order\'s id, e.g. "A-1001" (default: one made from the instance id).');
const order = z
  .looseObject({
    orderId: z.union([z.string(), z.number()]).optional().describe("The order's id."),
    customer: z.string().optional().describe("The customer's name."),
    email: z.string().optional().describe("The customer's email address."),
  })
  .optional()
  .describe("The saved order: the output of Save order.");
const link = (what: string) =>
  z
    .union([z.string(), z.looseObject({ url: z.string().describe(`Where the ${what} is.`) })])
    .optional()
    .describe(`The ${what}: the output of its step, or its URL.`);
const to = z.string().optional().describe(`The customer's email address (default: the order's email, else ${DEFAULT_RECIPIENT}).`);
const url = (what: string) => z.string().describe(`Where the ${what} can be downloaded.`);
const emailResult = z.object({
  sent: z.literal(true).describe("Always true: the email is in the outbox."),
  to: z.string().describe("The recipient."),
  subject: z.string().describe("The email's subject."),
});

export interface OrderOptions extends DemoOptions {
  outbox: ActivityOutbox;
}

type OrderRef = {
  orderId?: string | number | undefined;
  order?: { orderId?: string | number | undefined; customer?: string | undefined; email?: string | undefined } | undefined;
};

function orderIdOf(input: OrderRef, context: ActivityContext): string {
  const id = input.orderId ?? input.order?.orderId;
  if (id !== undefined && id !== "") return String(id);
  return `ORD-${stableHash(context.instanceId).toString(36).toUpperCase()}`;
}

function linkOf(value: string | { url: string } | undefined, fallback: string): string {
  return typeof value === "string" ? value : (value?.url ?? fallback);
}

export function createOrderActivities(options: OrderOptions): ActivityDefinition[] {
  return [save(options), createPdf(options), createVideo(options), sendEmail(options), notApproved(options)];
}

function save(options: OrderOptions) {
  return defineDemoStep(
    {
      name: "order.save",
      title: "Save order",
      description: "Stores the order in the order database (demo: about 0.3 s).",
      category: CATEGORY,
      fields: {
        orderId,
        customer: z.string().optional().describe("The customer's name."),
        email: z.string().optional().describe("The customer's email address."),
        items: z.array(z.unknown()).optional().describe("The ordered items."),
      },
      output: z.looseObject({
        orderId: z.string().describe("The order's id."),
        status: z.literal("saved").describe('Always "saved".'),
        customer: z.string().optional().describe("The customer's name."),
        email: z.string().optional().describe("The customer's email address."),
        itemCount: z.number().int().describe("How many items the order has."),
      }),
      durationMs: 300,
      failure: "Order database unavailable",
      result: (input, context) => {
        const saved: { orderId: string; status: "saved"; customer?: string; email?: string; itemCount: number } = {
          orderId: orderIdOf(input, context),
          status: "saved",
          itemCount: input.items?.length ?? 0,
        };
        if (input.customer !== undefined) saved.customer = input.customer;
        if (input.email !== undefined) saved.email = input.email;
        return saved;
      },
    },
    options,
  );
}

function createPdf(options: OrderOptions) {
  return defineDemoStep(
    {
      name: "order.createPdf",
      title: "Create PDF",
      description: "Renders the order's invoice as a PDF (demo: about 0.7 s).",
      category: CATEGORY,
      fields: { orderId, order },
      output: z.object({ url: url("PDF"), pages: z.number().int().describe("Number of pages.") }),
      durationMs: 700,
      failure: "PDF renderer busy",
      result: (input, context) => {
        const id = orderIdOf(input, context);
        return { url: `${FILES}/${encodeURIComponent(id)}.pdf`, pages: 1 + (stableHash(id) % 3) };
      },
    },
    options,
  );
}

function createVideo(options: OrderOptions) {
  return defineDemoStep(
    {
      name: "order.createVideo",
      title: "Create video",
      description: "Renders a personalised video of the order (demo: about 1.5 s).",
      category: CATEGORY,
      fields: { orderId, order },
      output: z.object({ url: url("video"), durationSeconds: z.number().describe("Length in seconds.") }),
      durationMs: 1500,
      failure: "Video renderer busy",
      result: (input, context) => {
        const id = orderIdOf(input, context);
        return { url: `${FILES}/${encodeURIComponent(id)}.mp4`, durationSeconds: 20 + (stableHash(id) % 40) };
      },
    },
    options,
  );
}

function sendEmail(options: OrderOptions) {
  const { outbox } = options;
  return defineDemoStep(
    {
      name: "order.sendEmail",
      title: "Send confirmation email",
      description: "Emails the customer the order's PDF and video links (kept in the server's outbox; demo: about 0.3 s).",
      category: CATEGORY,
      fields: { orderId, to, order, pdf: link("PDF"), video: link("video") },
      output: emailResult,
      durationMs: 300,
      failure: "Mail server unavailable",
      result: async (input, context) => {
        const id = orderIdOf(input, context);
        const recipient = input.to ?? input.order?.email ?? DEFAULT_RECIPIENT;
        const subject = `Your order ${id} is confirmed`;
        const pdf = linkOf(input.pdf, `${FILES}/${encodeURIComponent(id)}.pdf`);
        const video = linkOf(input.video, `${FILES}/${encodeURIComponent(id)}.mp4`);
        const body =
          `Hello ${input.order?.customer ?? "there"},\n\n` +
          `your order ${id} is confirmed. Thank you!\n\n` +
          `Invoice (PDF): ${pdf}\nYour order video: ${video}\n`;
        await outbox.append({ channel: "email", to: recipient, subject, body, instanceId: context.instanceId, taskId: context.taskId });
        return { sent: true as const, to: recipient, subject };
      },
    },
    options,
  );
}

function notApproved(options: OrderOptions) {
  const { outbox } = options;
  return defineDemoStep(
    {
      name: "order.notApproved",
      title: "Tell customer: not approved",
      description: "Emails the customer that the order was not approved, with the reason (kept in the server's outbox; demo: about 0.3 s).",
      category: CATEGORY,
      fields: {
        orderId,
        to,
        order,
        reason: z.string().optional().describe("Why the order was not approved; shown to the customer."),
      },
      output: emailResult,
      durationMs: 300,
      failure: "Mail server unavailable",
      result: async (input, context) => {
        const id = orderIdOf(input, context);
        const recipient = input.to ?? input.order?.email ?? DEFAULT_RECIPIENT;
        const subject = `Your order ${id} was not approved`;
        const body =
          `Hello ${input.order?.customer ?? "there"},\n\n` +
          `we are sorry: your order ${id} was not approved.\n` +
          (input.reason !== undefined && input.reason !== "" ? `Reason: ${input.reason}\n` : "") +
          "\nNothing has been charged. Reply to this email if you have questions.\n";
        await outbox.append({ channel: "email", to: recipient, subject, body, instanceId: context.instanceId, taskId: context.taskId });
        return { sent: true as const, to: recipient, subject };
      },
    },
    options,
  );
}
