import { describe, expect, it } from "vitest";
import { READABLE_ZOOM, rowsFor } from "./layout";

describe("how many rows auto-layout wraps a drawing into (issue 17, item 10)", () => {
  const view = { width: 860, height: 600 };

  it("keeps one row while it reads at a readable zoom", () => {
    expect(rowsFor(1000, 200, view)).toBe(1);
  });

  it("wraps a long pipeline into the fewest rows that read, as long as the view allows", () => {
    // The video pipeline laid out in one row: ~3,300 × 400 px.
    const rows = rowsFor(3300, 400, view);
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(3);
    // Wrapped, each row is at least as wide as the view shows at that zoom: no three-node snake.
    const zoom = Math.min(view.width / (3300 / rows), view.height / (rows * 400 + (rows - 1) * 60));
    expect((3300 / rows) * zoom).toBeGreaterThan(view.width * 0.6);
  });

  it("shows a 60-step chain as large as it can be when no count of rows is readable", () => {
    const rows = rowsFor(60 * 300, 120, view);
    const zoomFor = (r: number) => Math.min(view.width / ((60 * 300) / r), view.height / (r * 120 + (r - 1) * 60));
    for (let r = 1; r <= 12; r++) expect(zoomFor(rows)).toBeGreaterThanOrEqual(zoomFor(r) - 1e-9);
    expect(zoomFor(rows)).toBeLessThan(READABLE_ZOOM);
  });
});
