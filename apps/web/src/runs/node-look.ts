/** Icons per node type for the read-only drawing (the designer keeps its own; see README). */
const ICONS: Record<string, string> = {
  start: "▶",
  activity: "⚙",
  parallel: "⇉",
  join: "⋈",
  choice: "◇",
  map: "▦",
  subWorkflow: "↳",
  end: "■",
  fail: "✕",
  waitForEvent: "‖",
  delay: "◷",
  transform: "ƒ",
  setStatus: "✎",
};

const TITLES: Record<string, string> = {
  start: "Start",
  activity: "Activity",
  parallel: "Parallel",
  join: "Join",
  choice: "Choice",
  map: "Map",
  subWorkflow: "Sub-workflow",
  end: "End",
  fail: "Fail",
  waitForEvent: "Wait for event",
  delay: "Delay",
  transform: "Transform",
  setStatus: "Set status",
};

export function nodeIcon(type: string): string {
  return ICONS[type] ?? "•";
}

export function nodeTitle(type: string): string {
  return TITLES[type] ?? type;
}

// Narrow enough that a map group around a body node at x = 40 fits the 220 px grid of the examples.
export const RUN_NODE_WIDTH = 164;
export const RUN_NODE_HEIGHT = 62;
export const RUN_MAP_PADDING = { top: 52, side: 14, bottom: 40 };
