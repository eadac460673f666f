import type { NodeKind } from "./kind";

export const parallel: NodeKind = {
  type: "parallel",
  title: "Parallel",
  icon: { d: "M2 8h4M6 8l3.5-4H14M6 8l3.5 4H14" },
  glyph: "⇉",
  color: "var(--node-flow)",
  group: "Flow",
  description: "Starts every outgoing branch at once; close them with a Join.",
  outputs: ["next"],
  input: true,
  defaults: {},
  subtitle: () => "runs branches side by side",
};
