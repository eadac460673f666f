import { formatElapsed, shortJson } from "./status";
import type { TimelineBar } from "./timeline-model";

/** A hovered bar: what it is, how long it took (or is due in), and its input, result or error. */
export function BarTip({ bar, x, y, width, now }: { bar: TimelineBar; x: number; y: number; width: number; now: number }) {
  const end = bar.end ?? now;
  const left = Math.min(x + 12, width - 340);
  const title =
    bar.kind === "attempt" ? `${bar.label} — attempt ${bar.attempt ?? 1}` : bar.kind === "sub" ? `Sub-workflow ${bar.label}` : bar.label;
  return (
    <div className="timeline-tip" role="tooltip" style={{ left: Math.max(0, left), top: y + 14 }}>
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
    </div>
  );
}
