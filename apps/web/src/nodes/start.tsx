import type { NodeKind } from "./kind";

function StartForm() {
  return (
    <p className="muted">
      The start node&apos;s output is the instance input. Set the input schema on the workflow (click the empty canvas).
    </p>
  );
}

export const start: NodeKind = {
  type: "start",
  title: "Start",
  icon: { d: "M5 3l8 5-8 5z", fill: true },
  glyph: "▶",
  color: "var(--node-start)",
  group: "Flow",
  description: "Where every run begins; its output is the instance input.",
  outputs: ["next"],
  input: false,
  defaults: {},
  subtitle: () => "when a run starts",
  Form: StartForm,
};
