import { useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { formatElapsed, shortJson } from "./status";
import type { TimelineBar } from "./timeline-model";

/** Space kept between the tip and the window's edges, and between the pointer and the tip. */
const MARGIN = 8;
const OFFSET = 14;

/**
 * A hovered bar: what it is, how long it took (or is due in), and its input, result or error.
 * It floats over the page (a portal, fixed to the window) beside the pointer — below it, or
 * above when there is no room — so the timeline card's edge never cuts it off.
 */
export function BarTip({
  bar,
  x,
  y,
  anchor,
  now,
}: {
  bar: TimelineBar;
  /** The pointer, from the canvas's top left corner. */
  x: number;
  y: number;
  /** Where the canvas is in the window. */
  anchor: { left: number; top: number };
  now: number;
}) {
  const tip = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | undefined>();
  useLayoutEffect(() => {
    const el = tip.current;
    if (!el) return;
    const pointerX = anchor.left + x;
    const pointerY = anchor.top + y;
    const left = Math.max(MARGIN, Math.min(pointerX + 12, window.innerWidth - el.offsetWidth - MARGIN));
    const below = pointerY + OFFSET;
    const top = below + el.offsetHeight <= window.innerHeight - MARGIN ? below : Math.max(MARGIN, pointerY - OFFSET - el.offsetHeight);
    setPlace((was) => (was?.left === left && was.top === top ? was : { left, top }));
  }, [anchor.left, anchor.top, x, y, bar]);
  const end = bar.end ?? now;
  const title =
    bar.kind === "attempt" ? `${bar.label} — attempt ${bar.attempt ?? 1}` : bar.kind === "sub" ? `Sub-workflow ${bar.label}` : bar.label;
  return createPortal(
    <div
      ref={tip}
      className="timeline-tip"
      role="tooltip"
      style={{ left: place?.left ?? 0, top: place?.top ?? 0, visibility: place ? "visible" : "hidden" }}
    >
      <div className="timeline-tip-title">{title}</div>
      <div className="muted">
        {bar.status} · {formatElapsed(end - bar.start)}
        {bar.end === null ? " so far" : ""}
        {bar.due !== undefined && bar.end === null ? ` · due in ${formatElapsed(bar.due - now)}` : ""}
      </div>
      {bar.input !== undefined ? (
        <div>
          <b>input</b> <code>{shortJson(bar.input, 220)}</code>
        </div>
      ) : null}
      {bar.result !== undefined ? (
        <div>
          <b>result</b> <code>{shortJson(bar.result, 220)}</code>
        </div>
      ) : null}
      {bar.error !== undefined ? (
        <div className="tip-error">
          <b>error</b> <code>{shortJson(bar.error, 220)}</code>
        </div>
      ) : null}
    </div>,
    document.body,
  );
}
