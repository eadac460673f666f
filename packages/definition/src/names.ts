import { NODE_TYPE_WORDS } from "./node-types.js";

// How messages name things: the words a person sees on the canvas, not the JSON.
const TYPE_WORDS: ReadonlyMap<string, string> = new Map<string, string>(Object.entries(NODE_TYPE_WORDS));

/** The lower-case word for a node type ("activity", "wait", …), "node" when unknown. */
export function typeWord(type: unknown): string {
  return (typeof type === "string" ? TYPE_WORDS.get(type) : undefined) ?? "node";
}

/** Quotes a user-given name, shortening very long ones so messages stay readable. */
export function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return `'${oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine}'`;
}

export interface NamedNode {
  id: string;
  type?: unknown;
  label?: unknown;
}

/** The name people see on the canvas: the label when there is one, else the id. */
export function displayName(node: NamedNode): string {
  return quote(typeof node.label === "string" && node.label.trim() !== "" ? node.label : node.id);
}

/** "activity 'Create video'" — for the middle of a sentence. */
export function nodeRef(node: NamedNode): string {
  return `${typeWord(node.type)} ${displayName(node)}`;
}

/** "Activity 'Create video'" — for the start of a sentence. */
export function nodeTitle(node: NamedNode): string {
  return capitalize(nodeRef(node));
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "2nd", "3rd" … for branch numbers, counted from one as people count them. */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}
