import { SelectField } from "../designer/fields";
import { str, type NodeFormProps, type NodeKind } from "./kind";

function JoinForm({ settings: s, set }: NodeFormProps) {
  return (
    <SelectField
      label="Join mode"
      value={str(s.mode) ?? "all"}
      onChange={(v) => set({ mode: v })}
      options={[
        { value: "all", label: "All branches" },
        { value: "any", label: "The first branch" },
      ]}
    />
  );
}

export const join: NodeKind = {
  type: "join",
  title: "Join",
  icon: { d: "M2 4h4.5L10 8h4M2 12h4.5L10 8" },
  glyph: "⋈",
  color: "var(--node-flow)",
  group: "Flow",
  description: "Waits for the branches of one Parallel (all, or the first).",
  outputs: ["next"],
  input: true,
  defaults: {},
  subtitle: (s) => (s.mode === "any" ? "waits for the first branch" : "waits for every branch"),
  badges: (s) => (s.mode === "any" ? [{ text: "first", title: "Join mode: any (the first branch)" }] : []),
  Form: JoinForm,
};
