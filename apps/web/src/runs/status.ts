import type { InstanceStatus } from "@weft/client";
import type { NodeStatus } from "@weft/definition";

export const INSTANCE_STATUSES: readonly InstanceStatus[] = ["pending", "running", "suspended", "completed", "failed", "terminated"];

/** The theme variable that colours an instance status (chips) — through CSS variables only. */
export function instanceStatusColor(status: string): string {
  switch (status) {
    case "running":
    case "pending":
      return "var(--state-running)";
    case "suspended":
      return "var(--state-waiting)";
    case "completed":
      return "var(--state-succeeded)";
    case "failed":
      return "var(--state-failed)";
    default:
      return "var(--state-skipped)";
  }
}

/** The theme variable name (without var()) of a node state, for CSS and for the canvas timeline. */
export function nodeStatusVar(status: NodeStatus | string): string {
  switch (status) {
    case "running":
      return "--state-running";
    case "waiting":
      return "--state-waiting";
    case "retrying":
      return "--state-retrying";
    case "succeeded":
      return "--state-succeeded";
    case "failed":
      return "--state-failed";
    case "cancelled":
      return "--state-cancelled";
    case "skipped":
      return "--state-skipped";
    default:
      return "--state-idle";
  }
}

export const ACTIVE_NODE_STATUSES: ReadonlySet<string> = new Set(["running", "waiting", "retrying"]);

/** "850 ms", "12.4 s", "3 min 20 s", "2 h 5 min". */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  if (m < 1440) return `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

/** A short one-line rendering of any JSON value, for table cells. */
export function shortJson(value: unknown, max = 80): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
