import type { ActivityInfo } from "@weft/client";
import { NODE_KINDS, PALETTE_GROUPS } from "../nodes/registry";

export const PALETTE_MIME = "application/x-weft-palette";

/** What a palette item puts on the canvas. */
export interface PaletteItemData {
  type: string;
  settings?: Record<string, unknown>;
}

export interface PaletteItem {
  key: string;
  title: string;
  hint: string;
  color: string;
  data: PaletteItemData;
  search: string;
  /** Where an activity runs when it is not built in: the project's weft.config or a remote worker. */
  source?: "project" | "remote";
}

export interface PaletteSection {
  title: string;
  items: PaletteItem[];
}

/** Node types by group, then every catalog activity by category; filtered by a search text. */
export function paletteSections(activities: readonly ActivityInfo[], query: string): PaletteSection[] {
  const sections: PaletteSection[] = PALETTE_GROUPS.map((group) => ({
    title: group,
    items: Object.values(NODE_KINDS)
      .filter((k) => k.group === group)
      .map((k) => ({
        key: k.type,
        title: k.title,
        hint: k.description,
        color: k.color,
        data: { type: k.type },
        search: `${k.title} ${k.type} ${k.description}`.toLowerCase(),
      })),
  }));
  const byCategory = new Map<string, PaletteItem[]>();
  for (const a of activities) {
    const list = byCategory.get(a.category) ?? [];
    list.push({
      key: `activity:${a.name}`,
      title: a.title,
      hint: a.name,
      color: NODE_KINDS.activity.color,
      data: { type: "activity", settings: { label: a.title, activity: a.name } },
      search: `${a.title} ${a.name} ${a.description} ${a.category} ${a.source ?? ""}`.toLowerCase(),
      ...(a.source === "project" || a.source === "remote" ? { source: a.source } : {}),
    });
    byCategory.set(a.category, list);
  }
  for (const [category, items] of byCategory) sections.push({ title: `Activities · ${category}`, items });
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return sections
    .map((s) => ({ ...s, items: s.items.filter((i) => words.every((w) => i.search.includes(w) || s.title.toLowerCase().includes(w))) }))
    .filter((s) => s.items.length > 0);
}
