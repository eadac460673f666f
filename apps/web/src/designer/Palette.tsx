import type { ActivityInfo } from "@weft/client";
import { useMemo, useState } from "react";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { NodeIcon } from "../nodes/NodeIcon";
import { PALETTE_MIME, paletteSections } from "./palette-items";

/** Every node type and catalog activity: drag onto the canvas, or click to add after the selection. */
export function Palette({ activities, loading }: { activities: readonly ActivityInfo[]; loading: boolean }) {
  const store = useDesignerStore();
  const [query, setQuery] = useState("");
  const sections = useMemo(() => paletteSections(activities, query), [activities, query]);
  const selectedId = useDesigner((s) => {
    const selected = s.nodes.filter((n) => n.selected);
    return selected.length === 1 ? selected[0]!.id : undefined;
  });

  return (
    <aside className="palette" aria-label="Palette">
      <div className="palette-search">
        <input
          type="search"
          aria-label="Search the palette"
          placeholder="Search nodes and activities"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <p className="palette-tip">
          {selectedId ? "Click to add after the selected node, or drag onto the canvas." : "Drag onto the canvas, or click to add."}
        </p>
      </div>
      <div className="palette-sections">
        {sections.map((section) => (
          <section key={section.title} aria-label={section.title}>
            <h3 className="palette-heading">{section.title}</h3>
            <ul className="palette-list">
              {section.items.map((item) => (
                <li key={item.key}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    aria-label={item.data.type === "activity" && item.data.settings ? `${item.title} (${item.hint})` : item.title}
                    title={
                      item.source
                        ? `${item.hint} · ${item.source === "project" ? "project activity (weft.config)" : "remote worker"}`
                        : item.hint
                    }
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item.data));
                      e.dataTransfer.effectAllowed = "copy";
                    }}
                    onClick={() => {
                      const s = store.getState();
                      const opts: Parameters<typeof s.addNode>[1] = { ...(item.data.settings ? { settings: item.data.settings } : {}) };
                      if (selectedId) opts.after = selectedId;
                      else {
                        const right = s.nodes.filter((n) => !n.parentId).reduce((m, n) => Math.max(m, n.position.x + 300), 0);
                        opts.position = { x: right, y: 100 };
                      }
                      s.addNode(item.data.type, opts);
                    }}
                  >
                    <span className="palette-icon" style={{ background: item.color }} aria-hidden="true">
                      <NodeIcon type={item.data.type} size={14} />
                    </span>
                    <span className="palette-text">
                      <span className="palette-title">
                        {item.title}
                        {item.source ? (
                          <span className={`palette-source palette-source-${item.source}`} data-testid={`source-${item.hint}`}>
                            {item.source}
                          </span>
                        ) : null}
                      </span>
                      {item.data.settings ? <span className="palette-hint">{item.hint}</span> : null}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {loading ? <p className="muted palette-note">Loading the activity catalog…</p> : null}
        {sections.length === 0 ? <p className="muted palette-note">Nothing matches “{query}”.</p> : null}
      </div>
    </aside>
  );
}
