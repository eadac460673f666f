import type { ActivityInfo } from "@weft/client";
import type { Problem } from "@weft/definition";
import { createContext, useContext } from "react";
import type { ItemDiff } from "./diff";

/** What the canvas draws over the nodes and edges: problems, a diff, the catalog. */
export interface CanvasDecorations {
  nodeProblems: ReadonlyMap<string, Problem[]>;
  edgeProblems: ReadonlyMap<string, Problem[]>;
  nodeDiff?: ReadonlyMap<string, ItemDiff> | undefined;
  edgeDiff?: ReadonlyMap<string, ItemDiff> | undefined;
  activities: ReadonlyMap<string, ActivityInfo>;
}

export const EMPTY_DECORATIONS: CanvasDecorations = { nodeProblems: new Map(), edgeProblems: new Map(), activities: new Map() };

export const CanvasDecorationsContext = createContext<CanvasDecorations>(EMPTY_DECORATIONS);

export function useDecorations(): CanvasDecorations {
  return useContext(CanvasDecorationsContext);
}
