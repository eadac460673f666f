import type { HistoryEvent } from "@weft/client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, useState } from "react";
import { formatElapsed, shortJson } from "./status";

function detailOf(event: HistoryEvent): string {
  if (event.error) return `${event.error.name}: ${event.error.message}`;
  if (event.result !== undefined) return shortJson(event.result);
  if (event.fireAt) return `fires at ${new Date(event.fireAt).toLocaleTimeString()}`;
  if (event.input !== undefined) return shortJson(event.input);
  return "";
}

/** Every history event, virtualised (TanStack Virtual); a row expands to the event's JSON. */
export function HistoryTable({ events, origin }: { events: readonly HistoryEvent[]; origin?: string }) {
  const parentRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const start = origin ? Date.parse(origin) : events.length ? Date.parse(events[0]?.at ?? "") : 0;
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => parentRef.current,
    estimateSize: (i) => (open.has(events[i]?.seq ?? -1) ? 220 : 30),
    overscan: 12,
    getItemKey: (i) => events[i]?.seq ?? i,
  });
  const toggle = (seq: number) =>
    setOpen((old) => {
      const next = new Set(old);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  const items = virtualizer.getVirtualItems();
  // Without layout (tests), show the first rows plainly.
  const rows = items.length ? items : events.slice(0, 30).map((_, index) => ({ index, start: index * 30, key: index }));
  return (
    <div className="history" role="region" aria-label="History">
      <div className="history-row history-head" aria-hidden="true">
        <span>#</span>
        <span>Event</span>
        <span>Node</span>
        <span>At</span>
        <span>Details</span>
      </div>
      <div ref={parentRef} className="history-scroll" data-testid="history-scroll">
        <div style={{ height: virtualizer.getTotalSize() || rows.length * 30, position: "relative" }}>
          {rows.map((item) => {
            const event = events[item.index];
            if (!event) return null;
            const expanded = open.has(event.seq);
            const nodeId = typeof event.tags?.nodeId === "string" ? event.tags.nodeId : "";
            const index = typeof event.tags?.index === "number" ? `[${event.tags.index}]` : "";
            return (
              <div
                key={event.seq}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={`history-item ${event.error ? "has-error" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              >
                <button
                  type="button"
                  className="history-row history-toggle"
                  aria-expanded={expanded}
                  aria-label={`Event ${event.seq} ${event.type}${nodeId ? ` on ${nodeId}` : ""}`}
                  onClick={() => toggle(event.seq)}
                >
                  <span className="mono">{event.seq}</span>
                  <span>
                    {expanded ? "▾" : "▸"} {event.type}
                    {event.name ? <span className="muted"> {event.name}</span> : null}
                    {event.attempt && event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}
                  </span>
                  <span className="mono">
                    {nodeId}
                    {index}
                  </span>
                  <span className="muted" title={event.at}>
                    +{formatElapsed(Date.parse(event.at) - start)}
                  </span>
                  <span className="history-detail" title={detailOf(event)}>
                    {detailOf(event)}
                  </span>
                </button>
                {expanded ? <pre className="json history-json">{JSON.stringify(event, null, 2)}</pre> : null}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
