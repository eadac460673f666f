import { NumberField, TextField } from "../designer/fields";
import { str, type NodeFormProps, type NodeKind } from "./kind";

function MapForm({ settings: s, set }: NodeFormProps) {
  return (
    <>
      <TextField
        label="Items (expression giving an array)"
        code
        value={str(s.items)}
        onChange={(v) => set({ items: v }, "items")}
        hint="Inside the body, item and index are in scope."
      />
      <NumberField
        label="Max concurrency"
        min={1}
        value={s.maxConcurrency}
        onChange={(v) => set({ maxConcurrency: v }, "maxConcurrency")}
        hint="Items running at once (default 10)."
      />
    </>
  );
}

export const map: NodeKind = {
  type: "map",
  title: "Map",
  icon: { d: "M2 2h5v5H2zM9 2h5v5H9zM2 9h5v5H2zM9 9h5v5H9z" },
  glyph: "▦",
  color: "var(--node-flow)",
  group: "Flow",
  description: "Runs its body once per item of an array, a few at a time.",
  outputs: ["next", "error"],
  input: true,
  // No items yet: the problems panel asks for the list (a placeholder "[]" ran the body for nothing, unnoticed).
  defaults: { maxConcurrency: 10 },
  subtitle: (s) => `for each of ${String(s.items ?? "?")}`,
  runSubtitle: (s) => `≤ ${String(s.maxConcurrency ?? "∞")} at once`,
  badges: (s) => (typeof s.maxConcurrency === "number" ? [{ text: `≤ ${s.maxConcurrency} at once`, title: "Max concurrency" }] : []),
  Form: MapForm,
};
