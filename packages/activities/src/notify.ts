import { z } from "zod";
import { defineActivity } from "./define-activity.js";
import type { ActivityDefinition } from "./define-activity.js";
import type { ActivityOutbox } from "./outbox.js";

const notifySendInput = z.object({
  to: z.string().min(1).describe("Who gets the message: an address, a team or a channel name."),
  subject: z.string().describe("The message's subject line."),
  body: z.string().describe("The message text."),
});

const notifySendOutput = z.object({
  sent: z.literal(true).describe("Always true: the message is in the outbox."),
  to: z.string().describe("The recipient."),
});

/**
 * `notify.send`: keeps the message in the outbox that the UI shows (no mail leaves
 * the server). Activities run at least once, so a worker crash between the append
 * and the result can list a message twice.
 */
export function createNotifySendActivity(
  outbox: ActivityOutbox,
): ActivityDefinition<z.output<typeof notifySendInput>, z.output<typeof notifySendOutput>> {
  return defineActivity({
    name: "notify.send",
    title: "Send notification",
    description: "Sends a message to a person or team. It is kept in the server's outbox, which the UI lists.",
    category: "Notifications",
    input: notifySendInput,
    output: notifySendOutput,
    run: async ({ to, subject, body }, context) => {
      await outbox.append({ channel: "notify", to, subject, body, instanceId: context.instanceId, taskId: context.taskId });
      return { sent: true as const, to };
    },
  });
}
