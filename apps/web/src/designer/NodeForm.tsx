import type { ActivityInfo } from "@weft/client";
import type { Problem } from "@weft/definition";
import { NodeIcon } from "../nodes/NodeIcon";
import { kindOf } from "../nodes/registry";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { TextField } from "./fields";
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

  return (
    <div className="inspector-section">
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
    </div>
  );
}
