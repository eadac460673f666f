import type { ActivityInfo } from "@weft/client";
import type { Problem } from "@weft/definition";
import { useShallow } from "zustand/react/shallow";
import { DocumentForm } from "./DocumentForm";
import { useDesigner } from "./DesignerStoreContext";
import { EdgeForm } from "./EdgeForm";
import { NodeForm } from "./NodeForm";

export interface InspectorProps {
  activities: readonly ActivityInfo[];
  problems: readonly Problem[];
}

/** The form for the selected node or edge, or the workflow's own settings when nothing is selected. */
export function Inspector({ activities, problems }: InspectorProps) {
  const selectedNodes = useDesigner(useShallow((s) => s.nodes.filter((n) => n.selected)));
  const selectedEdges = useDesigner(useShallow((s) => s.edges.filter((e) => e.selected)));
  const readOnly = useDesigner((s) => s.readOnly);
  const node = selectedNodes.length === 1 && selectedEdges.length <= 1 ? selectedNodes[0] : undefined;
  const edge = selectedNodes.length === 0 && selectedEdges.length === 1 ? selectedEdges[0] : undefined;

  let body;
  if (node) body = <NodeForm key={node.id} node={node} activities={activities} problems={problems.filter((p) => p.nodeId === node.id)} />;
  else if (edge) body = <EdgeForm key={edge.id} edge={edge} problems={problems.filter((p) => p.edgeId === edge.id)} />;
  else if (selectedNodes.length + selectedEdges.length > 1)
    body = (
      <div className="inspector-section">
        <h2>{selectedNodes.length + selectedEdges.length} items selected</h2>
        <p className="muted">Copy with Ctrl+C, paste with Ctrl+V, delete with Delete. Select one node to edit it.</p>
      </div>
    );
  else body = <DocumentForm />;

  return (
    <aside className="inspector" aria-label="Inspector">
      <fieldset className="inspector-fieldset" disabled={readOnly}>
        {body}
      </fieldset>
    </aside>
  );
}
