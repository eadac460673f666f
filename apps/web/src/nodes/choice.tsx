import { useShallow } from "zustand/react/shallow";
import { useDesigner, useDesignerStore } from "../designer/DesignerStoreContext";
import { CheckField, TextField } from "../designer/fields";
import type { NodeFormProps, NodeKind } from "./kind";

/** A choice's settings are on its outgoing edges: each branch's condition, in order. */
function ChoiceForm({ node }: NodeFormProps) {
  const edges = useDesigner(useShallow((s) => s.edges.filter((e) => e.source === node.id)));
  const nodes = useDesigner((s) => s.nodes);
  const store = useDesignerStore();
  if (!edges.length)
    return <p className="muted">Connect this node&apos;s Next handle to each branch; then give each branch a condition here.</p>;
  return (
    <fieldset className="subform">
      <legend>Branches, tried in order</legend>
      {edges.map((edge) => {
        const target = nodes.find((n) => n.id === edge.target);
        const name = (target?.data.settings.label as string | undefined) ?? edge.target;
        const s = edge.data?.settings ?? {};
        return (
          <div key={edge.id} className="branch">
            <TextField
              label={`Condition to ${name}`}
              code
              value={typeof s.condition === "string" ? s.condition : ""}
              placeholder={s.default ? "(default branch)" : 'e.g. steps.approve.decision = "Approved"'}
              readOnly={s.default === true}
              onChange={(v) => store.getState().updateEdge(edge.id, { condition: v === "" ? undefined : v }, "condition")}
            />
            <CheckField
              label={`Default branch (${name})`}
              checked={s.default === true}
              onChange={(on) =>
                store.getState().updateEdge(edge.id, { default: on ? true : undefined, condition: on ? undefined : s.condition })
              }
            />
          </div>
        );
      })}
    </fieldset>
  );
}

export const choice: NodeKind = {
  type: "choice",
  title: "Choice",
  icon: { d: "M8 2l6 6-6 6-6-6z" },
  glyph: "◇",
  color: "var(--node-flow)",
  group: "Flow",
  description: "Takes the first outgoing edge whose condition holds.",
  outputs: ["next"],
  input: true,
  defaults: {},
  subtitle: () => "takes the first true branch",
  Form: ChoiceForm,
};
