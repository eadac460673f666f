import { useState } from "react";
import { CheckField, NumberField, TextField } from "../designer/fields";
import { formatDuration } from "../ui/format";
import type { NodeFormProps, NodeKind } from "./kind";

function WaitForEventForm({ settings: s, set }: NodeFormProps) {
  const approval = s.approval as { title?: string; choices?: string[] } | undefined;
  // The text as typed: splitting it on every keystroke would eat a trailing comma.
  const [choicesText, setChoicesText] = useState((approval?.choices ?? ["Approved", "Rejected"]).join(", "));
  return (
    <>
      <TextField
        label="Event name"
        value={typeof s.event === "string" ? s.event : ""}
        onChange={(v) => set({ event: v }, "event")}
        hint="POST /api/instances/<id>/events/<name> raises it."
      />
      <NumberField
        label="Timeout (ms)"
        min={1}
        value={s.timeoutMs}
        onChange={(v) => set({ timeoutMs: v }, "timeoutMs")}
        hint={
          typeof s.timeoutMs === "number" ? `${formatDuration(s.timeoutMs)}; connect the On timeout handle to handle it` : "Waits forever"
        }
      />
      <fieldset className="subform">
        <legend>Approval</legend>
        <CheckField
          label="Ask a person to approve"
          checked={approval !== undefined}
          onChange={(on) => set({ approval: on ? { title: "Approve", choices: ["Approved", "Rejected"] } : undefined })}
        />
        {approval ? (
          <>
            <TextField
              label="Approval title"
              value={approval.title}
              onChange={(v) => set({ approval: { ...approval, title: v } }, "approvalTitle")}
            />
            <TextField
              label="Choices (comma-separated)"
              value={choicesText}
              onChange={(v) => {
                setChoicesText(v);
                set(
                  {
                    approval: {
                      ...approval,
                      choices: v
                        .split(",")
                        .map((c) => c.trim())
                        .filter(Boolean),
                    },
                  },
                  "approvalChoices",
                );
              }}
              hint="Each becomes a button in Approvals; the payload is {decision}."
            />
          </>
        ) : null}
      </fieldset>
    </>
  );
}

export const waitForEvent: NodeKind = {
  type: "waitForEvent",
  title: "Wait for event",
  icon: { d: "M2 4h12v8H2zM2 4l6 5 6-5" },
  glyph: "‖",
  color: "var(--node-wait)",
  group: "Waiting",
  description: "Waits for a named event (or an approval), with an optional timeout.",
  outputs: ["next", "timeout"],
  input: true,
  defaults: { event: "Continue" },
  subtitle: (s) => `event ${String(s.event ?? "?")}`,
  runSubtitle: (s) => `event ${String(s.event ?? "")}`,
  Form: WaitForEventForm,
};
