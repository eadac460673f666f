// Narrow enough that a map group around a body node at x = 40 fits the 220 px grid of the examples.
export const RUN_NODE_WIDTH = 164;
export const RUN_NODE_HEIGHT = 62;
export const RUN_MAP_PADDING = { top: 52, side: 14, bottom: 40 };
