import type { WorkflowDefinition } from "@weft/definition";
import orderProcessing from "../../../../examples/order-processing.json";
import videoPipeline from "../../../../examples/video-pipeline.json";

export interface Template {
  key: string;
  title: string;
  description: string;
  definition: WorkflowDefinition;
}

/** The shipped examples (examples/*.json), bundled so a template opens without the server. */
export const TEMPLATES: readonly Template[] = [
  {
    key: "video-pipeline",
    title: "Video pipeline",
    description: "Scan, copy, transcode every resolution in a map, analyse in parallel, notify.",
    definition: videoPipeline as unknown as WorkflowDefinition,
  },
  {
    key: "order-processing",
    title: "Order flow",
    description: "Save, create documents in parallel, wait for an approval with a timeout, branch on it.",
    definition: orderProcessing as unknown as WorkflowDefinition,
  },
];

/** An empty canvas: the designer tells the person to drag Start from the palette. */
export function blankDefinition(id: string, name: string): WorkflowDefinition {
  return {
    id,
    name,
    trigger: { type: "manual" },
    nodes: [],
    edges: [],
  } as WorkflowDefinition;
}
