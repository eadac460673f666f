import { NumberField, TextField } from "../designer/fields";
import { formatDuration } from "../ui/format";
import { str, text, type NodeFormProps, type NodeKind } from "./kind";

function DelayForm({ settings: s, set }: NodeFormProps) {
  return (
    <>
      <NumberField
        label="Duration (ms)"
        min={1}
        value={s.durationMs}
        onChange={(v) => set({ durationMs: v }, "durationMs")}
        hint={typeof s.durationMs === "number" ? formatDuration(s.durationMs) : "Or wait until a time:"}
      />
      <TextField
        label="Until (expression giving an ISO time)"
        code
        value={str(s.until)}
        placeholder="e.g. input.sendAt"
        onChange={(v) => set({ until: v === "" ? undefined : v }, "until")}
      />
    </>
  );
}

export const delay: NodeKind = {
  type: "delay",
  title: "Delay",
  icon: { d: "M8 4.5V8l2.5 2", circle: true },
  glyph: "◷",
  color: "var(--node-wait)",
  group: "Waiting",
  description: "Waits for a duration, or until a time.",
  outputs: ["next"],
  input: true,
  defaults: { durationMs: 60000 },
  subtitle: (s) =>
    typeof s.durationMs === "number" ? `waits ${formatDuration(s.durationMs)}` : text(s.until) ? `until ${String(s.until)}` : "waits",
  Form: DelayForm,
};
