import type { ActivityInfo } from "@weft/client";
import type { NodeType } from "@weft/definition";
import type { ComponentType } from "react";
import type { WeftNode } from "../designer/mapping";

export type PaletteGroup = "Flow" | "Waiting" | "Data";

/** A drawn SVG icon (not a font glyph: every machine renders it the same). */
export interface NodeIconShape {
  d: string;
  fill?: boolean;
  circle?: boolean;
}

export interface NodeBadge {
  text: string;
  title: string;
}

/** What an inspector form of a kind gets: the node, its settings and a way to change them. */
export interface NodeFormProps {
  node: WeftNode;
  settings: Record<string, unknown>;
  /** Patches the node's settings; edits with the same key within a moment are one undo step. */
  set(patch: Record<string, unknown>, coalesceKey?: string): void;
  activities: readonly ActivityInfo[];
  readOnly: boolean;
}

/**
 * Everything the web app knows about one node type: how it looks in the palette, on the
 * designer's canvas and in a run's drawing, and the inspector form that edits it.
 */
export interface NodeKind {
  type: NodeType;
  title: string;
  /** The designer's icon (palette, canvas, inspector). */
  icon: NodeIconShape;
  /** The text glyph of a run's drawing, whose nodes are smaller and drawn without SVG icons. */
  glyph: string;
  /** CSS variable with the type's colour. */
  color: string;
  group: PaletteGroup;
  description: string;
  /** Outgoing handles, besides `next` (none for end and fail). */
  outputs: readonly ("next" | "error" | "timeout")[];
  /** False for start: nothing flows into it. */
  input: boolean;
  /** Settings a new node gets, so that its draft still parses. */
  defaults: Record<string, unknown>;
  /** The designer's second line of a node: what it runs or waits for, never a repeat of its title. */
  subtitle(settings: Record<string, unknown>): string;
  /** The second line in a run's drawing (narrower nodes, so shorter); the title when absent. */
  runSubtitle?(settings: Record<string, unknown>): string;
  /** Badges of this kind's own settings (retries, timeouts and approvals are shown for every kind). */
  badges?(settings: Record<string, unknown>): NodeBadge[];
  /** The kind's fields in the inspector, below the label; none for kinds without settings. */
  Form?: ComponentType<NodeFormProps>;
}

/** A non-empty trimmed string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value : undefined;
}

/** A string setting for a field's value (undefined when unset or not a string). */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
