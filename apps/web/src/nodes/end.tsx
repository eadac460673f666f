import { TextField } from "../designer/fields";
import { str, text, type NodeFormProps, type NodeKind } from "./kind";

function EndForm({ settings: s, set }: NodeFormProps) {
  return (
    <TextField
      label="Output expression"
      code
      multiline
      value={str(s.output)}
      placeholder="Default: the previous node's output"
      onChange={(v) => set({ output: v === "" ? undefined : v }, "output")}
    />
  );
}

export const end: NodeKind = {
  type: "end",
  title: "End",
  icon: { d: "M4 4h8v8H4z", fill: true },
  glyph: "■",
  color: "var(--node-end)",
  group: "Flow",
  description: "Finishes the run with an output.",
  outputs: [],
  input: true,
  defaults: {},
  subtitle: (s) => (text(s.output) ? `output ${String(s.output)}` : "run completes"),
  Form: EndForm,
};
