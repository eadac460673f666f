import type { NodeType } from "@weft/definition";
import { activity } from "./activity";
import { choice } from "./choice";
import { delay } from "./delay";
import { end } from "./end";
import { fail } from "./fail";
import { join } from "./join";
import type { NodeKind, PaletteGroup } from "./kind";
import { map } from "./map";
import { parallel } from "./parallel";
import { setStatus } from "./set-status";
import { start } from "./start";
import { subWorkflow } from "./sub-workflow";
import { transform } from "./transform";
import { waitForEvent } from "./wait-for-event";

/**
 * Every node type of DEFINITION.md, in palette order. The designer and the run pages both
 * read a kind's look from here; adding a kind is its module plus one line below.
 */
export const NODE_KINDS: Record<NodeType, NodeKind> = {
  start,
  activity,
  parallel,
  join,
  choice,
  map,
  subWorkflow,
  end,
  fail,
  waitForEvent,
  delay,
  transform,
  setStatus,
};

export const PALETTE_GROUPS: readonly PaletteGroup[] = ["Flow", "Waiting", "Data"];

function isNodeType(type: string): type is NodeType {
  return Object.hasOwn(NODE_KINDS, type);
}

/** The kind of a type; an unknown type is drawn and edited as an activity (the validator reports it). */
export function kindOf(type: string): NodeKind {
  return isNodeType(type) ? NODE_KINDS[type] : NODE_KINDS.activity;
}

/** The run drawing's glyph of a type, a dot for an unknown one. */
export function glyphOf(type: string): string {
  return isNodeType(type) ? NODE_KINDS[type].glyph : "•";
}

/** The title of a type, or the type itself when unknown. */
export function titleOf(type: string): string {
  return isNodeType(type) ? NODE_KINDS[type].title : type;
}
