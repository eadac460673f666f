/** "3 min ago", "2 h ago", or a date: for "last change" columns. */
export function timeAgo(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const s = Math.round((now - then) / 1000);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(then).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** A trigger as a short phrase: "Manual", "Webhook /new-purchase", "Schedule 0 9 * * 1". */
export function describeTrigger(trigger: unknown): string {
  const t = (trigger ?? { type: "manual" }) as { type?: string; path?: string; cron?: string };
  if (t.type === "webhook") return `Webhook /${t.path ?? ""}`;
  if (t.type === "schedule") return `Schedule ${t.cron ?? ""}`;
  return "Manual";
}

/** A workflow id from a name: "Process order!" → "process-order". */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50);
  return slug || "workflow";
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

/** "1 run", "3 runs", "3+ runs": a count with its noun. */
export function countOf(count: number | string, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
