import type { ActivityInfo, JsonSchema } from "@weft/client";
import type { Problem } from "@weft/definition";
import { useMemo } from "react";
import { NodeIcon } from "../nodes/NodeIcon";
import { kindOf } from "../nodes/registry";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { ConnectTo } from "./ConnectTo";
import { ExpressionListContext, TextField } from "./fields";
import { expressionSuggestions } from "./expression-suggestions";
import type { WeftNode } from "./mapping";
import { ProblemList } from "./ProblemList";

/** What every node has (kind, id, problems, label), then the form of its kind. */
export function NodeForm({
  node,
  activities,
  problems,
}: {
  node: WeftNode;
  activities: readonly ActivityInfo[];
  problems: readonly Problem[];
}) {
  const store = useDesignerStore();
  const readOnly = useDesigner((s) => s.readOnly);
  const kind = kindOf(node.type ?? "");
  // An unknown type gets the header and label of the activity kind it falls back to, but no form.
  const KindForm = kind.type === node.type ? kind.Form : undefined;
  const s = node.data.settings;
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateNode(node.id, patch, key);

  const listId = `expression-paths-${node.id}`;
  return (
    <ExpressionListContext.Provider value={listId}>
      <div className="inspector-section">
        <ExpressionPaths id={listId} nodeId={node.id} activities={activities} />
        <h2>
          <span className="inspector-kind" style={{ background: kind.color }} aria-hidden="true">
            <NodeIcon type={kind.type} size={14} />
          </span>
          {kind.title}
        </h2>
        <p className="muted inspector-id">
          Id <code>{node.id}</code>
          {node.parentId ? (
            <>
              {" "}
              · inside map <code>{node.parentId}</code>
            </>
          ) : null}
        </p>
        <ProblemList problems={problems} />
        <TextField
          label="Label"
          value={typeof s.label === "string" ? s.label : undefined}
          placeholder={kind.title}
          onChange={(v) => set({ label: v === "" ? undefined : v }, "label")}
        />
        {KindForm ? <KindForm node={node} settings={s} set={set} activities={activities} readOnly={readOnly} /> : null}
        {!readOnly && kind.outputs.length > 0 ? <ConnectTo node={node} /> : null}
      </div>
    </ExpressionListContext.Provider>
  );
}

/** The paths this node's expressions can read, offered as you type in any expression field. */
function ExpressionPaths({ id, nodeId, activities }: { id: string; nodeId: string; activities: readonly ActivityInfo[] }) {
  const nodes = useDesigner((s) => s.nodes);
  const edges = useDesigner((s) => s.edges);
  const inputSchema = useDesigner((s) => s.meta.inputSchema) as JsonSchema | undefined;
  const paths = useMemo(
    () => expressionSuggestions(nodeId, nodes, edges, inputSchema, new Map(activities.map((a) => [a.name, a]))),
    [nodeId, nodes, edges, inputSchema, activities],
  );
  return (
    <datalist id={id} data-testid="expression-paths">
      {paths.map((path) => (
        <option key={path} value={path} />
      ))}
    </datalist>
  );
}
