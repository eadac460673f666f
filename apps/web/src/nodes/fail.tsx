import { TextField } from "../designer/fields";
import { str, text, type NodeFormProps, type NodeKind } from "./kind";

function FailForm({ settings: s, set }: NodeFormProps) {
  return (
    <>
      <TextField
        label="Error code"
        value={str(s.error)}
        onChange={(v) => set({ error: v === "" ? undefined : v }, "error")}
        hint='e.g. "OrderRejected"'
      />
      <TextField
        label="Message expression"
        code
        value={str(s.message)}
        onChange={(v) => set({ message: v === "" ? undefined : v }, "message")}
      />
    </>
  );
}

export const fail: NodeKind = {
  type: "fail",
  title: "Fail",
  icon: { d: "M4 4l8 8M12 4l-8 8" },
  glyph: "✕",
  color: "var(--node-fail)",
  group: "Flow",
  description: "Fails the run with an error code and message.",
  outputs: [],
  input: true,
  defaults: { error: "Failed" },
  subtitle: (s) => (text(s.error) ? `fails with ${String(s.error)}` : "run fails"),
  Form: FailForm,
};
