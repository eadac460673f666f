import { TextField } from "../designer/fields";
import { str, type NodeFormProps, type NodeKind } from "./kind";

function SetStatusForm({ settings: s, set }: NodeFormProps) {
  return (
    <TextField
      label="Status expression"
      code
      value={str(s.status)}
      onChange={(v) => set({ status: v }, "status")}
      hint='e.g. "Waiting for approval"'
    />
  );
}

export const setStatus: NodeKind = {
  type: "setStatus",
  title: "Set status",
  icon: { d: "M3.5 14.5V2h9l-2 3 2 3h-9" },
  glyph: "✎",
  color: "var(--node-data)",
  group: "Data",
  description: "Sets the instance's custom status.",
  outputs: ["next"],
  input: true,
  defaults: { status: '"working"' },
  subtitle: (s) => `status ${String(s.status ?? "")}`,
  Form: SetStatusForm,
};
