/** Sizes of the designer's nodes; layout, mapping and the canvas agree on them. */
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 72;
/** Padding inside a map group around its body. */
export const MAP_PADDING = { top: 100, side: 28, bottom: 28 };

/** Fit-view padding that keeps the drawing clear of the minimap (bottom right) and the zoom controls. */
export const FIT_PADDING = { top: "40px", left: "60px", right: "40px", bottom: "150px" } as const;
