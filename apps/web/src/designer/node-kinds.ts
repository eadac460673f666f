import type { NodeType } from "@weft/definition";

export type PaletteGroup = "Flow" | "Waiting" | "Data";

export interface NodeKind {
  type: NodeType;
  title: string;
  icon: string;
  /** CSS variable with the type's colour. */
  color: string;
  group: PaletteGroup;
  description: string;
  /** Outgoing handles, besides `next` (none for end and fail). */
  outputs: readonly ("next" | "error" | "timeout")[];
  /** False for start: nothing flows into it. */
  input: boolean;
  /** Settings a new node gets, so that its draft still parses. */
  defaults: Record<string, unknown>;
}

/** Every node type of DEFINITION.md, as the palette and the canvas show it. */
export const NODE_KINDS: Record<NodeType, NodeKind> = {
  start: {
    type: "start",
    title: "Start",
    icon: "▶",
    color: "var(--node-start)",
    group: "Flow",
    description: "Where every run begins; its output is the instance input.",
    outputs: ["next"],
    input: false,
    defaults: {},
  },
  activity: {
    type: "activity",
    title: "Activity",
    icon: "⚙",
    color: "var(--node-activity)",
    group: "Flow",
    description: "Runs one catalog activity, with retries and a timeout.",
    outputs: ["next", "error"],
    input: true,
    defaults: { activity: "util.echo" },
  },
  parallel: {
    type: "parallel",
    title: "Parallel",
    icon: "⑃",
    color: "var(--node-flow)",
    group: "Flow",
    description: "Starts every outgoing branch at once; close them with a Join.",
    outputs: ["next"],
    input: true,
    defaults: {},
  },
  join: {
    type: "join",
    title: "Join",
    icon: "⑂",
    color: "var(--node-flow)",
    group: "Flow",
    description: "Waits for the branches of one Parallel (all, or the first).",
    outputs: ["next"],
    input: true,
    defaults: {},
  },
  choice: {
    type: "choice",
    title: "Choice",
    icon: "◇",
    color: "var(--node-flow)",
    group: "Flow",
    description: "Takes the first outgoing edge whose condition holds.",
    outputs: ["next"],
    input: true,
    defaults: {},
  },
  map: {
    type: "map",
    title: "Map",
    icon: "▦",
    color: "var(--node-flow)",
    group: "Flow",
    description: "Runs its body once per item of an array, a few at a time.",
    outputs: ["next", "error"],
    input: true,
    defaults: { items: "[]", maxConcurrency: 10 },
  },
  subWorkflow: {
    type: "subWorkflow",
    title: "Sub-workflow",
    icon: "⧉",
    color: "var(--node-flow)",
    group: "Flow",
    description: "Runs another published workflow and waits for its output.",
    outputs: ["next", "error"],
    input: true,
    defaults: { workflow: "order-processing", version: "latest" },
  },
  end: {
    type: "end",
    title: "End",
    icon: "■",
    color: "var(--node-end)",
    group: "Flow",
    description: "Finishes the run with an output.",
    outputs: [],
    input: true,
    defaults: {},
  },
  fail: {
    type: "fail",
    title: "Fail",
    icon: "✕",
    color: "var(--node-fail)",
    group: "Flow",
    description: "Fails the run with an error code and message.",
    outputs: [],
    input: true,
    defaults: { error: "Failed" },
  },
  waitForEvent: {
    type: "waitForEvent",
    title: "Wait for event",
    icon: "⏸",
    color: "var(--node-wait)",
    group: "Waiting",
    description: "Waits for a named event (or an approval), with an optional timeout.",
    outputs: ["next", "timeout"],
    input: true,
    defaults: { event: "Continue" },
  },
  delay: {
    type: "delay",
    title: "Delay",
    icon: "⏱",
    color: "var(--node-wait)",
    group: "Waiting",
    description: "Waits for a duration, or until a time.",
    outputs: ["next"],
    input: true,
    defaults: { durationMs: 60000 },
  },
  transform: {
    type: "transform",
    title: "Transform",
    icon: "ƒ",
    color: "var(--node-data)",
    group: "Data",
    description: "Sets variables (vars.<name>) from expressions.",
    outputs: ["next"],
    input: true,
    defaults: { assign: {} },
  },
  setStatus: {
    type: "setStatus",
    title: "Set status",
    icon: "✎",
    color: "var(--node-data)",
    group: "Data",
    description: "Sets the instance's custom status.",
    outputs: ["next"],
    input: true,
    defaults: { status: '"working"' },
  },
};

export const PALETTE_GROUPS: readonly PaletteGroup[] = ["Flow", "Waiting", "Data"];

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 72;
/** Padding inside a map group around its body. */
export const MAP_PADDING = { top: 100, side: 28, bottom: 28 };

/** Fit-view padding that keeps the drawing clear of the minimap (bottom right) and the zoom controls. */
export const FIT_PADDING = { top: "40px", left: "60px", right: "40px", bottom: "150px" } as const;

export function kindOf(type: string): NodeKind {
  return NODE_KINDS[type as NodeType] ?? NODE_KINDS.activity;
}

/** "60 s", "30 min", "1.5 h" for a duration in milliseconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} d`;
}
